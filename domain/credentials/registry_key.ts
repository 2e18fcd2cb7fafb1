/**
 * Registry keys of pull secrets (`auths` keys such as `https://index.docker.io/v1/`,
 * `quay.io/team` or `*.mirror.corp`): normalization as kubelet and
 * containers/image read them, and the one matcher that decides whether a key's
 * credentials apply to a repository containers/image will contact.
 *
 * @module
 */

/** A normalized key: host (lower case, may hold `*`/`?`/`[…]` globs per label), port, path. */
export interface RegistryKey {
  readonly host: string;
  /** `""` when the key has no port. */
  readonly port: string;
  /** Repository path prefix without leading or trailing `/`; `""` for the whole registry. */
  readonly path: string;
}

const DOCKER_HUB_ALIASES = new Set(["index.docker.io", "registry-1.docker.io"]);

/** Splits `host[:port]`, keeping an IPv6 literal's brackets with the host. */
function splitHostPort(hostPort: string): { host: string; port: string } | undefined {
  const bracket = hostPort.startsWith("[") ? hostPort.indexOf("]") : -1;
  const colon = hostPort.indexOf(":", bracket + 1);
  if (hostPort.startsWith("[") && bracket === -1) return undefined;
  if (colon === -1) return { host: hostPort, port: "" };
  const port = hostPort.slice(colon + 1);
  if (!/^\d+$/.test(port)) return undefined;
  return { host: hostPort.slice(0, colon), port };
}

/**
 * Normalizes a secret's registry key: drops an `http://`/`https://` scheme, a
 * leading legacy `/v1/` or `/v2/` path and trailing slashes; lower-cases the
 * host; maps `index.docker.io` and `registry-1.docker.io` to `docker.io`.
 * Returns `undefined` for a key that names no registry.
 *
 * @example
 * ```ts
 * import { formatRegistryKey, normalizeRegistryKey } from "./registry_key.ts";
 * formatRegistryKey(normalizeRegistryKey("https://index.docker.io/v1/")!); // "docker.io"
 * formatRegistryKey(normalizeRegistryKey("HTTP://Quay.io/team/")!); // "quay.io/team"
 * ```
 */
export function normalizeRegistryKey(raw: string): RegistryKey | undefined {
  const withoutScheme = raw.trim().replace(/^https?:\/\//i, "");
  const slash = withoutScheme.indexOf("/");
  const hostPort = slash === -1 ? withoutScheme : withoutScheme.slice(0, slash);
  const path = (slash === -1 ? "" : withoutScheme.slice(slash + 1))
    .replace(/^v[12](?:\/|$)/, "")
    .replace(/\/+$/, "");
  const split = splitHostPort(hostPort.toLowerCase());
  if (split === undefined || split.host === "" || /[\s@]/.test(withoutScheme)) return undefined;
  const host = DOCKER_HUB_ALIASES.has(split.host) ? "docker.io" : split.host;
  return { host, port: split.port, path };
}

/**
 * The key as written into an auth file: `host[:port][/path]`.
 *
 * @example
 * ```ts
 * import { formatRegistryKey } from "./registry_key.ts";
 * formatRegistryKey({ host: "localhost", port: "5000", path: "" }); // "localhost:5000"
 * ```
 */
export function formatRegistryKey(key: RegistryKey): string {
  const hostPort = key.port === "" ? key.host : `${key.host}:${key.port}`;
  return key.path === "" ? hostPort : `${hostPort}/${key.path}`;
}

/**
 * Go's `filepath.Match` for one host label: `*` any run of characters, `?`
 * one character, `[…]`/`[^…]` classes with ranges, `\` escapes. A malformed
 * pattern matches nothing, as kubelet treats its error.
 */
function labelMatches(pattern: string, label: string): boolean {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] as string;
    if (char === "*") source += ".*";
    else if (char === "?") source += ".";
    else if (char === "\\") source += escapeRegExp(pattern[++i] ?? "\\");
    else if (char === "[") {
      const end = pattern.indexOf("]", i + 2);
      if (end === -1) return false;
      const body = pattern.slice(i + 1, end);
      const negated = body.startsWith("^");
      const members = (negated ? body.slice(1) : body).replace(/[\\\]^]/g, "\\$&");
      source += `[${negated ? "^" : ""}${members}]`;
      i = end;
    } else source += escapeRegExp(char);
  }
  try {
    return new RegExp(`^${source}$`).test(label);
  } catch {
    return false;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}

function hostMatches(pattern: string, host: string): boolean {
  // An IPv6 literal's brackets are not a glob class.
  if (/^\[[0-9a-f:.]+\]$/.test(pattern) || !/[*?[\\]/.test(pattern)) return pattern === host;
  const patternLabels = pattern.split(".");
  const hostLabels = host.split(".");
  return patternLabels.length === hostLabels.length &&
    patternLabels.every((label, i) => labelMatches(label, hostLabels[i] as string));
}

/**
 * Whether credentials stored under `key` apply to `repository` (a repository
 * name containers/image contacts, e.g. `mirror.corp/dockerhub/library/nginx`),
 * and if so the key to write them under.
 *
 * Hosts compare case-insensitively (globs label by label, equal label counts),
 * ports must be equal (no port differs from any port), and the key's path must
 * end on a `/` boundary of the repository path. The written key spells the
 * host and port as the repository does, since containers/image looks keys up
 * verbatim; a glob key is thereby written under the concrete host it matched.
 *
 * @example
 * ```ts
 * import { matchRegistryKey, normalizeRegistryKey } from "./registry_key.ts";
 * matchRegistryKey(normalizeRegistryKey("*.corp/dockerhub")!, "mirror.corp/dockerhub/library/nginx");
 * // "mirror.corp/dockerhub"
 * matchRegistryKey(normalizeRegistryKey("quay.io")!, "quay.io.evil.example/x"); // undefined
 * ```
 */
export function matchRegistryKey(key: RegistryKey, repository: string): string | undefined {
  const slash = repository.indexOf("/");
  const hostPort = slash === -1 ? repository : repository.slice(0, slash);
  const path = slash === -1 ? "" : repository.slice(slash + 1);
  const target = splitHostPort(hostPort);
  if (target === undefined || target.port !== key.port) return undefined;
  if (!hostMatches(key.host, target.host.toLowerCase())) return undefined;
  const onBoundary = key.path === "" || path === key.path || path.startsWith(`${key.path}/`);
  if (!onBoundary) return undefined;
  return key.path === "" ? hostPort : `${hostPort}/${key.path}`;
}
