/**
 * One random registries.conf file for the scenarios of
 * `random_registries_v538.ts`, wider than the files of `random_registries.ts`
 * (which stay within what skopeo 1.9's containers/image 5.23 shares with 5.38):
 *
 * - blocked tables whose `location` is another host, and mirrors on hosts
 *   that blocked tables match;
 * - `location` (of a table or a mirror) carrying a tag or a digest;
 * - `pull-from-mirror`, also next to `mirror-by-digest-only` and on tables;
 * - a UTF-8 byte-order mark; TOML 1.1 syntax (newlines and a trailing comma
 *   in inline tables, `\xHH` and `\e` escapes);
 * - keys spelled in other letter cases, also the same key in two letter cases
 *   in one table or file (scalars, `[[registry]]`, `[[registry.mirror]]`);
 * - repeated array keys (an inline array next to an array of tables, a list
 *   given twice);
 * - trailing `/` on mirror locations; V1 tables with only empty arrays.
 */

import type { Random } from "./random_registries.ts";

export const ONE_DIGEST = `sha256:${"1".repeat(64)}`;

export const HOSTS = [
  "docker.io",
  "quay.io",
  "example.com",
  "a.example.com",
  "example.com:5000",
  "localhost:5000",
  "blk.io",
  "x.blk.example.com",
  "reg.local:8443",
];
const WILDCARDS = ["*.example.com", "*.a.example.com", "*.blk.example.com", "*.local"];
export const NAMESPACES = ["library", "team", "team/sub", "hub"];
const MIRRORS = [
  "m1.mirror.net",
  "m2.mirror.net:5000",
  "m3.mirror.net/cache",
  "localhost:5001/hub",
  "a.example.com",
  // hosts that blocked tables (prefix or wildcard) may match
  "blk.io",
  "blk.io/hub",
  "y.blk.example.com",
  "blk.io:5000/hub",
];
const OTHER_LOCATIONS = ["internal.example.net/bar", "quay.io/lib", "blk.io", "other.io/ns"];
// A location or mirror that carries a tag or a digest: rewritten references keep both, or fail.
const TAGGED_LOCATIONS = ["b.io/y:v1", `b.io/y@${ONE_DIGEST}`, "m1.mirror.net/z:2"];
// No dot or port: a reference rewritten to it is not canonical, so the rewrite fails.
const NOT_A_HOST = "internal/bar";
const PULL_FROM_MIRROR = ["all", "digest-only", "tag-only"];

/** Features that can be left out, e.g. to look for other differences while one is being fixed. */
export interface GeneratorOptions {
  /** Keys in other letter cases, and one key in two letter cases. @default true */
  readonly letterCases?: boolean;
  /** A `location` (of a table or a mirror) carrying a tag or digest. @default true */
  readonly taggedLocations?: boolean;
}

/** State shared while one scenario is generated. */
export interface Context {
  readonly random: Random;
  readonly options: Required<GeneratorOptions>;
  /** Prefixes defined so far (parsed: no trailing slash), for images that hit tables. */
  readonly prefixes: string[];
}

function quote(value: string, random?: Random): string {
  const json = JSON.stringify(value);
  // TOML 1.1 `\xHH` escape (BurntSushi v1.6 reads it) for a dot, sometimes.
  if (random !== undefined && random.chance(0.04) && value.includes(".")) {
    return json.replace(".", "\\x2e");
  }
  return json;
}

/** A key as written: usually as documented, sometimes in other letter cases. */
function spell(ctx: Context, key: string): string {
  const { random } = ctx;
  if (!random.chance(0.03) || !ctx.options.letterCases) return key;
  return random.pick([
    key.toUpperCase(),
    key[0]!.toUpperCase() + key.slice(1),
    key.replace(/-(\w)/g, (_m, c: string) => `-${c.toUpperCase()}`),
  ]);
}

/** `key = value` lines; sometimes the same key twice, in two letter cases (BurntSushi accepts both). */
function assign(ctx: Context, key: string, value: string, other?: string): string[] {
  const { random } = ctx;
  const spelled = spell(ctx, key);
  const line = `${spelled} = ${value}`;
  if (random.chance(0.006) && ctx.options.letterCases) {
    const twin = spelled === key ? key.toUpperCase() : key;
    return [line, `${twin} = ${other ?? value}`];
  }
  return [line];
}

function slashes(random: Random, location: string): string {
  return random.chance(0.1) ? `${location}${random.pick(["/", "//"])}` : location;
}

function mirrorLocation(ctx: Context): string {
  const { random } = ctx;
  if (random.chance(0.03)) return NOT_A_HOST;
  if (random.chance(0.06) && ctx.options.taggedLocations) return random.pick(TAGGED_LOCATIONS);
  return random.pick(MIRRORS);
}

/** One mirror's key/value lines (without its header). */
function mirrorLines(ctx: Context, digestOnly: boolean): string[] {
  const { random } = ctx;
  const lines: string[] = [];
  if (!random.chance(0.01)) {
    const location = random.chance(0.01) ? "https://bad.mirror" : mirrorLocation(ctx);
    lines.push(...assign(ctx, "location", quote(slashes(random, location), random)));
  }
  if (random.chance(0.2)) lines.push(...assign(ctx, "insecure", "true", "false"));
  if (random.chance(0.3) && (!digestOnly || random.chance(0.05))) {
    const usage = random.chance(0.02) ? "sometimes" : random.pick(PULL_FROM_MIRROR);
    lines.push(...assign(ctx, "pull-from-mirror", quote(usage)));
  }
  return lines;
}

/** A `[[registry]]` table, with its mirrors as arrays of tables or as an inline array. */
function table(ctx: Context, header: string): string[] {
  const { random } = ctx;
  const lines = [`[[${header}]]`];
  let prefix: string;
  if (random.chance(0.2)) {
    prefix = random.pick(WILDCARDS);
    lines.push(...assign(ctx, "prefix", quote(prefix)));
    if (random.chance(0.6)) {
      const location = random.chance(0.1) && ctx.options.taggedLocations
        ? random.pick(TAGGED_LOCATIONS)
        : random.pick(OTHER_LOCATIONS);
      lines.push(...assign(ctx, "location", quote(location, random)));
    }
  } else {
    const host = random.pick(HOSTS);
    prefix = random.chance(0.4) ? `${host}/${random.pick(NAMESPACES)}` : host;
    if (random.chance(0.35)) {
      lines.push(...assign(ctx, "prefix", quote(slashes(random, prefix), random)));
      const location = random.chance(0.12) && ctx.options.taggedLocations
        ? random.pick(TAGGED_LOCATIONS)
        : random.chance(0.05)
        ? NOT_A_HOST
        : random.pick([...OTHER_LOCATIONS, prefix]);
      lines.push(
        ...assign(ctx, "location", quote(slashes(random, location), random), quote(location)),
      );
    } else {
      lines.push(...assign(ctx, "location", quote(slashes(random, prefix), random)));
    }
  }
  ctx.prefixes.push(prefix);
  if (random.chance(0.12)) lines.push(...assign(ctx, "insecure", "true", "false"));
  // Blocked: more often on the hosts mirrors use, so that mirrors land on blocked tables.
  const blockedChance = /blk/.test(prefix) ? 0.6 : 0.15;
  if (random.chance(blockedChance)) lines.push(...assign(ctx, "blocked", "true", "false"));
  const digestOnly = random.chance(0.15);
  if (digestOnly) lines.push(...assign(ctx, "mirror-by-digest-only", "true"));
  if (random.chance(0.01)) lines.push(`pull-from-mirror = "digest-only"`);
  const count = random.int(4);
  if (count > 0 && random.chance(0.15)) {
    // Inline array of inline tables, in TOML 1.1 style (newlines, trailing commas) or 1.0 style.
    const toml11 = random.chance(0.5);
    const items = Array.from({ length: count }, () => {
      const fields = mirrorLines(ctx, digestOnly);
      if (fields.length === 0) return "{}";
      return toml11 ? `{\n  ${fields.join(",\n  ")},\n}` : `{ ${fields.join(", ")} }`;
    });
    lines.push(
      toml11
        ? `${spell(ctx, "mirror")} = [\n${items.join(",\n")},\n]`
        : `${spell(ctx, "mirror")} = [${items.join(", ")}]`,
    );
    // A repeated array key: the same list again as an array of tables.
    if (random.chance(0.1)) lines.push(`[[${header}.mirror]]`, ...mirrorLines(ctx, digestOnly));
  } else {
    for (let i = 0; i < count; i++) {
      const mirrorHeader = random.chance(0.02) && ctx.options.letterCases
        ? random.pick(["Mirror", "MIRROR"])
        : "mirror";
      lines.push(`[[${header}.${mirrorHeader}]]`, ...mirrorLines(ctx, digestOnly));
    }
  }
  return lines;
}

function v2File(ctx: Context, tables: number): string {
  const { random } = ctx;
  const parts: string[] = [];
  if (random.chance(0.12)) {
    const search = random.chance(0.05) ? "quay.io/ns" : random.pick(HOSTS);
    parts.push(...assign(ctx, "unqualified-search-registries", `[${quote(search)}]`, "[]"));
    // A repeated array key is a TOML error.
    if (random.chance(0.05)) parts.push(`unqualified-search-registries = []`);
  }
  if (random.chance(0.05)) {
    const mode = random.pick(["enforcing", "disabled", "permissive", "prompt"]);
    parts.push(...assign(ctx, "short-name-mode", quote(mode)));
  }
  if (random.chance(0.03)) parts.push(`credential-helpers = []`);
  if (random.chance(0.02)) parts.push(`some-future-key = "\\e[0m"`);
  if (random.chance(0.03)) {
    parts.push(`registry = [{ location = ${quote(random.pick(HOSTS))} }]`);
  }
  // Mostly one spelling per file; sometimes `[[REGISTRY]]` next to `[[registry]]`, which
  // BurntSushi decodes into one list (in Go's map order).
  const cases = ctx.options.letterCases;
  const mixed = random.chance(0.03) && cases;
  for (let i = 0; i < tables; i++) {
    const header = mixed && random.chance(0.5)
      ? random.pick(["REGISTRY", "Registry"])
      : random.chance(0.015) && cases
      ? "Registry"
      : "registry";
    parts.push(...table(ctx, header));
  }
  if (random.chance(0.04)) parts.push(`[registries.search]`, `registries = []`);
  if (random.chance(0.02)) {
    parts.push(`[aliases]`, `${quote("short")} = ${quote(random.pick(HOSTS) + "/short")}`);
  }
  return `${parts.join("\n")}\n`;
}

function v1File(ctx: Context): string {
  const { random } = ctx;
  // Empty lists count as set (containers/image since 5.24).
  const hosts = () =>
    random.chance(0.25)
      ? []
      : [random.pick(HOSTS), ...(random.chance(0.4) ? [slashes(random, random.pick(HOSTS))] : [])];
  const parts: string[] = [];
  for (const kind of ["search", "insecure", "block"]) {
    if (!random.chance(0.6)) continue;
    const list = hosts();
    if (kind !== "search") ctx.prefixes.push(...list.map((h) => h.replace(/\/+$/, "")));
    parts.push(`[registries.${kind}]`, `registries = [${list.map((h) => quote(h)).join(", ")}]`);
  }
  if (random.chance(0.1)) parts.push(`unqualified-search-registries = []`);
  return `${parts.join("\n")}\n`;
}

export function file(ctx: Context, tables: number, mainFile: boolean): string {
  const { random } = ctx;
  const text = mainFile && random.chance(0.08) ? v1File(ctx) : v2File(ctx, tables);
  return random.chance(0.05) ? `\uFEFF${text}` : text;
}
