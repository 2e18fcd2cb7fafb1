/**
 * The credential the specification says CRI-O finds for a repository in the
 * file written for a random secret set (`auth-files.md` §7), written
 * independently of the port's code, for
 * `tests/cimage/credentials_random_test.ts`.
 */

import type { SecretSet } from "./random_secret_sets.ts";

interface SpecKey {
  readonly host: string;
  readonly port: string;
  readonly path: string;
}

function specKey(raw: string): SpecKey | undefined {
  const rest = raw.replace(/^https?:\/\//i, "");
  const slash = rest.indexOf("/");
  const hostPort = (slash === -1 ? rest : rest.slice(0, slash)).toLowerCase();
  const path = (slash === -1 ? "" : rest.slice(slash + 1)).replace(/^v[12](\/|$)/, "")
    .replace(/\/+$/, "");
  const [host = "", port = ""] = hostPort.split(":");
  if (host === "") return undefined;
  const hub = host === "index.docker.io" || host === "registry-1.docker.io";
  return { host: hub ? "docker.io" : host, port, path };
}

function labelGlob(pattern: string, label: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${source}$`).test(label);
}

/** The key's path if its credentials apply to `repository`, else undefined. */
function appliesTo(key: SpecKey, repository: string): string | undefined {
  const slash = repository.indexOf("/");
  const [host = "", port = ""] = repository.slice(0, slash).toLowerCase().split(":");
  const path = repository.slice(slash + 1);
  if (port !== key.port) return undefined;
  const labels = host.split(".");
  const patterns = key.host.split(".");
  if (
    labels.length !== patterns.length || !patterns.every((p, i) => labelGlob(p, labels[i]!))
  ) return undefined;
  const boundary = key.path === "" || path === key.path || path.startsWith(`${key.path}/`);
  return boundary ? key.path : undefined;
}

export interface SpecCredential {
  readonly username: string;
  readonly password: string;
  readonly identityToken: string;
}

export const NONE: SpecCredential = { username: "", password: "", identityToken: "" };

function entryCredential(value: Record<string, string>): SpecCredential | undefined {
  let username = value.username ?? "";
  let password = value.password ?? "";
  if (value.auth) {
    const decoded = new TextDecoder().decode(Uint8Array.fromBase64(value.auth));
    const colon = decoded.indexOf(":");
    username = decoded.slice(0, colon);
    password = decoded.slice(colon + 1);
  }
  if (username === "" && password === "") return undefined;
  return { username, password, identityToken: value.identitytoken ?? "" };
}

/**
 * What CRI-O must find for `repository`: among secret keys that apply (host
 * and port equal, globs per label, path on a `/` boundary), the most specific
 * one; for one key, the first secret by name and its first entry.
 */
export function specCredential(set: SecretSet, repository: string): SpecCredential {
  let best: { path: string; credential: SpecCredential } | undefined;
  const secrets = [...set.secrets].sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  for (const secret of secrets) {
    for (const entry of secret.entries) {
      const key = specKey(entry.key);
      const credential = entryCredential(entry.value);
      const path = key === undefined ? undefined : appliesTo(key, repository);
      if (path === undefined || credential === undefined) continue;
      if (best === undefined || path.length > best.path.length) best = { path, credential };
    }
  }
  return best?.credential ?? NONE;
}
