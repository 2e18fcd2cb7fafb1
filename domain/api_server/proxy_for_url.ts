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

import { goTrimSpace } from "../text/go_text.ts";
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

/**
 * Go's `parseProxy`: a value without scheme (`proxy.corp:3128`) is read as
 * `http://value`. Values that Go's `url.Parse` and the WHATWG parser would
 * read differently (white space, a scheme without `//`, a leading `/`) are
 * refused rather than guessed at.
 */
function parseProxy(value: string, variable: string): URL | undefined {
  if (value === "") return undefined;
  const refuse = (why: string) => new ProxyError(`Cannot use the proxy in ${variable}: ${why}`);
  if (/[\s\x85]|[^ -~\u00a0-\uffff]/.test(value)) {
    throw refuse("it contains white space or control characters");
  }
  let text = value;
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(value)) {
    // host, host:port or user:password@host:port; anything else with a ':' is a scheme Go would keep.
    const authority = /^(?:[^/?#@]*@)?(?:\[[0-9A-Fa-f:.]+\]|[^/?#@:[\]]+)(?::[0-9]*)?\/?$/;
    if (!authority.test(value)) {
      throw refuse("it is not a URL");
    }
    text = `http://${value}`;
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw refuse("it is not a URL");
  }
  if (url.host === "") throw refuse("it names no host");
  return url;
}

/** The schemes a proxy may have here; Go would send anything else a plain HTTP proxy request. */
const PROXY_SCHEMES = ["http:", "https:", "socks5:", "socks5h:"];

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
    const entry = goTrimSpace(raw).toLowerCase();
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
    // Only a host split from a port loses its brackets; a bare `[v6]` is a name that never matches.
    if (split !== undefined && host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
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
 * @throws {ProxyError} when the proxy that applies has a scheme other than http, https, socks5 or
 * socks5h (Go would speak plain HTTP to it), or a value Go and WHATWG would read differently
 */
export function proxyForUrl(target: string, env: ProxyEnvironment): ProxyChoice | undefined {
  const url = new URL(target);
  const https = url.protocol === "https:";
  const variable = https
    ? (env.HTTPS_PROXY ? "HTTPS_PROXY" : "https_proxy")
    : (env.HTTP_PROXY ? "HTTP_PROXY" : "http_proxy");
  const value = https
    ? firstSet(env, "HTTPS_PROXY", "https_proxy")
    : firstSet(env, "HTTP_PROXY", "http_proxy");
  if (value === "") return undefined;
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  const port = url.port || (https ? "443" : "80");
  // Go compares with "localhost" before lower-casing; any spelling of it is loopback here.
  if (host === "localhost") return undefined;
  const ip = parseIp(host);
  if (ip !== undefined && isLoopbackIp(ip)) return undefined;
  const noProxy = firstSet(env, "NO_PROXY", "no_proxy");
  // client-go's wrapper first: untrimmed entries, read sloppily, against a sloppily read host.
  const sloppyIp = parseIp(host, { sloppy: true });
  const blocks = noProxy.split(",").map((entry) => parseCidr(entry, { sloppy: true }));
  if (
    sloppyIp !== undefined && blocks.some((b) => b !== undefined && networkContains(b, sloppyIp))
  ) {
    return undefined;
  }
  if (noProxyMatchers(noProxy).some((matches) => matches(host, port, ip))) return undefined;
  // Only a proxy that applies can fail the run.
  const proxy = parseProxy(value, variable);
  if (proxy === undefined) return undefined;
  if (!PROXY_SCHEMES.includes(proxy.protocol)) {
    throw new ProxyError(
      `Cannot use the proxy in ${variable}: unsupported scheme ${JSON.stringify(proxy.protocol)}`,
    );
  }
  return { url: proxy, variable };
}
