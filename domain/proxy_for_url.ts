/**
 * Which proxy a request to the API server goes through, decided as client-go
 * decides it (Go's `http.ProxyFromEnvironment`, i.e.
 * `golang.org/x/net/http/httpproxy`): `HTTPS_PROXY` for `https://` URLs and
 * `HTTP_PROXY` for `http://` ones, upper case before lower case, unless
 * `NO_PROXY` exempts the host (`*`, IP addresses, CIDR blocks, domains with
 * their subdomains, `.domain` for subdomains only, each optionally with a
 * port; client-go also reads CIDR blocks with leading zeros, `NewProxierWithNoProxyCIDR`).
 * Loopback (`localhost`, 127.0.0.0/8, ::1) is never proxied, so a
 * plain-HTTP API server, which must be on loopback, never sends its token
 * through a proxy.
 *
 * @module
 */

import {
  type IpAddress,
  type IpNetwork,
  isLoopbackIp,
  networkContains,
  parseCidr,
  parseIp,
  sameIp,
} from "./ip_address.ts";

/** The proxy variables of the environment, by name (`HTTPS_PROXY`, `https_proxy`, …). */
export type ProxyEnvironment = Readonly<Record<string, string | undefined>>;

/** The environment variables that name proxies, in the order Go reads them. */
export const PROXY_VARIABLES = [
  "HTTP_PROXY",
  "http_proxy",
  "HTTPS_PROXY",
  "https_proxy",
  "NO_PROXY",
  "no_proxy",
] as const;

/** A proxy that Go would use but this program cannot (see {@linkcode proxyForUrl}). */
export class ProxyError extends TypeError {
  /** @param message what is wrong, never quoting the proxy's credentials */
  constructor(message: string) {
    super(message);
    this.name = "ProxyError";
  }
}

function firstSet(env: ProxyEnvironment, upper: string, lower: string): string {
  return env[upper] || env[lower] || "";
}

/** Go's `parseProxy`: a value without scheme or host is read as `http://value`. */
function parseProxy(value: string, variable: string): URL | undefined {
  if (value === "") return undefined;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || url.host === "") {
    try {
      return new URL(`http://${value}`);
    } catch {
      // Go ignores a proxy variable it cannot parse.
      return undefined;
    }
  }
  if (!["http:", "https:", "socks5:", "socks5h:"].includes(url.protocol)) {
    throw new ProxyError(
      `Cannot use the proxy in ${variable}: unsupported scheme ${JSON.stringify(url.protocol)}`,
    );
  }
  return url;
}

type Matcher = (host: string, port: string, ip: IpAddress | undefined) => boolean;

/** `host[:port]` or `[v6]:port` split as Go's `net.SplitHostPort`, or `undefined`. */
function splitHostPort(text: string): [string, string] | undefined {
  const bracketed = /^\[([^\]]*)\]:([^:]*)$/.exec(text);
  if (bracketed) return [bracketed[1] ?? "", bracketed[2] ?? ""];
  const colon = text.lastIndexOf(":");
  if (colon === -1 || text.indexOf(":") !== colon || text.includes("[")) return undefined;
  return [text.slice(0, colon), text.slice(colon + 1)];
}

function asciiDomain(domain: string): string {
  if (/^[ -~]*$/.test(domain)) return domain;
  try {
    return new URL(`http://x${domain}`).hostname.slice(1);
  } catch {
    return domain;
  }
}

/** `NO_PROXY` as Go's `config.init` reads it: `*`, CIDRs, IPs, domains. */
function noProxyMatchers(noProxy: string): Matcher[] {
  const matchers: Matcher[] = [];
  for (const raw of noProxy.split(",")) {
    const entry = raw.trim().toLowerCase();
    if (entry === "") continue;
    if (entry === "*") return [() => true];
    const network: IpNetwork | undefined = parseCidr(entry);
    if (network !== undefined) {
      matchers.push((_host, _port, ip) => ip !== undefined && networkContains(network, ip));
      continue;
    }
    const split = splitHostPort(entry);
    let host = split?.[0] ?? entry;
    const port = split?.[1] ?? "";
    if (split !== undefined && host === "") continue;
    if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
    const address = parseIp(host);
    if (address !== undefined) {
      matchers.push((_host, requestPort, ip) =>
        ip !== undefined && sameIp(address, ip) && (port === "" || port === requestPort)
      );
      continue;
    }
    if (host === "") continue;
    if (host.startsWith("*.")) host = host.slice(1);
    const matchHost = !host.startsWith(".");
    const suffix = asciiDomain(matchHost ? `.${host}` : host);
    matchers.push((requestHost, requestPort, ip) =>
      ip === undefined &&
      (requestHost.endsWith(suffix) || (matchHost && requestHost === suffix.slice(1))) &&
      (port === "" || port === requestPort)
    );
  }
  return matchers;
}

/** Where a request goes through: the proxy URL and the variable it came from. */
export interface ProxyChoice {
  readonly url: URL;
  readonly variable: string;
}

/**
 * The proxy for a request to `target`, or `undefined` for a direct connection.
 *
 * @example
 * ```ts
 * import { proxyForUrl } from "./proxy_for_url.ts";
 * const env = { HTTPS_PROXY: "http://proxy.corp:3128", NO_PROXY: ".svc,10.0.0.0/8" };
 * proxyForUrl("https://api.example.com:6443", env)?.url.host; // "proxy.corp:3128"
 * proxyForUrl("https://10.1.2.3:6443", env); // undefined
 * proxyForUrl("http://127.0.0.1:8080", { HTTP_PROXY: "http://proxy.corp:3128" }); // undefined
 * ```
 * @throws {ProxyError} for a proxy URL with a scheme that neither Go nor this program can use
 */
export function proxyForUrl(target: string, env: ProxyEnvironment): ProxyChoice | undefined {
  const url = new URL(target);
  const https = url.protocol === "https:";
  const variable = https
    ? (env.HTTPS_PROXY ? "HTTPS_PROXY" : "https_proxy")
    : (env.HTTP_PROXY ? "HTTP_PROXY" : "http_proxy");
  const proxy = parseProxy(
    https ? firstSet(env, "HTTPS_PROXY", "https_proxy") : firstSet(env, "HTTP_PROXY", "http_proxy"),
    variable,
  );
  if (proxy === undefined) return undefined;
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  const port = url.port || (https ? "443" : "80");
  if (host === "localhost") return undefined;
  const ip = parseIp(host);
  if (ip !== undefined && isLoopbackIp(ip)) return undefined;
  const noProxy = firstSet(env, "NO_PROXY", "no_proxy");
  if (noProxyMatchers(noProxy).some((matches) => matches(host, port, ip))) return undefined;
  // client-go's wrapper: untrimmed entries, read sloppily, against a sloppily read host.
  const sloppyIp = parseIp(host, { sloppy: true });
  const blocks = noProxy.split(",").map((entry) => parseCidr(entry, { sloppy: true }));
  if (
    sloppyIp !== undefined && blocks.some((b) => b !== undefined && networkContains(b, sloppyIp))
  ) {
    return undefined;
  }
  return { url: proxy, variable };
}
