/**
 * Where each key of a TOML document was last defined, as BurntSushi's decoder
 * records it for its error messages (`toml: line 3 (last key "registry.insecure"): …`).
 *
 * smol-toml validates the syntax but keeps no positions, so this scanner walks
 * a document that parses (or fails only on a redefined key) once and remembers, for every dotted key path
 * (array-of-tables indices dropped, as BurntSushi does), the line of its last
 * definition and what declared it.
 *
 * @module
 */

/** How a key path was last declared. */
export interface TomlKeyLine {
  /** 1-based line of the last definition. */
  readonly line: number;
  /** What defined it: a `key = value`, a `[table]` or an `[[array of tables]]` header. */
  readonly by: "value" | "table" | "array-of-tables";
}

/**
 * Formats a key path as BurntSushi's `Key.String()`: parts joined by `.`,
 * a part with characters outside `[A-Za-z0-9_-]` double-quoted.
 *
 * @example
 * ```ts
 * import { formatTomlKey } from "./toml_key_lines.ts";
 * formatTomlKey(["aliases", "quay.io/x"]); // 'aliases."quay.io/x"'
 * ```
 */
export function formatTomlKey(path: readonly string[]): string {
  return path.map((part) => {
    if (part === "") return '""';
    if (/^[A-Za-z0-9_-]+$/.test(part)) return part;
    return `"${part.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
  }).join(".");
}

/**
 * Indexes the key definitions of a syntactically valid TOML document.
 *
 * @example
 * ```ts
 * import { tomlKeyLines } from "./toml_key_lines.ts";
 * tomlKeyLines('[[registry]]\nlocation = "a"\n').get("registry.location"); // { line: 2, by: "value" }
 * ```
 */
export function tomlKeyLines(text: string): Map<string, TomlKeyLine> {
  return new KeyLineScanner(text).scan();
}

class KeyLineScanner {
  readonly #text: string;
  readonly #lines = new Map<string, TomlKeyLine>();
  #at = 0;
  #line = 1;

  constructor(text: string) {
    this.#text = text;
  }

  scan(): Map<string, TomlKeyLine> {
    let table: string[] = [];
    for (this.#skipBlank(true); this.#at < this.#text.length; this.#skipBlank(true)) {
      if (this.#peek() === "[") {
        const arrayOfTables = this.#text.startsWith("[[", this.#at);
        const line = this.#line;
        this.#at += arrayOfTables ? 2 : 1;
        table = this.#key();
        this.#at += arrayOfTables ? 2 : 1;
        this.#record(table, line, arrayOfTables ? "array-of-tables" : "table");
      } else {
        this.#keyValue(table);
      }
    }
    return this.#lines;
  }

  #record(path: readonly string[], line: number, by: TomlKeyLine["by"] = "value"): void {
    this.#lines.set(formatTomlKey(path), { line, by });
  }

  #peek(offset = 0): string {
    return this.#text[this.#at + offset] ?? "";
  }

  #advance(): string {
    const char = this.#peek();
    this.#at++;
    if (char === "\n") this.#line++;
    return char;
  }

  /** Skips spaces, tabs and comments; newlines too when `newlines` is set. */
  #skipBlank(newlines: boolean): void {
    while (this.#at < this.#text.length) {
      const char = this.#peek();
      if (char === " " || char === "\t" || char === "\r" || (newlines && char === "\n")) {
        this.#advance();
      } else if (char === "#") {
        while (this.#at < this.#text.length && this.#peek() !== "\n") this.#advance();
      } else {
        return;
      }
    }
  }

  #key(): string[] {
    const parts: string[] = [];
    for (;;) {
      this.#skipBlank(false);
      const char = this.#peek();
      if (char === '"' || char === "'") {
        parts.push(this.#string());
      } else {
        let bare = "";
        while (/[A-Za-z0-9_-]/.test(this.#peek())) bare += this.#advance();
        parts.push(bare);
      }
      this.#skipBlank(false);
      if (this.#peek() !== ".") return parts;
      this.#advance();
    }
  }

  #keyValue(context: readonly string[]): void {
    const line = this.#line;
    const path = [...context, ...this.#key()];
    this.#record(path, line);
    this.#skipBlank(false);
    this.#advance(); // "="
    this.#skipBlank(false);
    this.#value(path);
  }

  #value(path: readonly string[]): void {
    const char = this.#peek();
    if (char === '"' || char === "'") {
      this.#string();
    } else if (char === "[") {
      this.#sequence("]", () => this.#value(path));
    } else if (char === "{") {
      this.#sequence("}", () => this.#keyValue(path));
    } else {
      // Numbers, booleans and date-times (which may contain a space) end at a delimiter.
      while (this.#at < this.#text.length && !/[,\]}\n#]/.test(this.#peek())) this.#advance();
    }
  }

  /** Reads `item, item, …` up to `close` (arrays and inline tables may span lines). */
  #sequence(close: string, item: () => void): void {
    this.#advance();
    for (
      this.#skipBlank(true);
      this.#peek() !== close && this.#peek() !== "";
      this.#skipBlank(true)
    ) {
      item();
      this.#skipBlank(true);
      if (this.#peek() === ",") this.#advance();
    }
    this.#advance();
  }

  /** Reads a basic, literal or multi-line string and returns its raw content. */
  #string(): string {
    const quote = this.#peek();
    const multiline = this.#text.startsWith(quote.repeat(3), this.#at);
    const delimiter = multiline ? quote.repeat(3) : quote;
    this.#at += delimiter.length;
    let content = "";
    while (this.#at < this.#text.length && !this.#text.startsWith(delimiter, this.#at)) {
      if (quote === '"' && this.#peek() === "\\") content += this.#advance();
      content += this.#advance();
    }
    this.#at += delimiter.length;
    // A multi-line string may end with up to two extra quotes before the delimiter.
    while (multiline && this.#peek() === quote) this.#advance();
    return quote === '"' ? unescapeBasic(content) : content;
  }
}

function unescapeBasic(raw: string): string {
  return raw.replace(
    /\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)/g,
    (_match, escape: string) => {
      if (escape.length > 1) return String.fromCodePoint(parseInt(escape.slice(1), 16));
      return ({ b: "\b", t: "\t", n: "\n", f: "\f", r: "\r" } as Record<string, string>)[escape] ??
        escape;
    },
  );
}
