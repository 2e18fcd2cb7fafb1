/**
 * Which proxy a URL goes through, as client-go answers
 * (`tests/kube/cmd/proxy-for-url` prints one line per case) and as
 * proxyForUrl() answers, in one comparable shape, for
 * `tests/proxy_for_url_differential_test.ts`.
 */

import {
  type ProxyEnvironment,
  ProxyError,
  proxyForUrl,
} from "../../domain/api_server/proxy_for_url.ts";

/** The schemes a proxy may have (net/http's Transport.Proxy documentation). */
const USABLE_SCHEMES = ["http", "https", "socks5", "socks5h"];
const DEFAULT_PORTS: Readonly<Record<string, string>> = {
  http: "80",
  https: "443",
  socks5: "1080",
  socks5h: "1080",
};

/**
 * A proxy as far as the transport uses it: scheme, userinfo (decoded), host
 * (lower case, IPv6 canonical) and port (decimal, the default filled in).
 * Go's `URL.String()` and WHATWG's `href` differ only cosmetically there:
 * the trailing `/` WHATWG adds, the default port WHATWG drops, host case
 * (WHATWG lower-cases http(s) hosts; DNS ignores case), IPv6 spelling
 * (WHATWG compresses it), a port's leading zeros (Go's dialer reads `0080`
 * as 80), percent-encoding in userinfo (each escapes its own set; both
 * decode to the same Proxy-Authorization) and `user:@` versus `user@` (both
 * send an empty password). Paths and queries do not reach the proxy.
 */
interface ProxyParts {
  readonly scheme: string;
  readonly username: string;
  readonly password: string;
  readonly host: string;
  readonly port: string;
}

/** One side's answer: direct, a proxy, or refused (Go's error or our ProxyError). */
export type Answer =
  | { readonly direct: true }
  | { readonly proxy: ProxyParts }
  | { readonly refused: string }
  | { readonly crashed: string };

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function canonicalHost(host: string): string {
  if (!host.startsWith("[")) return host.toLowerCase();
  try {
    return new URL(`http://${host}`).hostname;
  } catch {
    return host.toLowerCase();
  }
}

function parts(scheme: string, userinfo: string, host: string, port: string): ProxyParts {
  const colon = userinfo.indexOf(":");
  return {
    scheme,
    username: decoded(colon === -1 ? userinfo : userinfo.slice(0, colon)),
    password: decoded(colon === -1 ? "" : userinfo.slice(colon + 1)),
    host: canonicalHost(host),
    port: /^\d+$/.test(port) ? String(Number(port)) : port || (DEFAULT_PORTS[scheme] ?? ""),
  };
}

/** Go's `url.URL.String()` of the proxy, split (Go escapes `@` and `/` in userinfo). */
function goProxyParts(text: string): ProxyParts {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):(?:\/\/([^/?#]*))?/.exec(text);
  if (match === null) throw new Error(`Go returned a proxy URL without scheme: ${text}`);
  let authority = match[2] ?? "";
  const at = authority.lastIndexOf("@");
  const userinfo = at === -1 ? "" : authority.slice(0, at);
  authority = authority.slice(at + 1);
  const bracketed = /^(\[[^\]]*\])(?::(.*))?$/.exec(authority);
  const colon = authority.lastIndexOf(":");
  const [host, port] = bracketed
    ? [bracketed[1] ?? "", bracketed[2] ?? ""]
    : colon === -1
    ? [authority, ""]
    : [authority.slice(0, colon), authority.slice(colon + 1)];
  return parts((match[1] ?? "").toLowerCase(), userinfo, host, port);
}

export interface GoAnswerLine {
  readonly proxy?: string | null;
  readonly error?: string;
}

/**
 * Go's answer. A proxy whose scheme the transport does not know (httpproxy
 * returns `ftp://proxy:21` as it is, and net/http then speaks plain HTTP to
 * it) counts as refused: proxyForUrl throws a ProxyError there rather than
 * guess, its documented choice.
 */
export function goAnswer(line: GoAnswerLine): Answer {
  if (typeof line.error === "string") return { refused: line.error };
  if (line.proxy === null) return { direct: true };
  if (typeof line.proxy !== "string") {
    throw new Error(`Unexpected answer from Go: ${JSON.stringify(line)}`);
  }
  const proxy = goProxyParts(line.proxy);
  if (!USABLE_SCHEMES.includes(proxy.scheme)) return { refused: `scheme ${proxy.scheme}` };
  return { proxy };
}

export function ourAnswer(url: string, env: ProxyEnvironment): Answer {
  try {
    const choice = proxyForUrl(url, env);
    if (choice === undefined) return { direct: true };
    const proxy = choice.url;
    const scheme = proxy.protocol.slice(0, -1);
    const userinfo = proxy.username + (proxy.password === "" ? "" : `:${proxy.password}`);
    return { proxy: parts(scheme, userinfo, proxy.hostname, proxy.port) };
  } catch (error) {
    if (error instanceof ProxyError) return { refused: error.message };
    return { crashed: String(error) };
  }
}

/** Whether two answers agree: refusals agree whatever their wording. */
export function same(a: Answer, b: Answer): boolean {
  const comparable = (answer: Answer) => "refused" in answer ? { refused: true } : answer;
  return JSON.stringify(comparable(a)) === JSON.stringify(comparable(b));
}
