/**
 * proxyForUrl() against client-go itself: every row of the proxy table and
 * random cases run through the real Go code (`tests/kube/cmd/proxy-for-url`:
 * golang.org/x/net/http/httpproxy wrapped by k8s.io/apimachinery's
 * `NewProxierWithNoProxyCIDR`) in one process. Replay a random run with
 * PROXY_DIFFERENTIAL_SEED=<seed> (printed in the test name);
 * PROXY_DIFFERENTIAL_CASES sets the number of random cases (default 3000).
 */

import { assertEquals } from "./support/assert.ts";
import {
  PROXY_VARIABLES,
  type ProxyEnvironment,
  ProxyError,
  proxyForUrl,
} from "../domain/api_server/proxy_for_url.ts";
import { askGoProgram, testWithGoProgram } from "./support/go_oracle.ts";
import { ROWS } from "./support/proxy_rows.ts";
import { Random } from "./support/random_registries.ts";

// ---------------------------------------------------------------------------
// Differential test against client-go.

const SEED = Number(
  Deno.env.get("PROXY_DIFFERENTIAL_SEED") ?? Math.floor(Math.random() * 2 ** 31),
);
const CASES = Number(Deno.env.get("PROXY_DIFFERENTIAL_CASES") ?? 3000);

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
type Answer =
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

interface GoAnswerLine {
  readonly proxy?: string | null;
  readonly error?: string;
}

/**
 * Go's answer. A proxy whose scheme the transport does not know (httpproxy
 * returns `ftp://proxy:21` as it is, and net/http then speaks plain HTTP to
 * it) counts as refused: proxyForUrl throws a ProxyError there rather than
 * guess, its documented choice.
 */
function goAnswer(line: GoAnswerLine): Answer {
  if (typeof line.error === "string") return { refused: line.error };
  if (line.proxy === null) return { direct: true };
  if (typeof line.proxy !== "string") {
    throw new Error(`Unexpected answer from Go: ${JSON.stringify(line)}`);
  }
  const proxy = goProxyParts(line.proxy);
  if (!USABLE_SCHEMES.includes(proxy.scheme)) return { refused: `scheme ${proxy.scheme}` };
  return { proxy };
}

function ourAnswer(url: string, env: ProxyEnvironment): Answer {
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
function same(a: Answer, b: Answer): boolean {
  const comparable = (answer: Answer) => "refused" in answer ? { refused: true } : answer;
  return JSON.stringify(comparable(a)) === JSON.stringify(comparable(b));
}

interface Case {
  readonly where: string;
  readonly url: string;
  readonly env: ProxyEnvironment;
}

interface Disagreement extends Case {
  readonly go: Answer;
  readonly ours: Answer;
}

// --- Random cases ----------------------------------------------------------

const NAMES = [
  "api.example.com",
  "example.com",
  "k8s.example.com",
  "api.k8s.example.com",
  "notexample.com",
  "example.org",
  "api",
  "kubernetes.default.svc",
  "kubernetes.default.svc.cluster.local",
  "api-int.c1.example.com",
];
const DOMAINS = ["example.com", "k8s.example.com", "svc", "cluster.local", "example.org", "com"];
const IPV4 = ["10.1.2.3", "10.200.0.1", "192.168.1.10", "172.16.5.4", "172.32.0.1", "8.8.8.8"];
const IPV6 = [
  "fd00::1",
  "fd12:3456::10",
  "2001:db8::1",
  "fe80::1",
  "::ffff:10.1.2.3",
  "64:ff9b::a01:203",
];
const LOOPBACK = [
  "localhost",
  "127.0.0.1",
  "127.0.0.5",
  "127.255.255.254",
  "::1",
  "::ffff:127.0.0.1",
];
const PORTS = ["", "", "443", "80", "6443", "8443", "8080"];
const CIDRS = [
  "10.0.0.0/8",
  "10.1.0.0/16",
  "192.168.0.0/16",
  "172.16.0.0/12",
  "0.0.0.0/0",
  "127.0.0.0/8",
  "fd00::/8",
  "2001:db8::/32",
  "::/0",
  "fe80::/10",
  "64:ff9b::/96",
  "::ffff:10.0.0.0/104",
  "::ffff:0:0/96",
];
const ODD_ENTRIES = ["", " ", ":", ":6443", "[]:6443", "*.", ".", "localhost", "2.3", "[", "a b"];
const PROXIES = [
  "http://proxy.corp:3128",
  "proxy.corp:3128",
  "https://secure.proxy:3129",
  "socks5://socks.proxy:1080",
  "socks5h://socks.proxy",
  "SOCKS5://Socks.Proxy:1080",
  "http://user:p%40ss@proxy.corp:3128",
  "https://user:pa:ss@proxy.corp",
  "http://user:p;w=d@proxy.corp:3128",
  "http://user@proxy.corp:8080",
  "user:secret@proxy.corp:3128",
  "http://10.0.0.9:3128",
  "10.0.0.9:3128",
  "http://[fd00::9]:3128",
  "[fd00::9]:3128",
  "socks5://[FD00::9]:1080",
  "HTTP://Proxy.Corp:3128",
  "http://proxy.corp:3128/",
  "http://proxy.corp",
  "https://proxy.corp:443",
  "http://proxy.corp:0080",
  "http://proxy.corp:80/path?q",
  "http://127.0.0.3:3128",
  "ftp://proxy.corp:21",
  "socks4://proxy.corp:1080",
];
/** Proxy values that are not well-formed URLs, which the two URL parsers read differently. */
const MALFORMED_PROXIES = [
  " http://proxy.corp:3128",
  "http://proxy.corp:3128 ",
  "http:proxy.corp:3128",
  "//proxy.corp:3128",
  "proxy.corp:abc",
];

function mixedCase(random: Random, text: string): string {
  if (!random.chance(0.15)) return text;
  return [...text].map((c) => random.chance(0.5) ? c.toUpperCase() : c).join("");
}

function randomIpv4(random: Random): string {
  return random.chance(0.5)
    ? random.pick(IPV4)
    : `10.${random.int(256)}.${random.int(256)}.${random.int(256)}`;
}

/** A host as it appears in a URL (IPv6 bracketed). */
function randomHost(random: Random): string {
  const kind = random.int(10);
  if (kind < 4) {
    return random.chance(0.2)
      ? `x${random.int(5)}.${random.pick(DOMAINS)}`
      : mixedCase(random, random.pick(NAMES));
  }
  if (kind < 6) return randomIpv4(random);
  if (kind < 8) return `[${random.pick(IPV6)}]`;
  const loopback = mixedCase(random, random.pick(LOOPBACK));
  return loopback.includes(":") ? `[${loopback}]` : loopback;
}

function randomUrl(random: Random): string {
  const scheme = random.chance(0.7) ? "https" : "http";
  const port = random.pick(PORTS);
  return `${scheme}://${randomHost(random)}${port === "" ? "" : `:${port}`}`;
}

function randomCidr(random: Random, address: string | undefined): string {
  if (address !== undefined && random.chance(0.5)) {
    return `${address}/${random.int(address.includes(":") ? 129 : 33)}`;
  }
  return random.pick(CIDRS);
}

/** A NO_PROXY entry, often about `host` (the URL's, without brackets or port). */
function randomEntry(random: Random, host: string): string {
  const address = /^[\d.]+$/.test(host) || host.includes(":") ? host : undefined;
  let entry: string;
  switch (random.int(9)) {
    case 0:
      entry = random.chance(0.3) ? "*" : random.pick(ODD_ENTRIES);
      break;
    case 1:
    case 2: {
      // A name or a parent domain of the URL's host, or of another name.
      const labels = (address === undefined ? host : random.pick(NAMES)).split(".");
      entry = random.pick(["", "", ".", "*."]) + labels.slice(random.int(labels.length)).join(".");
      break;
    }
    case 3:
      entry = random.pick([...NAMES, ...DOMAINS]);
      break;
    case 4:
    case 5: {
      const ip = address ?? random.pick([...IPV4, ...IPV6]);
      entry = ip.includes(":") && random.chance(0.3) ? `[${ip}]` : ip;
      break;
    }
    case 6:
    case 7:
      entry = randomCidr(random, address);
      break;
    default:
      entry = random.pick(IPV4);
  }
  if (random.chance(0.25)) {
    const port = random.pick(["443", "6443", "80", "8443"]);
    entry = entry.includes(":") && !entry.startsWith("[")
      ? `[${entry}]:${port}`
      : `${entry}:${port}`;
  }
  if (!entry.includes(":") && /\d/.test(entry) && random.chance(0.15)) {
    // Leading zeros on IPv4 octets or the prefix length.
    entry = entry.replace(/\d+/g, (digits) => random.chance(0.4) ? `0${digits}` : digits);
  }
  entry = mixedCase(random, entry);
  const space = () => random.pick(["", "", "", " ", "\t", "  "]);
  return `${space()}${entry}${space()}`;
}

function randomNoProxy(random: Random, url: string): string {
  const host = new URL(url).hostname.replace(/^\[(.*)\]$/, "$1");
  return Array.from({ length: random.int(5) }, () => randomEntry(random, host)).join(",");
}

function randomProxy(random: Random): string {
  return random.chance(0.03) ? random.pick(MALFORMED_PROXIES) : random.pick(PROXIES);
}

function randomCase(random: Random, index: number): Case {
  const url = randomUrl(random);
  const env: Record<string, string> = {};
  for (const name of PROXY_VARIABLES) {
    const roll = random.next();
    if (roll < 0.45) continue;
    if (roll < 0.55) env[name] = "";
    else if (name.toUpperCase() === "NO_PROXY") env[name] = randomNoProxy(random, url);
    else env[name] = randomProxy(random);
  }
  return { where: `seed ${SEED} case ${index}`, url, env };
}

// --- Deliberate differences ---------------------------------------------

/** The value of the proxy variable that applies to the case's URL. */
function proxyValue(c: Case): string {
  return c.url.startsWith("https:")
    ? c.env.HTTPS_PROXY || c.env.https_proxy || ""
    : c.env.HTTP_PROXY || c.env.http_proxy || "";
}

/**
 * Where this program decides differently from client-go on purpose; each is
 * asserted, not skipped: the cases it explains must get exactly this answer.
 */
const DELIBERATE: readonly {
  readonly name: string;
  readonly applies: (d: Disagreement) => boolean;
  readonly ours: (answer: Answer) => boolean;
}[] = [
  {
    name: "an upper-case LOCALHOST is loopback and never proxied (httpproxy's useProxy " +
      'compares the host with "localhost" before lower-casing it)',
    applies: (d) => /^https?:\/\/localhost(?=[:/]|$)/i.test(d.url),
    ours: (answer) => "direct" in answer,
  },
  {
    name: "a malformed proxy value (spaces, control characters, http:host, //host, a bad port) " +
      "is refused with an error, where Go's url.Parse goes direct or dials a broken address",
    applies: (d) => MALFORMED_PROXIES.includes(proxyValue(d)),
    ours: (answer) => "refused" in answer,
  },
];

// --- The test --------------------------------------------------------------

function compare(c: Case, go: Answer): Disagreement | undefined {
  const ours = ourAnswer(c.url, c.env);
  return same(ours, go) ? undefined : { ...c, go, ours };
}

await testWithGoProgram(
  `proxyForUrl() agrees with client-go on the table and ${CASES} random cases (seed ${SEED})`,
  "proxy-for-url",
  async (t, program) => {
    const random = new Random(SEED);
    const tableCases = ROWS.map((row): Case => ({ where: row.name, url: row.url, env: row.env }));
    const randomCases = Array.from({ length: CASES }, (_, i) => randomCase(random, i));
    const cases = [...tableCases, ...randomCases];
    // One process answers every case, in order.
    const lines = await askGoProgram(program, cases.map((c) => ({ url: c.url, env: c.env })));
    const disagreements = cases.flatMap((c, i) =>
      compare(c, goAnswer(lines[i] as GoAnswerLine)) ?? []
    );

    const deliberate = new Map<string, Disagreement[]>();
    const unknown: Disagreement[] = [];
    for (const d of disagreements) {
      const kind = DELIBERATE.find((k) => k.applies(d) && k.ours(d.ours));
      if (kind === undefined) unknown.push(d);
      else deliberate.set(kind.name, [...deliberate.get(kind.name) ?? [], d]);
    }
    const fromTable = (d: Disagreement) => !d.where.startsWith("seed ");
    await t.step(`every table row (${tableCases.length})`, () => {
      assertEquals(unknown.filter(fromTable), []);
    });
    await t.step(`${CASES} random cases (seed ${SEED})`, () => {
      const found = unknown.filter((d) => !fromTable(d));
      assertEquals(found.slice(0, 5), [], `${found.length} disagreements`);
    });
    for (const kind of DELIBERATE) {
      await t.step(
        `deliberately: ${kind.name} (${deliberate.get(kind.name)?.length ?? 0} cases)`,
        () => {},
      );
    }
  },
);
