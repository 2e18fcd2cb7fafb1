/**
 * Decodes one registries.conf document into the fields containers/image reads,
 * with the semantics of the Go TOML decoder it uses (BurntSushi toml v1.5):
 * unknown keys are ignored, a key matches a field by its exact name or else
 * case-insensitively, a present-but-empty array differs from an absent one,
 * and a value of the wrong type fails the whole file with BurntSushi's text.
 *
 * @module
 */

import { parse, TomlDate, TomlError } from "smol-toml";
import { goQuote } from "../text/go_quote.ts";
import { formatTomlKey, type TomlKeyLine, tomlKeyLines } from "./toml_key_lines.ts";

/** An endpoint: the primary location of a `[[registry]]` or one of its mirrors. */
export interface EndpointSettings {
  location: string;
  insecure: boolean;
  pullFromMirror: string;
}

/** One `[[registry]]` table as decoded, before validation. */
export interface RegistrySettings extends EndpointSettings {
  prefix: string;
  blocked: boolean;
  mirrorByDigestOnly: boolean;
  mirrors: EndpointSettings[];
}

/**
 * Everything one file sets. An optional array is `undefined` when the key is
 * absent and `[]` when present but empty; containers/image tells the two apart.
 */
export interface RegistriesFileSettings {
  registries?: RegistrySettings[];
  unqualifiedSearchRegistries?: string[];
  credentialHelpers?: string[];
  shortNameMode: string;
  additionalLayerStoreAuthHelper: string;
  aliases?: Map<string, string>;
  v1Search?: string[];
  v1Insecure?: string[];
  v1Block?: string[];
}

/** A TOML syntax or type error, worded like BurntSushi's (`toml: line N …`). */
export class TomlDecodeError extends SyntaxError {
  /** @param message the full `toml: …` text */
  constructor(message: string) {
    super(message);
    this.name = "TomlDecodeError";
  }
}

type Target = Record<string, unknown>;
type Field = { readonly name: string; readonly property: string; readonly schema: Schema };
type Schema =
  | { readonly kind: "string" | "boolean" | "strings" | "string-map" }
  | { readonly kind: "struct"; readonly goType: string; readonly fields: readonly Field[] }
  | { readonly kind: "structs"; readonly element: Schema & { kind: "struct" } };

const ENDPOINT_FIELDS: readonly Field[] = [
  { name: "location", property: "location", schema: { kind: "string" } },
  { name: "insecure", property: "insecure", schema: { kind: "boolean" } },
  { name: "pull-from-mirror", property: "pullFromMirror", schema: { kind: "string" } },
];
const ENDPOINT: Schema & { kind: "struct" } = {
  kind: "struct",
  goType: "sysregistriesv2.Endpoint",
  fields: ENDPOINT_FIELDS,
};
const REGISTRY: Schema & { kind: "struct" } = {
  kind: "struct",
  goType: "sysregistriesv2.Registry",
  fields: [
    { name: "prefix", property: "prefix", schema: { kind: "string" } },
    ...ENDPOINT_FIELDS,
    { name: "mirror", property: "mirrors", schema: { kind: "structs", element: ENDPOINT } },
    { name: "blocked", property: "blocked", schema: { kind: "boolean" } },
    { name: "mirror-by-digest-only", property: "mirrorByDigestOnly", schema: { kind: "boolean" } },
  ],
};
const V1_LIST = (property: string): Schema => ({
  kind: "struct",
  goType: "sysregistriesv2.V1TOMLregistries",
  fields: [{ name: "registries", property, schema: { kind: "strings" } }],
});
const FILE: Schema & { kind: "struct" } = {
  kind: "struct",
  goType: "sysregistriesv2.tomlConfig",
  fields: [
    { name: "registry", property: "registries", schema: { kind: "structs", element: REGISTRY } },
    {
      name: "unqualified-search-registries",
      property: "unqualifiedSearchRegistries",
      schema: { kind: "strings" },
    },
    { name: "credential-helpers", property: "credentialHelpers", schema: { kind: "strings" } },
    { name: "short-name-mode", property: "shortNameMode", schema: { kind: "string" } },
    {
      name: "additional-layer-store-auth-helper",
      property: "additionalLayerStoreAuthHelper",
      schema: { kind: "string" },
    },
    { name: "aliases", property: "aliases", schema: { kind: "string-map" } },
    {
      name: "registries",
      property: "",
      schema: {
        kind: "struct",
        goType: "sysregistriesv2.V1TOMLConfig",
        fields: [
          { name: "search", property: "", schema: V1_LIST("v1Search") },
          { name: "insecure", property: "", schema: V1_LIST("v1Insecure") },
          { name: "block", property: "", schema: V1_LIST("v1Block") },
        ],
      },
    },
  ],
};

/**
 * Decodes a registries.conf document.
 *
 * @example
 * ```ts
 * import { decodeRegistriesToml } from "./registries_toml.ts";
 * decodeRegistriesToml('[[registry]]\nLocation = "docker.io"\n').registries?.[0]?.location; // "docker.io"
 * ```
 * @throws {TomlDecodeError} on a syntax error or a value of the wrong type
 */
export function decodeRegistriesToml(text: string): RegistriesFileSettings {
  let document: Record<string, unknown>;
  try {
    document = parse(text, { integersAsBigInt: true });
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    throw new TomlDecodeError(syntaxErrorMessage(text, error));
  }
  const settings: RegistriesFileSettings = {
    shortNameMode: "",
    additionalLayerStoreAuthHelper: "",
  };
  new Decoder(text).struct(document, FILE, settings as unknown as Target, []);
  return settings;
}

class Decoder {
  readonly #text: string;
  #lines: Map<string, TomlKeyLine> | undefined;

  constructor(text: string) {
    this.#text = text;
  }

  /** Fills `target` from a TOML table; properties of nested V1 structs land on `root`. */
  struct(data: unknown, schema: Schema & { kind: "struct" }, target: Target, path: string[]): void {
    if (!isTable(data)) {
      throw this.#error(
        path,
        `type mismatch for ${schema.goType}: expected table but found ${this.#goType(data, path)}`,
      );
    }
    for (const [key, value] of Object.entries(data)) {
      const field = schema.fields.find((f) => f.name === key) ??
        schema.fields.find((f) => f.name.toLowerCase() === key.toLowerCase());
      if (field === undefined) continue; // containers/image only debug-logs unknown keys
      const fieldPath = [...path, key];
      if (field.schema.kind === "struct") {
        this.struct(value, field.schema, target, fieldPath);
      } else if (field.schema.kind === "structs" && Array.isArray(target[field.property])) {
        target[field.property] = this.#mergeStructs(
          target[field.property] as Target[],
          value,
          field.schema,
          fieldPath,
        );
      } else {
        target[field.property] = this.#value(value, field.schema, fieldPath);
      }
    }
  }

  /** The full list a cut list was taken from: Go's backing array, up to its capacity. */
  readonly #backing = new WeakMap<Target[], Target[]>();

  /**
   * An array of tables decoded into a list that is already there (the same
   * key in another letter case, or a table decoded into an element filled
   * before), as BurntSushi/toml (v1.6.0, `unifySlice`) does: a longer new list
   * than the backing array (Go's capacity) starts afresh; otherwise the list
   * is cut to the new length and each new table decoded into the element
   * already there, so fields it does not set keep their earlier values. (Go visits a table's keys in random order;
   * where the order matters, this follows the file.)
   */
  #mergeStructs(
    existing: Target[],
    data: unknown,
    schema: Schema & { kind: "structs" },
    path: string[],
  ): Target[] {
    // Go's slice keeps its backing array when cut: elements past the length
    // come back, with their old fields, when a later list is longer again.
    const backing = this.#backing.get(existing) ?? existing;
    if (!Array.isArray(data) || data.length > backing.length) {
      return this.#value(data, schema, path) as Target[];
    }
    const merged = backing.slice(0, data.length);
    this.#backing.set(merged, backing);
    data.forEach((item, index) => this.struct(item, schema.element, merged[index]!, path));
    return merged;
  }

  #value(data: unknown, schema: Schema, path: string[]): unknown {
    switch (schema.kind) {
      case "string":
        if (typeof data !== "string") throw this.#badType(data, "string", path);
        return data;
      case "boolean":
        if (typeof data !== "boolean") throw this.#badType(data, "boolean", path);
        return data;
      case "strings":
        if (!Array.isArray(data)) throw this.#badType(data, "slice", path);
        return data.map((item) => this.#value(item, { kind: "string" }, path));
      case "string-map": {
        if (!isTable(data)) throw this.#badType(data, "map", path);
        const map = new Map<string, string>();
        for (const [key, value] of Object.entries(data)) {
          map.set(key, this.#value(value, { kind: "string" }, [...path, key]) as string);
        }
        return map;
      }
      case "structs":
        if (!Array.isArray(data)) throw this.#badType(data, "slice", path);
        return data.map((item) => {
          const element = defaults(schema.element);
          this.struct(item, schema.element, element, path);
          return element;
        });
      case "struct":
        throw new TypeError("Nested structs are decoded by struct()");
    }
  }

  #badType(data: unknown, destination: string, path: string[]): TomlDecodeError {
    return this.#error(
      path,
      `incompatible types: TOML value has type ${
        this.#goType(data, path)
      }; destination has type ${destination}`,
    );
  }

  #error(path: string[], detail: string): TomlDecodeError {
    if (path.length === 0) return new TomlDecodeError(`toml: ${detail}`);
    const key = formatTomlKey(path);
    this.#lines ??= tomlKeyLines(this.#text);
    const line = this.#lines.get(key)?.line;
    const where = line === undefined ? "" : `line ${line} `;
    return new TomlDecodeError(`toml: ${where}(last key ${goQuote(key)}): ${detail}`);
  }

  /** The Go type name BurntSushi's `%T` prints for a decoded TOML value. */
  #goType(data: unknown, path: string[]): string {
    if (typeof data === "string") return "string";
    if (typeof data === "bigint") return "int64";
    if (typeof data === "number") return "float64";
    if (typeof data === "boolean") return "bool";
    if (data instanceof TomlDate) return "time.Time";
    if (Array.isArray(data)) {
      this.#lines ??= tomlKeyLines(this.#text);
      const declared = this.#lines.get(formatTomlKey(path))?.by;
      return declared === "array-of-tables" ? "[]map[string]any" : "[]any";
    }
    return "map[string]any";
  }
}

/**
 * A smol-toml syntax error in BurntSushi's shape: `toml: line N: …`, and for a
 * key defined twice BurntSushi's exact text, which names the key. BurntSushi
 * reports an unexpected newline after consuming it, i.e. on the next line;
 * smol-toml points at the newline itself.
 */
function syntaxErrorMessage(text: string, error: TomlError): string {
  const detail = error.message.split("\n", 1)[0]?.replace(/^Invalid TOML document: /, "");
  if (detail === "trying to redefine an already defined table or value") {
    const redefined = [...tomlKeyLines(text)].find(([, at]) =>
      at.line === error.line && at.by !== "array-of-tables"
    );
    if (redefined !== undefined) {
      const [key, { by }] = redefined;
      const lastKey = by === "value" ? ` (last key ${goQuote(key)})` : "";
      return `toml: line ${error.line}${lastKey}: Key '${key}' has already been defined.`;
    }
  }
  const lineStart = text.split("\n").slice(0, error.line - 1)
    .reduce((n, line) => n + line.length + 1, 0);
  const line = text[lineStart + error.column - 1] === "\n" ? error.line + 1 : error.line;
  return `toml: line ${line}: ${detail}`;
}

function defaults(schema: Schema & { kind: "struct" }): Target {
  const target: Target = {};
  for (const field of schema.fields) {
    if (field.schema.kind === "string") target[field.property] = "";
    if (field.schema.kind === "boolean") target[field.property] = false;
    if (field.schema.kind === "structs") target[field.property] = [];
  }
  return target;
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) &&
    !(value instanceof TomlDate);
}
