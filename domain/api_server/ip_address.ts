/**
 * IP addresses and CIDR blocks as Go reads them (`net.ParseIP`,
 * `net.ParseCIDR`, `IPNet.Contains`; and Kubernetes' sloppy forks of them,
 * `k8s.io/utils/net.ParseIPSloppy` / `ParseCIDRSloppy`, which read leading
 * zeros as decimal): dotted decimal IPv4, IPv6 with `::` and an optional
 * trailing IPv4, no zone. Addresses are 16 bytes with IPv4 mapped into IPv6,
 * so that `1.2.3.4` and `::ffff:1.2.3.4` compare equal, as in Go.
 *
 * @module
 */

/** An address as 16 bytes (IPv4 as `::ffff:a.b.c.d`). */
export type IpAddress = Uint8Array;

/** How strict to be: Go 1.17+ refuses leading zeros; Kubernetes' sloppy parsers read them as decimal. */
export interface IpParseOptions {
  readonly sloppy?: boolean;
}

function parseIpv4(text: string, sloppy = false): number[] | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  const bytes: number[] = [];
  const decimal = sloppy ? /^[0-9]+$/ : /^(?:0|[1-9][0-9]{0,2})$/;
  for (const part of parts) {
    if (!decimal.test(part) || Number(part) > 255) return undefined;
    bytes.push(Number(part));
  }
  return bytes;
}

function parseIpv6(text: string, sloppy: boolean): number[] | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const hex = sloppy ? /^[0-9a-fA-F]+$/ : /^[0-9a-fA-F]{1,4}$/;
  // An embedded IPv4 address may only end the whole address.
  const groups = (half: string, last: boolean): number[] | undefined => {
    if (half === "") return [];
    const bytes: number[] = [];
    const parts = half.split(":");
    for (const [index, part] of parts.entries()) {
      if (last && index === parts.length - 1 && part.includes(".")) {
        const v4 = parseIpv4(part, sloppy);
        if (v4 === undefined) return undefined;
        bytes.push(...v4);
      } else {
        const value = parseInt(part, 16);
        if (!hex.test(part) || value > 0xffff) return undefined;
        bytes.push(value >> 8, value & 0xff);
      }
    }
    return bytes;
  };
  const head = groups(halves[0] ?? "", halves.length === 1);
  const tail = halves.length === 2 ? groups(halves[1] ?? "", true) : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 16 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 2) return undefined;
  return [...head, ...new Array(missing).fill(0), ...tail];
}

/**
 * Parses an IP address, or returns `undefined`.
 *
 * @example
 * ```ts
 * import { parseIp } from "./ip_address.ts";
 * parseIp("10.0.0.1")?.length; // 16
 * parseIp("010.0.0.1"); // undefined
 * parseIp("010.0.0.1", { sloppy: true })?.[15]; // 1
 * ```
 */
export function parseIp(text: string, options: IpParseOptions = {}): IpAddress | undefined {
  const sloppy = options.sloppy ?? false;
  if (!text.includes(":")) {
    const v4 = parseIpv4(text, sloppy);
    return v4 === undefined
      ? undefined
      : new Uint8Array([...new Array(10).fill(0), 255, 255, ...v4]);
  }
  const v6 = parseIpv6(text, sloppy);
  return v6 === undefined ? undefined : new Uint8Array(v6);
}

/** Whether `ip` is an IPv4 address (Go's `IP.To4() != nil`). */
function isIpv4(ip: IpAddress): boolean {
  return ip.subarray(0, 10).every((b) => b === 0) && ip[10] === 255 && ip[11] === 255;
}

/**
 * Whether `ip` is a loopback address (Go's `IP.IsLoopback`: 127.0.0.0/8 or ::1).
 *
 * @example
 * ```ts
 * import { isLoopbackIp, parseIp } from "./ip_address.ts";
 * isLoopbackIp(parseIp("127.0.0.3")!); // true
 * ```
 */
export function isLoopbackIp(ip: IpAddress): boolean {
  if (isIpv4(ip)) return ip[12] === 127;
  return ip.subarray(0, 15).every((b) => b === 0) && ip[15] === 1;
}

/**
 * Whether two addresses are the same address (Go's `IP.Equal`).
 *
 * @example
 * ```ts
 * import { parseIp, sameIp } from "./ip_address.ts";
 * sameIp(parseIp("1.2.3.4")!, parseIp("::ffff:1.2.3.4")!); // true
 * ```
 */
export function sameIp(a: IpAddress, b: IpAddress): boolean {
  return a.every((byte, index) => byte === b[index]);
}

/** A CIDR block: its masked address and prefix length, both over 16 bytes. */
export interface IpNetwork {
  readonly address: IpAddress;
  readonly bits: number;
}

/**
 * Parses `a.b.c.d/n` or `x::y/n` (Go's `net.ParseCIDR`, whose prefix length
 * may have leading zeros), or returns `undefined`.
 *
 * @example
 * ```ts
 * import { parseCidr } from "./ip_address.ts";
 * parseCidr("10.0.0.0/8")?.bits; // 104
 * ```
 */
export function parseCidr(text: string, options: IpParseOptions = {}): IpNetwork | undefined {
  const slash = text.indexOf("/");
  if (slash === -1) return undefined;
  const host = text.slice(0, slash);
  const length = text.slice(slash + 1);
  const address = parseIp(host, options);
  const v4 = !host.includes(":");
  if (address === undefined || !/^[0-9]+$/.test(length)) return undefined;
  const prefix = Number(length);
  if (prefix > (v4 ? 32 : 128)) return undefined;
  const bits = v4 ? prefix + 96 : prefix;
  const masked = address.map((byte, index) => {
    const kept = Math.min(8, Math.max(0, bits - index * 8));
    return byte & (0xff << (8 - kept)) & 0xff;
  });
  return { address: masked, bits };
}

/**
 * Whether `network` contains `ip` (Go's `IPNet.Contains`): a block whose
 * masked address is an IPv4 address (written as IPv4, or as `::ffff:…/n`
 * with n ≥ 96) holds IPv4 addresses only, any other block none.
 *
 * @example
 * ```ts
 * import { networkContains, parseCidr, parseIp } from "./ip_address.ts";
 * networkContains(parseCidr("10.0.0.0/8")!, parseIp("10.1.2.3")!); // true
 * networkContains(parseCidr("::ffff:10.0.0.0/104")!, parseIp("10.1.2.3")!); // true
 * ```
 */
export function networkContains(network: IpNetwork, ip: IpAddress): boolean {
  if (isIpv4(network.address) !== isIpv4(ip)) return false;
  for (let bit = 0; bit < network.bits; bit++) {
    const mask = 0x80 >> (bit % 8);
    const byte = Math.floor(bit / 8);
    if (((network.address[byte] ?? 0) & mask) !== ((ip[byte] ?? 0) & mask)) return false;
  }
  return true;
}
