/**
 * Docker-style credential files: the payloads of Kubernetes pull secrets
 * (`kubernetes.io/dockerconfigjson`, `kubernetes.io/dockercfg`,
 * `kubernetes.io/podmanconfigjson`) and the global `config.json`, and the one
 * rule for what counts as a usable credential.
 *
 * @module
 */

import * as z from "zod/mini";
import { goQuote } from "./go_quote.ts";
import type { PullSecret } from "./ports.ts";
import { describeIssues } from "./schema_issues.ts";

/** One `auths` entry as found, before any interpretation. */
export interface DockerConfigEntry {
  readonly key: string;
  readonly auth?: string;
  readonly username?: string;
  readonly password?: string;
  readonly identitytoken?: string;
}

/** A usable credential: `auth` is base64 of `user:password`. */
export interface Credential {
  readonly auth: string;
  readonly identitytoken?: string;
}

const ENTRY = z.looseObject({
  auth: z.optional(z.string()),
  username: z.optional(z.string()),
  password: z.optional(z.string()),
  identitytoken: z.optional(z.string()),
});
const ENTRIES = z.record(z.string(), ENTRY);
const WITH_AUTHS = z.looseObject({ auths: z.optional(ENTRIES) });

/**
 * Parses docker config JSON: `{"auths": {…}}`, or the legacy bare map of
 * `.dockercfg`. A missing `auths` is an empty map, as for containers/image.
 *
 * @example
 * ```ts
 * import { parseDockerConfig } from "./docker_config.ts";
 * parseDockerConfig('{"auths":{"quay.io":{"auth":"dTpw"}}}', { legacy: false });
 * // [{ key: "quay.io", auth: "dTpw" }]
 * ```
 * @throws {SyntaxError} for invalid JSON or entries of the wrong shape
 */
export function parseDockerConfig(text: string, options: { legacy: boolean }): DockerConfigEntry[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SyntaxError((error as Error).message);
  }
  const parsed = options.legacy ? ENTRIES.safeParse(json) : WITH_AUTHS.safeParse(json);
  if (!parsed.success) throw new SyntaxError(describeIssues(parsed.error, "document"));
  const entries = (options.legacy ? parsed.data : (parsed.data as { auths?: unknown }).auths) ??
    {};
  return Object.entries(entries as Record<string, z.infer<typeof ENTRY>>).map(([key, entry]) => ({
    key,
    ...(entry.auth === undefined ? {} : { auth: entry.auth }),
    ...(entry.username === undefined ? {} : { username: entry.username }),
    ...(entry.password === undefined ? {} : { password: entry.password }),
    ...(entry.identitytoken === undefined ? {} : { identitytoken: entry.identitytoken }),
  }));
}

// Go's base64.StdEncoding: the standard alphabet with padding.
const STD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * The credential an entry carries, or why it carries none. As in kubelet,
 * `auth` wins over `username`/`password`; unlike upstream, an entry with only
 * `username`/`password` is usable and an entry without credentials is never
 * turned into an empty `auth` (which would shadow other credentials).
 *
 * @example
 * ```ts
 * import { entryCredential } from "./docker_config.ts";
 * entryCredential({ key: "quay.io", username: "u", password: "p" }); // { auth: "dTpw" }
 * entryCredential({ key: "quay.io" }); // { problem: "it has no credentials" }
 * ```
 */
export function entryCredential(entry: DockerConfigEntry): Credential | { problem: string } {
  let auth: string;
  if (entry.auth) {
    if (!STD_BASE64.test(entry.auth)) return { problem: "its auth value is not valid base64" };
    // containers/image ignores an auth without "user:password" (and it shadows other keys).
    if (!atob(entry.auth).includes(":")) return { problem: "its auth value has no user:password" };
    auth = entry.auth;
  } else if (entry.username || entry.password) {
    auth = new TextEncoder().encode(`${entry.username ?? ""}:${entry.password ?? ""}`).toBase64();
  } else {
    return { problem: "it has no credentials" };
  }
  return entry.identitytoken ? { auth, identitytoken: entry.identitytoken } : { auth };
}

const DATA_KEYS: Readonly<Record<string, { key?: string; legacy: boolean }>> = {
  "kubernetes.io/dockerconfigjson": { key: ".dockerconfigjson", legacy: false },
  "kubernetes.io/dockercfg": { key: ".dockercfg", legacy: true },
  // OpenShift documents podman's auth.json under "auth.json"; accept any single key too.
  "kubernetes.io/podmanconfigjson": { key: "auth.json", legacy: false },
};

/** The secret types the provider reads credentials from. */
export const PULL_SECRET_TYPES: readonly string[] = Object.keys(DATA_KEYS);

/**
 * The entries of a pull secret, or why the secret is skipped (upstream's
 * wording where upstream has the case).
 *
 * @example
 * ```ts
 * import { secretEntries } from "./docker_config.ts";
 * secretEntries({ name: "s", type: "Opaque", data: {} });
 * // { problem: "secret is not a docker config JSON secret" }
 * ```
 */
export function secretEntries(secret: PullSecret): DockerConfigEntry[] | { problem: string } {
  const format = DATA_KEYS[secret.type];
  if (format === undefined) return { problem: "secret is not a docker config JSON secret" };
  const keys = Object.keys(secret.data);
  const dataKey = format.key !== undefined && format.key in secret.data
    ? format.key
    : secret.type === "kubernetes.io/podmanconfigjson" && keys.length === 1
    ? keys[0]
    : undefined;
  const text = dataKey === undefined ? undefined : secret.data[dataKey];
  if (text === undefined) {
    return {
      problem: `skipping secret ${goQuote(secret.name)} because it does not contain data key ${
        goQuote(format.key ?? "")
      }`,
    };
  }
  try {
    return parseDockerConfig(text, { legacy: format.legacy });
  } catch (error) {
    return {
      problem: `skipping secret ${
        goQuote(secret.name)
      } because the docker config JSON is not parsable: ${(error as Error).message}`,
    };
  }
}
