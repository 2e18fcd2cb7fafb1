/**
 * IP addresses and CIDR blocks read as Go reads them: `net.ParseIP` and
 * `net.ParseCIDR` (Go ≥ 1.17, which parse through `net/netip`), Kubernetes'
 * `ParseIPSloppy`/`ParseCIDRSloppy` (k8s.io/utils/net, a fork of Go 1.16's
 * parser that still reads leading zeros), and `IP.Equal`, `IP.IsLoopback`,
 * `IPNet.Contains`. Every expectation here was checked against Go 1.26 and
 * k8s.io/utils v0.0.0-20250604170112.
 */

import { assertEquals } from "../../support/assert.ts";
import {
  type IpAddress,
  isLoopbackIp,
  networkContains,
  parseCidr,
  parseIp,
  sameIp,
} from "../../../domain/api_server/ip_address.ts";

/** An address as its eight 16-bit groups in hex, uncompressed (`0:0:0:0:0:ffff:a00:1`). */
function groups(ip: IpAddress | undefined): string | undefined {
  if (ip === undefined) return undefined;
  const out: string[] = [];
  for (let i = 0; i < 16; i += 2) out.push((((ip[i] ?? 0) << 8) | (ip[i + 1] ?? 0)).toString(16));
  return out.join(":");
}

function ip(text: string): IpAddress {
  const parsed = parseIp(text, { sloppy: true });
  if (parsed === undefined) throw new Error(`test address ${text} does not parse`);
  return parsed;
}

const V4 = "0:0:0:0:0:ffff"; // IPv4 is kept IPv4-mapped, as Go's 16-byte net.IP

Deno.test("parseIp() reads addresses as Go's net.ParseIP and Kubernetes' ParseIPSloppy", async (t) => {
  // [text, strict (net.ParseIP), sloppy (netutils.ParseIPSloppy)]
  const rows: readonly [string, string | undefined, string | undefined][] = [
    ["10.0.0.1", `${V4}:a00:1`, `${V4}:a00:1`],
    ["0.0.0.0", `${V4}:0:0`, `${V4}:0:0`],
    ["255.255.255.255", `${V4}:ffff:ffff`, `${V4}:ffff:ffff`],
    // Go 1.17 refuses leading zeros (they were read as decimal before, not
    // octal); Kubernetes keeps reading them as decimal (issue.k8s.io/100895).
    ["010.0.0.1", undefined, `${V4}:a00:1`],
    ["00.0.0.0", undefined, `${V4}:0:0`],
    ["192.168.001.010", undefined, `${V4}:c0a8:10a`],
    // Out of range, too few or too many octets, signs, spaces: never.
    ["256.0.0.1", undefined, undefined],
    ["1.2.3", undefined, undefined],
    ["1.2.3.4.5", undefined, undefined],
    ["1..2.3", undefined, undefined],
    ["1.2.3.4.", undefined, undefined],
    ["+1.2.3.4", undefined, undefined],
    [" 1.2.3.4", undefined, undefined],
    ["1.2.3.4 ", undefined, undefined],
    ["0x7f.0.0.1", undefined, undefined],
    ["", undefined, undefined],
    ["localhost", undefined, undefined],
    // IPv6: `::` stands for at least one group of zeros, at most once.
    ["::", "0:0:0:0:0:0:0:0", "0:0:0:0:0:0:0:0"],
    ["::1", "0:0:0:0:0:0:0:1", "0:0:0:0:0:0:0:1"],
    ["fd00::1", "fd00:0:0:0:0:0:0:1", "fd00:0:0:0:0:0:0:1"],
    ["FD00::A", "fd00:0:0:0:0:0:0:a", "fd00:0:0:0:0:0:0:a"],
    ["1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"],
    ["1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0", "1:2:3:4:5:6:7:0"],
    ["::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8"],
    ["0001::", "1:0:0:0:0:0:0:0", "1:0:0:0:0:0:0:0"],
    ["1:2:3:4:5:6:7:8::", undefined, undefined],
    ["::1:2:3:4:5:6:7:8", undefined, undefined],
    ["1:2:3:4:5:6:7", undefined, undefined],
    ["1::2::3", undefined, undefined],
    [":1::", undefined, undefined],
    ["1:::2", undefined, undefined],
    ["12345::", undefined, undefined],
    ["g::1", undefined, undefined],
    // An embedded IPv4 address replaces the last two groups, strictly dotted
    // decimal; `::ffff:a.b.c.d` is the IPv4-mapped form of a.b.c.d.
    ["::ffff:1.2.3.4", `${V4}:102:304`, `${V4}:102:304`],
    ["::1.2.3.4", "0:0:0:0:0:0:102:304", "0:0:0:0:0:0:102:304"],
    ["1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304", "1:2:3:4:5:6:102:304"],
    ["1:2:3:4:5::1.2.3.4", "1:2:3:4:5:0:102:304", "1:2:3:4:5:0:102:304"],
    ["1:2:3:4:5:6:7:1.2.3.4", undefined, undefined],
    ["::ffff:1.2.3", undefined, undefined],
    // An embedded IPv4 address may only end the address.
    ["1.2.3.4::", undefined, undefined],
    ["1.2.3.4::5", undefined, undefined],
    ["1:1.2.3.4::", undefined, undefined],
    // Kubernetes' sloppy parser: any number of leading zeros, in IPv4 parts and IPv6 groups.
    ["0010.0.0.1", undefined, `${V4}:a00:1`],
    ["00001::", undefined, "1:0:0:0:0:0:0:0"],
    ["::ffff:010.0.0.1", undefined, `${V4}:a00:1`],
    // Zones (`%eth0`) are netip's, refused by net.ParseIP; brackets are URL syntax.
    ["fe80::1%eth0", undefined, undefined],
    ["[::1]", undefined, undefined],
  ];
  for (const [text, strict, sloppy] of rows) {
    await t.step(`parseIp() ${JSON.stringify(text)}`, () => {
      assertEquals(groups(parseIp(text)), strict, "strict");
      assertEquals(groups(parseIp(text, { sloppy: true })), sloppy, "sloppy");
    });
  }
});

Deno.test("parseCidr() reads blocks as Go's net.ParseCIDR and Kubernetes' ParseCIDRSloppy", async (t) => {
  // [text, strict, sloppy]; a block as [masked address, bits over 16 bytes]
  type Block = readonly [string, number];
  const rows: readonly [string, Block | undefined, Block | undefined][] = [
    ["10.0.0.0/8", [`${V4}:a00:0`, 104], [`${V4}:a00:0`, 104]],
    ["0.0.0.0/0", [`${V4}:0:0`, 96], [`${V4}:0:0`, 96]],
    ["10.1.2.3/32", [`${V4}:a01:203`, 128], [`${V4}:a01:203`, 128]],
    ["fd00::/8", ["fd00:0:0:0:0:0:0:0", 8], ["fd00:0:0:0:0:0:0:0", 8]],
    ["::/0", ["0:0:0:0:0:0:0:0", 0], ["0:0:0:0:0:0:0:0", 0]],
    ["::/128", ["0:0:0:0:0:0:0:0", 128], ["0:0:0:0:0:0:0:0", 128]],
    // Written as IPv6, an IPv4-mapped block is still an IPv4 block to Go (IPNet.Contains).
    ["::ffff:10.0.0.0/104", [`${V4}:a00:0`, 104], [`${V4}:a00:0`, 104]],
    // The address is masked; the prefix length may have leading zeros (Go's dtoi).
    ["10.1.2.3/8", [`${V4}:a00:0`, 104], [`${V4}:a00:0`, 104]],
    ["10.0.0.0/08", [`${V4}:a00:0`, 104], [`${V4}:a00:0`, 104]],
    // Leading zeros in the address: only the sloppy reading (client-go's NO_PROXY wrapper).
    ["010.000.000.000/8", undefined, [`${V4}:a00:0`, 104]],
    ["10.0.0.0/33", undefined, undefined],
    ["::/129", undefined, undefined],
    ["10.0.0.0/-1", undefined, undefined],
    ["10.0.0.0/ 8", undefined, undefined],
    ["10.0.0.0/", undefined, undefined],
    ["10.0.0.0/8/8", undefined, undefined],
    [" 10.0.0.0/8", undefined, undefined],
    ["10.0.0.0/8 ", undefined, undefined],
    ["10.0.0.0", undefined, undefined],
    ["/8", undefined, undefined],
    ["fe80::%eth0/10", undefined, undefined],
    ["example.com/8", undefined, undefined],
  ];
  const shape = (text: string, sloppy: boolean): Block | undefined => {
    const block = parseCidr(text, { sloppy });
    return block && [groups(block.address) ?? "", block.bits];
  };
  for (const [text, strict, sloppy] of rows) {
    await t.step(`parseCidr() ${JSON.stringify(text)}`, () => {
      assertEquals(shape(text, false), strict, "strict");
      assertEquals(shape(text, true), sloppy, "sloppy");
    });
  }
});

Deno.test("isLoopbackIp() is Go's IP.IsLoopback: 127.0.0.0/8 and ::1", async (t) => {
  const rows: readonly [string, boolean][] = [
    ["127.0.0.1", true],
    ["127.0.0.0", true],
    ["127.255.255.254", true],
    ["::1", true],
    ["0:0:0:0:0:0:0:1", true],
    ["::ffff:127.0.0.1", true], // IPv4-mapped is IPv4
    ["128.0.0.1", false],
    ["126.255.255.255", false],
    ["0.0.0.0", false],
    ["::", false],
    ["::2", false],
    ["::127.0.0.1", false], // IPv4-compatible is not IPv4 (IP.To4 is nil)
    ["fe80::1", false],
  ];
  for (const [text, expected] of rows) {
    await t.step(`isLoopbackIp() ${text}`, () => assertEquals(isLoopbackIp(ip(text)), expected));
  }
});

Deno.test("sameIp() is Go's IP.Equal: IPv4 equals its IPv4-mapped IPv6 form", async (t) => {
  const rows: readonly [string, string, boolean][] = [
    ["1.2.3.4", "1.2.3.4", true],
    ["1.2.3.4", "::ffff:1.2.3.4", true],
    ["1.2.3.4", "::ffff:102:304", true],
    ["1.2.3.4", "::1.2.3.4", false],
    ["1.2.3.4", "1.2.3.5", false],
    ["::1", "0:0:0:0:0:0:0:1", true],
    ["fd00::1", "FD00:0::01", true],
    ["::1", "127.0.0.1", false],
    ["010.000.000.001", "10.0.0.1", true], // read sloppily, as decimal
  ];
  for (const [a, b, expected] of rows) {
    await t.step(`sameIp() ${a} ${b}`, () => {
      assertEquals(sameIp(ip(a), ip(b)), expected);
      assertEquals(sameIp(ip(b), ip(a)), expected);
    });
  }
});

Deno.test("networkContains() is Go's IPNet.Contains, address family included", async (t) => {
  const rows: readonly [string, string, boolean][] = [
    ["10.0.0.0/8", "10.1.2.3", true],
    ["10.0.0.0/8", "10.255.255.255", true],
    ["10.0.0.0/8", "11.0.0.1", false],
    ["10.0.0.0/8", "9.255.255.255", false],
    ["10.1.2.3/8", "10.200.0.1", true], // host bits of the block do not count
    ["10.1.2.3/32", "10.1.2.3", true],
    ["10.1.2.3/32", "10.1.2.4", false],
    ["172.16.0.0/12", "172.31.255.1", true],
    ["172.16.0.0/12", "172.32.0.1", false],
    // An IPv4 block contains IPv4-mapped IPv6 addresses (they are IPv4 to Go)...
    ["10.0.0.0/8", "::ffff:10.1.2.3", true],
    // ...and no other IPv6 address, not even 0.0.0.0/0.
    ["10.0.0.0/8", "::10.1.2.3", false],
    ["0.0.0.0/0", "1.2.3.4", true],
    ["0.0.0.0/0", "::1", false],
    ["0.0.0.0/0", "fd00::1", false],
    // An IPv6 block contains IPv6 addresses...
    ["fd00::/8", "fd12::1", true],
    ["fd00::/8", "fe00::1", false],
    ["::/0", "::1", true],
    ["::/0", "2001:db8::1", true],
    ["2001:db8::/32", "2001:db8:ffff::1", true],
    ["2001:db8::/32", "2001:db9::1", false],
    // ...and no IPv4 address, even one whose bits fall in the block.
    ["::/0", "1.2.3.4", false],
    ["::/0", "::ffff:1.2.3.4", false],
    ["64:ff9b::/96", "1.2.3.4", false],
    ["64:ff9b::/96", "64:ff9b::102:304", true],
    ["::ffff:0.0.0.0/80", "8.8.8.8", false],
    ["::ffff:10.0.0.0/104", "fd00::1", false],
    // A block whose masked address is IPv4-mapped (prefix of 96 or more) holds IPv4 addresses.
    ["::ffff:10.0.0.0/104", "10.1.2.3", true],
    ["::ffff:10.0.0.0/104", "11.1.2.3", false],
    ["::ffff:0:0/96", "8.8.8.8", true],
    ["::ffff:0:0/95", "8.8.8.8", false],
  ];
  for (const [cidr, address, expected] of rows) {
    await t.step(`networkContains() ${cidr} ${address}`, () => {
      const block = parseCidr(cidr);
      if (block === undefined) throw new Error(`test block ${cidr} does not parse`);
      assertEquals(networkContains(block, ip(address)), expected);
    });
  }
});
