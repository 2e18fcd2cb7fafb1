/**
 * The proxy rules as a table (client-go: golang.org/x/net/http/httpproxy
 * wrapped by k8s.io/apimachinery's `NewProxierWithNoProxyCIDR`), shared by
 * the unit test and the differential test against the real Go code.
 */

import type { ProxyEnvironment } from "../../domain/api_server/proxy_for_url.ts";

/** What a row expects: the proxy's href and the variable it came from, a direct connection, or a ProxyError. */
export type Expected = { readonly proxy: string; readonly from: string } | "direct" | "throws";

export interface Row {
  readonly name: string;
  readonly url: string;
  readonly env: ProxyEnvironment;
  readonly expected: Expected;
}

const PROXY = "http://proxy.corp:3128";
const VIA_HTTPS = { proxy: `${PROXY}/`, from: "HTTPS_PROXY" } as const;
const VIA_HTTP = { proxy: `${PROXY}/`, from: "HTTP_PROXY" } as const;
const API = "https://api.example.com:6443";

/** `NO_PROXY` (with HTTPS_PROXY set) for an https URL: each entry either exempts the URL or not. */
function noProxyRows(
  rule: string,
  noProxy: string,
  cases: readonly [url: string, exempt: boolean][],
): Row[] {
  return cases.map(([url, exempt]) => ({
    name: `NO_PROXY ${rule}: ${JSON.stringify(noProxy)} ${
      exempt ? "exempts" : "does not exempt"
    } ${url}`,
    url,
    env: { HTTPS_PROXY: PROXY, NO_PROXY: noProxy },
    expected: exempt ? "direct" : VIA_HTTPS,
  }));
}

export const ROWS: readonly Row[] = [
  // The variable follows the URL's scheme.
  {
    name: "https uses HTTPS_PROXY",
    url: API,
    env: { HTTPS_PROXY: PROXY, HTTP_PROXY: "http://other.proxy:8080" },
    expected: VIA_HTTPS,
  },
  {
    name: "http uses HTTP_PROXY",
    url: "http://api.example.com:8080",
    env: { HTTPS_PROXY: "http://other.proxy:8080", HTTP_PROXY: PROXY },
    expected: VIA_HTTP,
  },
  {
    name: "https ignores HTTP_PROXY",
    url: API,
    env: { HTTP_PROXY: PROXY, http_proxy: PROXY },
    expected: "direct",
  },
  {
    name: "http ignores HTTPS_PROXY",
    url: "http://api.example.com:8080",
    env: { HTTPS_PROXY: PROXY },
    expected: "direct",
  },
  { name: "no variables, no proxy", url: API, env: {}, expected: "direct" },
  // Upper case first; an empty upper-case variable counts as unset (getEnvAny).
  {
    name: "upper case wins over lower case",
    url: API,
    env: { HTTPS_PROXY: PROXY, https_proxy: "http://lower.proxy:8080" },
    expected: VIA_HTTPS,
  },
  {
    name: "lower case alone",
    url: API,
    env: { https_proxy: PROXY },
    expected: { proxy: `${PROXY}/`, from: "https_proxy" },
  },
  {
    name: "an empty upper case variable falls back to lower case",
    url: API,
    env: { HTTPS_PROXY: "", https_proxy: PROXY },
    expected: { proxy: `${PROXY}/`, from: "https_proxy" },
  },
  {
    name: "http: an empty upper case variable falls back to lower case",
    url: "http://api.example.com",
    env: { HTTP_PROXY: "", http_proxy: PROXY },
    expected: { proxy: `${PROXY}/`, from: "http_proxy" },
  },
  // Loopback is never proxied, NO_PROXY or not (httpproxy's useProxy).
  ...[
    "http://localhost:8080",
    "https://localhost:6443",
    "http://127.0.0.1:8080",
    "http://127.0.0.5:8080",
    "https://127.255.255.254",
    "http://[::1]:8080",
    "https://[::ffff:127.0.0.1]:6443",
  ].map((url): Row => ({
    name: `loopback ${url} is never proxied`,
    url,
    env: { HTTP_PROXY: PROXY, HTTPS_PROXY: PROXY },
    expected: "direct",
  })),
  {
    // A deliberate difference: httpproxy's useProxy compares the host with
    // "localhost" before lower-casing it, so Go proxies LOCALHOST.
    name: "LOCALHOST in upper case is loopback too",
    url: "http://LOCALHOST:8080",
    env: { HTTP_PROXY: PROXY },
    expected: "direct",
  },
  {
    name: "the issue's example: loopback with HTTP_PROXY on loopback and NO_PROXY=*",
    url: "http://127.0.0.1:18080",
    env: { HTTP_PROXY: "http://127.0.0.3:13128", NO_PROXY: "*" },
    expected: "direct",
  },
  {
    name: "a loopback proxy still serves other hosts",
    url: API,
    env: { HTTPS_PROXY: "http://127.0.0.3:13128" },
    expected: { proxy: "http://127.0.0.3:13128/", from: "HTTPS_PROXY" },
  },
  ...noProxyRows("*", "*", [[API, true], ["https://10.1.2.3", true], ["https://[fd00::1]", true]]),
  ...noProxyRows("* among other entries", "example.org, * ,10.0.0.0/8", [[API, true]]),
  ...noProxyRows("*, only alone", "*example.com", [[API, false]]),
  ...noProxyRows("an exact host", "api.example.com", [
    [API, true],
    ["https://api.example.org:6443", false],
    ["https://xapi.example.com", false],
  ]),
  // A domain matches itself and its subdomains, on label boundaries only.
  ...noProxyRows("a domain", "example.com", [
    ["https://example.com", true],
    [API, true],
    ["https://a.b.example.com:8443", true],
    ["https://notexample.com", false],
    ["https://example.com.evil.net", false],
  ]),
  ...noProxyRows(".domain, subdomains only", ".example.com", [
    [API, true],
    ["https://example.com", false],
  ]),
  ...noProxyRows("*.domain, subdomains only", "*.example.com", [
    [API, true],
    ["https://example.com", false],
  ]),
  ...noProxyRows("a host with a port, that port only", "api.example.com:6443", [
    [API, true],
    ["https://api.example.com", false],
    ["https://api.example.com:8443", false],
  ]),
  ...noProxyRows("the default port counts", "api.example.com:443", [
    ["https://api.example.com", true],
    [API, false],
  ]),
  ...noProxyRows("a domain with a port", ".example.com:6443", [
    [API, true],
    ["https://api.example.com:443", false],
  ]),
  ...noProxyRows("an IP address", "10.1.2.3", [
    ["https://10.1.2.3:6443", true],
    ["https://10.1.2.4:6443", false],
  ]),
  ...noProxyRows("an IP address with a port", "10.1.2.3:6443", [
    ["https://10.1.2.3:6443", true],
    ["https://10.1.2.3", false],
  ]),
  ...noProxyRows("an IPv6 address", "fd00::1", [
    ["https://[fd00::1]:6443", true],
    ["https://[fd00:0::1]", true],
    ["https://[fd00::2]", false],
  ]),
  ...noProxyRows("an IPv6 address with a port", "[fd00::1]:6443", [
    ["https://[fd00::1]:6443", true],
    ["https://[fd00::1]", false],
  ]),
  // net.IP.Equal: IPv4 and IPv4-mapped IPv6 are the same address.
  ...noProxyRows("an IPv4-mapped address", "::ffff:10.1.2.3", [["https://10.1.2.3", true]]),
  // An IP address host is never matched as a name.
  ...noProxyRows("a name that is the tail of an IP address", "2.3", [["https://10.1.2.3", false]]),
  ...noProxyRows("an IPv4 CIDR block", "10.0.0.0/8", [
    ["https://10.200.3.4:6443", true],
    ["https://[::ffff:10.1.2.3]:6443", true],
    ["https://11.0.0.1", false],
    ["https://ten.example.com", false],
  ]),
  ...noProxyRows("an IPv6 CIDR block", "fd00::/8", [
    ["https://[fd12:3456::10]:6443", true],
    ["https://[fe80::1]", false],
    ["https://10.1.2.3", false],
  ]),
  ...noProxyRows("an IPv6 CIDR block never holds IPv4", "::/0", [
    ["https://[2001:db8::1]", true],
    ["https://10.1.2.3", false],
  ]),
  ...noProxyRows("an IPv4 CIDR block never holds IPv6", "0.0.0.0/0", [
    ["https://10.1.2.3", true],
    ["https://[2001:db8::1]", false],
  ]),
  // httpproxy refuses leading zeros (net.ParseCIDR, Go >= 1.17); client-go's
  // NewProxierWithNoProxyCIDR reads them as decimal (ParseCIDRSloppy), untrimmed.
  ...noProxyRows("a CIDR block with leading zeros (client-go's wrapper)", "010.000.000.000/8", [
    ["https://10.1.2.3", true],
    ["https://8.1.2.3", false],
  ]),
  ...noProxyRows("the wrapper does not trim", " 010.0.0.0/8", [["https://10.1.2.3", false]]),
  ...noProxyRows("an IP address with leading zeros is not an address", "010.1.2.3", [
    ["https://10.1.2.3", false],
  ]),
  // Entries are trimmed and lower-cased; empty ones are skipped.
  ...noProxyRows("whitespace and empty entries", " ,\t api.example.com \t,, ,", [[API, true]]),
  ...noProxyRows("whitespace around a CIDR block", "\t10.0.0.0/8 ", [["https://10.9.8.7", true]]),
  ...noProxyRows("upper case entries", "API.Example.COM", [[API, true]]),
  ...noProxyRows("an upper-case URL host", "api.example.com", [["https://API.EXAMPLE.COM", true]]),
  ...noProxyRows("entries that are only a port", ":6443,[]:6443", [[API, false]]),
  {
    name: "NO_PROXY wins over no_proxy",
    url: API,
    env: { HTTPS_PROXY: PROXY, NO_PROXY: "example.org", no_proxy: "api.example.com" },
    expected: VIA_HTTPS,
  },
  {
    name: "no_proxy alone",
    url: API,
    env: { HTTPS_PROXY: PROXY, no_proxy: "api.example.com" },
    expected: "direct",
  },
  {
    name: "an empty NO_PROXY falls back to no_proxy",
    url: API,
    env: { HTTPS_PROXY: PROXY, NO_PROXY: "", no_proxy: "api.example.com" },
    expected: "direct",
  },
  {
    name: "NO_PROXY's CIDR blocks win over no_proxy's too (client-go's wrapper)",
    url: "https://10.1.2.3",
    env: { HTTPS_PROXY: PROXY, NO_PROXY: "example.org", no_proxy: "010.0.0.0/8" },
    expected: VIA_HTTPS,
  },
  // Proxy values: Go reads a value without scheme as http://value.
  {
    name: "a proxy without scheme is http",
    url: API,
    env: { HTTPS_PROXY: "proxy.corp:3128" },
    expected: VIA_HTTPS,
  },
  {
    name: "a proxy IP address without scheme",
    url: API,
    env: { HTTPS_PROXY: "10.0.0.9:3128" },
    expected: { proxy: "http://10.0.0.9:3128/", from: "HTTPS_PROXY" },
  },
  {
    name: "an https proxy",
    url: API,
    env: { HTTPS_PROXY: "https://proxy.corp:3129" },
    expected: { proxy: "https://proxy.corp:3129/", from: "HTTPS_PROXY" },
  },
  {
    name: "a socks5 proxy",
    url: API,
    env: { HTTPS_PROXY: "socks5://socks.corp:1080" },
    expected: { proxy: "socks5://socks.corp:1080", from: "HTTPS_PROXY" },
  },
  {
    name: "a socks5h proxy",
    url: "http://api.example.com",
    env: { http_proxy: "socks5h://socks.corp" },
    expected: { proxy: "socks5h://socks.corp", from: "http_proxy" },
  },
  {
    name: "a proxy with user and password keeps them",
    url: API,
    env: { HTTPS_PROXY: "http://user:p%40ss@proxy.corp:3128" },
    expected: { proxy: "http://user:p%40ss@proxy.corp:3128/", from: "HTTPS_PROXY" },
  },
  {
    name: "a proxy without scheme with user and password",
    url: API,
    env: { HTTPS_PROXY: "user:secret@proxy.corp:3128" },
    expected: { proxy: "http://user:secret@proxy.corp:3128/", from: "HTTPS_PROXY" },
  },
  {
    name: "an unsupported proxy scheme throws, without quoting the password",
    url: API,
    env: { HTTPS_PROXY: "ftp://user:secret@proxy.corp:21" },
    expected: "throws",
  },
  {
    name: "an unsupported scheme in the other variable does not matter",
    url: API,
    env: { HTTPS_PROXY: PROXY, HTTP_PROXY: "ftp://proxy.corp:21" },
    expected: VIA_HTTPS,
  },
];
