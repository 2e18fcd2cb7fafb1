/**
 * Where the Kubernetes API server is, from an explicit URL or OpenShift's
 * `apiserver-url.env` (the kubelet kubeconfig is `kubeconfig.ts`). Pure
 * parsing; reading the files is the caller's business.
 *
 * @module
 */

import { cutText, redactRegistryKey } from "../text/log_text.ts";

/** An API server URL is unusable (wrong scheme, plain HTTP off loopback, malformed). */
export class ApiServerError extends TypeError {
  /** @param message what is wrong, quoting the value */
  constructor(message: string) {
    super(message);
    this.name = "ApiServerError";
  }
}

/**
 * A loopback IP literal. Not `localhost`: a name resolves through
 * /etc/hosts and DNS, which may send it anywhere, and the token would then
 * cross the network in clear text. (The URL parser has already normalized
 * IPv4 forms such as `0x7f.1` to dotted decimal.)
 */
function isLoopback(hostname: string): boolean {
  return hostname === "[::1]" || /^127(?:\.\d{1,3}){3}$/.test(hostname);
}

/**
 * `value` as a message may quote it: credentials before an `@` redacted, a
 * query or fragment (`?access_token=…`) left out, cut to a sane length.
 */
function shown(value: string): string {
  return JSON.stringify(cutText(redactRegistryKey(value).replace(/[?#][^]*$/, "?…")));
}

/**
 * Validates an API server URL: `https://`, or `http://` on a loopback IP
 * address only (a token must never cross the network in clear text).
 * Returns the URL without credentials, query or trailing slash; messages
 * never quote the credentials.
 *
 * @example
 * ```ts
 * import { apiServerUrl } from "./api_server.ts";
 * apiServerUrl("https://[fd00::1]:6443/"); // "https://[fd00::1]:6443"
 * ```
 * @throws {ApiServerError} for another scheme, plain HTTP off loopback, an `@` in the path,
 *   or a malformed URL
 */
export function apiServerUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ApiServerError(`Invalid API server URL ${shown(value)}`);
  }
  if (url.protocol === "http:" && !isLoopback(url.hostname)) {
    throw new ApiServerError(
      `Refusing plain HTTP API server ${shown(value)}: only loopback IP addresses ` +
        "(127.0.0.0/8, [::1]) may use http://",
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new ApiServerError(`Invalid API server URL ${shown(value)}: expected https://`);
  }
  // "https://admin:/pw@host" parses as host "admin" and path "/pw@host": user info with a "/"
  // in it, which the path would carry into every message.
  if (url.pathname.includes("@")) {
    throw new ApiServerError(
      `Invalid API server URL ${shown(value)}: an "@" in its path (user info with a "/" in it?)`,
    );
  }
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, "")}`;
}

/**
 * Joins a host and a port, bracketing an IPv6 literal (`fd00::1` → `[fd00::1]:6443`).
 *
 * @example
 * ```ts
 * import { joinHostPort } from "./api_server.ts";
 * joinHostPort("api-int.example.com", "6443"); // "api-int.example.com:6443"
 * joinHostPort("fd00::1", "6443"); // "[fd00::1]:6443"
 * ```
 */
export function joinHostPort(host: string, port: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * Reads `KEY=value` lines as OpenShift writes `/etc/kubernetes/apiserver-url.env`
 * (`KUBERNETES_SERVICE_HOST='api-int.…'`): quotes stripped, `export ` and
 * comments ignored. Returns `host:port`, or `undefined` unless both keys have
 * values (an empty or partial file must not yield `":"` or `"host:"`).
 *
 * @example
 * ```ts
 * import { apiServerFromEnvFile } from "./api_server.ts";
 * apiServerFromEnvFile("KUBERNETES_SERVICE_HOST='api-int.c.example'\nKUBERNETES_SERVICE_PORT=6443\n");
 * // "api-int.c.example:6443"
 * ```
 */
export function apiServerFromEnvFile(text: string): string | undefined {
  const values = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (match === null) continue;
    const [, key = "", raw = ""] = match;
    const quoted = /^(['"])(.*)\1$/.exec(raw);
    values.set(key, quoted ? quoted[2] ?? "" : raw.replace(/\s+#.*$/, ""));
  }
  const host = values.get("KUBERNETES_SERVICE_HOST");
  const port = values.get("KUBERNETES_SERVICE_PORT");
  return host && port ? joinHostPort(host, port) : undefined;
}
