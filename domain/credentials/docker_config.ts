/**
 * Docker-style credential files, decoded exactly as kubelet decodes them
 * (kubernetes `pkg/credentialprovider/config.go`: `DockerConfigJSON`,
 * `DockerConfig`, `DockerConfigEntry.UnmarshalJSON`, through Go's
 * `encoding/json`): the payloads of Kubernetes pull secrets
 * (`kubernetes.io/dockerconfigjson`, `kubernetes.io/dockercfg`, and OpenShift's
 * `kubernetes.io/podmanconfigjson`) and the global `config.json`.
 *
 * Go's rules, each held by a test row: keys match fields exactly, else
 * case-insensitively; repeated keys are applied in document order (a
 * repeated map field merges); `null` leaves a string unset and empties a map;
 * a value of the wrong type rejects the document; `auth` wins over
 * `username`/`password` and is decoded by {@linkcode decodeAuthField}.
 * containers/image's `identitytoken`, which kubelet does not read, is kept.
 *
 * @module
 */

import { decodeAuthField } from "./docker_auth_field.ts";
import { goJsonField } from "../text/go_json_fields.ts";
import { type JsonValueNode, parseJsonDocument } from "../text/json_document.ts";

/** One `auths` entry as kubelet decodes it. */
export interface DockerConfigEntry {
  readonly key: string;
  /** From `auth` when it is set, else from `username` (UTF-8). */
  readonly username: Uint8Array;
  /** From `auth` when it is set, else from `password` (UTF-8). */
  readonly password: Uint8Array;
  /** containers/image's `identitytoken`. */
  readonly identitytoken?: string;
}

/** A docker config document: its entries in document order, and its credential helpers. */
export interface DockerConfig {
  readonly entries: readonly DockerConfigEntry[];
  /** containers/image's `credHelpers` (registry → helper), only where asked for. */
  readonly credHelpers: ReadonlyMap<string, string>;
  /**
   * Why `credHelpers` was left out: kubelet does not read the field, so a
   * malformed one does not reject the document, but it cannot be carried over.
   */
  readonly credHelpersProblem?: string;
}

/** A usable credential: `auth` is padded base64 of `username:password`. */
export interface Credential {
  readonly auth: string;
  readonly identitytoken?: string;
}

/** A value of the wrong type: Go's `UnmarshalTypeError`, located by field path. */
function typeError(path: string, node: JsonValueNode, expected: string): SyntaxError {
  return new SyntaxError(`${path}: cannot unmarshal ${node.type} into ${expected}`);
}

/** A JSON string as Go decodes it: a lone surrogate escape becomes U+FFFD. */
function goString(node: JsonValueNode | undefined): string {
  return String(node?.value).toWellFormed();
}

/** The members of an object node, in document order. */
function members(node: JsonValueNode): [string, JsonValueNode][] {
  return (node.children ?? []).map((property) => {
    const [key, value] = property.children ?? [];
    return [goString(key), value as JsonValueNode];
  });
}

/** A Go string field: a string sets it, `null` leaves it as it was. */
function stringField(node: JsonValueNode, path: string, previous: string | undefined) {
  if (node.type === "null") return previous;
  if (node.type !== "string") throw typeError(path, node, "a string");
  return goString(node);
}

const ENTRY_FIELDS = ["username", "password", "email", "auth", "identitytoken"] as const;
const UTF8 = new TextEncoder();
const EMPTY_BYTES: Uint8Array = new Uint8Array(0);
type EntryField = typeof ENTRY_FIELDS[number];

/**
 * An entry as an error names it: by its place, not its key, which a damaged
 * document may have glued a password into while it still looks like a name.
 */
function entryPath(path: string, index: number): string {
  return `${path}[entry ${index + 1}]`;
}

/** `DockerConfigEntry.UnmarshalJSON`: decoded into a fresh value each time. */
function decodeEntry(key: string, node: JsonValueNode, path: string): DockerConfigEntry {
  const fields: Partial<Record<EntryField, string>> = {};
  if (node.type === "object") {
    for (const [name, value] of members(node)) {
      const field = goJsonField(name, ENTRY_FIELDS);
      if (field === undefined) continue;
      // kubelet's struct has no identitytoken, so a non-string one must not reject the entry.
      if (field === "identitytoken" && value.type !== "string") continue;
      const set = stringField(value, `${path}.${field}`, fields[field]);
      if (set !== undefined) fields[field] = set;
    }
  } else if (node.type !== "null") {
    throw typeError(path, node, "a docker config entry");
  }
  // A non-empty `auth` replaces the username and password fields, as in kubelet's UnmarshalJSON;
  // they are encoded only when kept (each encoding crosses into the runtime).
  let username = EMPTY_BYTES;
  let password = EMPTY_BYTES;
  if (fields.auth) {
    try {
      ({ username, password } = decodeAuthField(fields.auth));
    } catch (error) {
      throw new SyntaxError(`${path}.auth: ${(error as Error).message}`, { cause: error });
    }
  } else {
    if (fields.username) username = UTF8.encode(fields.username);
    if (fields.password) password = UTF8.encode(fields.password);
  }
  return {
    key,
    username,
    password,
    ...(fields.identitytoken ? { identitytoken: fields.identitytoken } : {}),
  };
}

/** A Go map of entries: `null` empties it, an object adds to it (a later key replaces). */
function decodeEntries(node: JsonValueNode, path: string, into: Map<string, DockerConfigEntry>) {
  if (node.type === "null") {
    into.clear();
    return;
  }
  if (node.type !== "object") throw typeError(path, node, "a map of docker config entries");
  for (const [index, [key, value]] of members(node).entries()) {
    into.set(key, decodeEntry(key, value, entryPath(path, index)));
  }
}

function decodeStringMap(node: JsonValueNode, path: string, into: Map<string, string>) {
  if (node.type === "null") {
    into.clear();
    return;
  }
  if (node.type !== "object") throw typeError(path, node, "a map of strings");
  for (const [index, [key, value]] of members(node).entries()) {
    into.set(key, stringField(value, entryPath(path, index), undefined) ?? "");
  }
}

const TOP_FIELDS = ["auths", "HttpHeaders", "credHelpers"] as const;

/** Options for {@linkcode parseDockerConfig}. */
export interface DockerConfigOptions {
  /** The legacy `.dockercfg` format: the entries map itself, without `auths`. */
  readonly legacy: boolean;
  /** Also read containers/image's `credHelpers` (the global file only). */
  readonly credHelpers?: boolean;
}

/**
 * Decodes a docker config document as kubelet does (`DockerConfigJSON`, or
 * `DockerConfig` for the legacy format).
 *
 * @example
 * ```ts
 * import { parseDockerConfig } from "./docker_config.ts";
 * const { entries } = parseDockerConfig('{"AUTHS":{"quay.io":{"auth":"dTpw"}}}', { legacy: false });
 * new TextDecoder().decode(entries[0]?.username); // "u"
 * ```
 * @throws {SyntaxError} for invalid JSON, a value of the wrong type, or an undecodable `auth`; the message names the kind and the place, never the bytes
 */
export function parseDockerConfig(text: string, options: DockerConfigOptions): DockerConfig {
  // Nothing below an entry's fields matters; deeper levels need only be valid JSON.
  const root = parseJsonDocument(text, { depth: 4 });
  const entries = new Map<string, DockerConfigEntry>();
  const credHelpers = new Map<string, string>();
  let problem: string | undefined;
  if (options.legacy) {
    decodeEntries(root, "document", entries);
  } else if (root.type === "object") {
    // HttpHeaders is not used, but kubelet rejects a document whose headers are not strings.
    const headers = new Map<string, string>();
    for (const [name, value] of members(root)) {
      const field = goJsonField(name, TOP_FIELDS);
      if (field === "auths") decodeEntries(value, "auths", entries);
      else if (field === "HttpHeaders") decodeStringMap(value, "HttpHeaders", headers);
      else if (field === "credHelpers" && options.credHelpers && problem === undefined) {
        try {
          decodeStringMap(value, "credHelpers", credHelpers);
        } catch (error) {
          problem = (error as Error).message;
          credHelpers.clear();
        }
      }
    }
  } else if (root.type !== "null") {
    throw typeError("document", root, "a docker config");
  }
  return {
    entries: [...entries.values()],
    credHelpers,
    ...(problem === undefined ? {} : { credHelpersProblem: problem }),
  };
}

/**
 * The credential an entry carries, or why it carries none. Unlike upstream,
 * an entry without credentials never becomes an empty `auth` (which would
 * shadow other credentials in containers/image's lookup).
 *
 * @example
 * ```ts
 * import { entryCredential } from "./docker_config.ts";
 * const bytes = (s: string) => new TextEncoder().encode(s);
 * entryCredential({ key: "quay.io", username: bytes("u"), password: bytes("p") }); // { auth: "dTpw" }
 * entryCredential({ key: "quay.io", username: bytes(""), password: bytes("") });
 * // { problem: "it has no credentials" }
 * ```
 */
export function entryCredential(entry: DockerConfigEntry): Credential | { problem: string } {
  if (entry.username.length === 0 && entry.password.length === 0) {
    return { problem: "it has no credentials" };
  }
  const pair = new Uint8Array(entry.username.length + 1 + entry.password.length);
  pair.set(entry.username);
  pair[entry.username.length] = 0x3a;
  pair.set(entry.password, entry.username.length + 1);
  const auth = pair.toBase64();
  return entry.identitytoken ? { auth, identitytoken: entry.identitytoken } : { auth };
}
