/**
 * Random cases for `tests/proxy_for_url_differential_test.ts`: a URL of the
 * API server (names, IPv4 and IPv6 addresses, loopback, ports) and proxy
 * variables around it: proxies well-formed and not, `NO_PROXY` entries about
 * the URL's host or others (names, parent domains, wildcards, addresses, CIDR
 * blocks, ports, odd spellings). Everything derives from one {@linkcode Random}.
 */

import { PROXY_VARIABLES, type ProxyEnvironment } from "../../domain/api_server/proxy_for_url.ts";
import type { Random } from "./random_registries.ts";

export interface Case {
  readonly where: string;
  readonly url: string;
  readonly env: ProxyEnvironment;
}

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
export const MALFORMED_PROXIES = [
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

export function randomCase(random: Random, where: string): Case {
  const url = randomUrl(random);
  const env: Record<string, string> = {};
  for (const name of PROXY_VARIABLES) {
    const roll = random.next();
    if (roll < 0.45) continue;
    if (roll < 0.55) env[name] = "";
    else if (name.toUpperCase() === "NO_PROXY") env[name] = randomNoProxy(random, url);
    else env[name] = randomProxy(random);
  }
  return { where, url, env };
}
