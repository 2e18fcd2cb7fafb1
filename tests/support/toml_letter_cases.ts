/**
 * Whether a registries.conf text holds one key in two letter cases within a
 * table, where containers/image v5.38 is not deterministic
 * (`cimage_batches.ts` asks such questions more than once).
 */

/** Whether `names` hold one name in two letter cases. */
function twoSpellings(names: readonly string[]): boolean {
  const spellings = new Map<string, string>();
  for (const name of names) {
    const seen = spellings.get(name.toLowerCase());
    if (seen !== undefined && seen !== name) return true;
    spellings.set(name.toLowerCase(), name);
  }
  return false;
}

/**
 * Whether one TOML table of `text` holds two keys that differ only in letter
 * case, so that BurntSushi's decoder puts both into one Go struct field in Go's
 * map order: the one source of non-determinism in v5.38's loading (besides
 * several invalid aliases, which the generator does not write). Tables are
 * told apart as the generator writes them (headers, inline tables, no dotted
 * keys); a `[a.b]` header counts as key `b` of the table `[[a]]` before it.
 */
export function keysInTwoCases(text: string): boolean {
  const code = text.replace(/"(?:\\.|[^"\\\n])*"|'[^'\n]*'|#.*$/gm, "");
  const inline: string[] = [];
  const outer = code.replace(/\{[^{}]*\}/g, (table) => {
    inline.push(table.slice(1, -1));
    return "{}";
  });
  const top: string[] = [];
  const tables: string[][] = [top];
  let element = top;
  let current = top;
  for (const line of outer.split("\n")) {
    const header = /^\s*\[\[?([^\]]*)\]/.exec(line);
    if (header) {
      const path = (header[1] ?? "").split(".").map((name) => name.trim());
      top.push(path[0] ?? "");
      current = [];
      tables.push(current);
      if (path.length === 1) element = current;
      else element.push(path[1] ?? "");
      continue;
    }
    const key = /^\s*([A-Za-z][\w-]*)\s*=/.exec(line)?.[1];
    if (key !== undefined) current.push(key);
  }
  const inlineKeys = inline.map((table) => table.match(/[A-Za-z][\w-]*(?=\s*=)/g) ?? []);
  return [...tables, ...inlineKeys].some(twoSpellings);
}
