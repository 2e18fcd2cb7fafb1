/**
 * The API server's answers about Secrets, read from their JSON: a
 * `SecretList` page, one `Secret`, or a `Status` message. An answer that is
 * not the shape asked for is `undefined` (a malformed answer, never a partial
 * one). Checked by hand rather than with a schema library: this runs on every
 * pull that lists secrets, and the library's set-up costs more than the
 * check (measured with `--cpu-prof`).
 *
 * @module
 */

import { goDecodeUtf8 } from "../domain/text/go_text.ts";
import { cutText } from "../domain/text/log_text.ts";
import type { PullSecret } from "../domain/ports.ts";

/** One page of a list: its secrets (type defaulted by the caller) and the continue token. */
export interface SecretPage {
  readonly items: readonly RawSecret[];
  readonly continueToken?: string;
}

/** A Secret as the API sends it, data still base64. */
export interface RawSecret {
  readonly name: string;
  readonly type?: string;
  readonly data: Readonly<Record<string, string>>;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

// Standard base64 with padding, as the API server writes Secret data; anything else is malformed.
// No repeated group: one of those overflows the regex engine's stack on a value of megabytes.
const BASE64_CHARACTERS = /^[0-9a-zA-Z+/]*={0,2}$/;
const isBase64 = (value: string) => value.length % 4 === 0 && BASE64_CHARACTERS.test(value);

/**
 * The most JSON values an answer may hold before it is parsed, counted from
 * above by the characters that begin or separate them (`,` `{` `[`). A pull
 * secret from kube-apiserver is a few dozen (metadata, managedFields, data);
 * 200 each, for the 50,001 a list asks for, leaves room for many labels and
 * annotations. A body of millions of tiny or nested values is refused
 * unparsed: `JSON.parse` is synchronous, no deadline interrupts it, and with
 * the young generation capped at 1 MiB it took 4 minutes and 2.2 GB over
 * 64 MiB of `{}`.
 */
export const MAX_JSON_VALUES = 50_001 * 200;

/** Whether `text` holds more than `limit` of `,` `{` `[`; stops counting past it. */
function hasMoreValues(text: string, limit: number): boolean {
  let count = 0;
  for (const mark of [",", "{", "["]) {
    for (let at = text.indexOf(mark); at !== -1; at = text.indexOf(mark, at + 1)) {
      if (++count > limit) return true;
    }
  }
  return false;
}

function readJson(body: string): unknown {
  if (hasMoreValues(body, MAX_JSON_VALUES)) return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

function rawSecret(value: unknown): RawSecret | undefined {
  if (!isObject(value) || !isObject(value.metadata)) return undefined;
  const { name } = value.metadata;
  const { type, data } = value;
  if (typeof name !== "string") return undefined;
  if (type !== undefined && typeof type !== "string") return undefined;
  if (data !== undefined && data !== null && !isObject(data)) return undefined;
  const entries: Record<string, string> = {};
  for (const [key, encoded] of Object.entries(data ?? {})) {
    if (typeof encoded !== "string" || !isBase64(encoded)) return undefined;
    entries[key] = encoded;
  }
  return { name, ...(type === undefined ? {} : { type }), data: entries };
}

/**
 * A `SecretList` page, or `undefined` when the body is not one.
 *
 * @example
 * ```ts
 * import { readSecretList } from "./secret_answers.ts";
 * readSecretList('{"kind":"SecretList","items":[{"metadata":{"name":"a"}}]}')?.items.length; // 1
 * ```
 */
export function readSecretList(body: string): SecretPage | undefined {
  const json = readJson(body);
  if (!isObject(json) || !isAnswerOf(json, "SecretList")) return undefined;
  const { items, metadata } = json;
  if (items !== undefined && items !== null && !Array.isArray(items)) return undefined;
  if (metadata !== undefined && !isObject(metadata)) return undefined;
  const token = metadata?.continue;
  if (token !== undefined && typeof token !== "string") return undefined;
  const secrets: RawSecret[] = [];
  for (const item of items ?? []) {
    const secret = rawSecret(item);
    if (secret === undefined) return undefined;
    secrets.push(secret);
  }
  return { items: secrets, ...(token ? { continueToken: token } : {}) };
}

/**
 * One `Secret`, or `undefined` when the body is not one.
 *
 * @example
 * ```ts
 * import { readSecret } from "./secret_answers.ts";
 * readSecret('{"metadata":{"name":"a"},"data":{"k":"dg=="}}')?.data; // { k: "dg==" }
 * ```
 */
export function readSecret(body: string): RawSecret | undefined {
  const json = readJson(body);
  return isObject(json) && isAnswerOf(json, "Secret") ? rawSecret(json) : undefined;
}

/**
 * Whether a success answer is the object asked for, as client-go decides: a
 * body with a `status` other than "Success" is a `Status` and an error
 * whatever the HTTP status (`transformResponse`), and one of another `kind`
 * does not decode into the type asked for; a missing `kind` defaults to it.
 */
function isAnswerOf(json: Json, kind: string): boolean {
  if (typeof json.status === "string" && json.status !== "" && json.status !== "Success") {
    return false;
  }
  return json.kind === undefined || json.kind === kind;
}

/**
 * The pull secret with its data decoded as kubelet's Go code sees the bytes
 * (a byte-order mark kept, Go's U+FFFD rule); `type` when the Secret has none.
 */
export function pullSecret(secret: RawSecret, type: string): PullSecret {
  const data: Record<string, string> = {};
  for (const [key, value] of Object.entries(secret.data)) {
    data[key] = goDecodeUtf8(Uint8Array.fromBase64(value));
  }
  return { name: secret.name, type: secret.type ?? type, data };
}

/**
 * The Kubernetes `Status` message of an error answer, if it has one.
 *
 * @example
 * ```ts
 * import { statusMessage } from "./secret_answers.ts";
 * statusMessage('{"kind":"Status","message":"secrets is forbidden"}'); // "secrets is forbidden"
 * ```
 */
export function statusMessage(body: string): string | undefined {
  const json = readJson(body);
  const message = isObject(json) ? json.message : undefined;
  // A Status message names a user and a verb; a longer one is cut where logs would cut it.
  return typeof message === "string" && message !== "" ? cutText(message, 4096) : undefined;
}
