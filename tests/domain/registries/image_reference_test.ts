import { assertEquals, assertThrows } from "../../support/assert.ts";
import {
  ImageReferenceError,
  isDomain,
  parseCanonicalReference,
  parseNormalizedReference,
  parseReference,
  referenceName,
  referenceString,
} from "../../../domain/registries/image_reference.ts";

const DIGEST = `sha256:${"e6693c20186f837fc393390135d8a598a96a833917917789d63766cab6c59582"}`;

Deno.test("parseNormalizedReference() normalizes like docker/reference", async (t) => {
  const rows: readonly [string, string][] = [
    ["nginx", "docker.io/library/nginx"],
    ["nginx:1.25", "docker.io/library/nginx:1.25"],
    ["foo/bar", "docker.io/foo/bar"],
    ["test_com/foo", "docker.io/test_com/foo"],
    ["docker.io/nginx", "docker.io/library/nginx"],
    ["index.docker.io/foo/bar", "docker.io/foo/bar"],
    ["localhost/foo", "localhost/foo"],
    ["localhost:5000/a/b:1", "localhost:5000/a/b:1"],
    ["Registry.Example.com/app", "Registry.Example.com/app"],
    [`quay.io/a/b@${DIGEST}`, `quay.io/a/b@${DIGEST}`],
    [`gcr.io/library/busybox:latest@${DIGEST}`, `gcr.io/library/busybox:latest@${DIGEST}`],
    ["127.0.0.1:5000/a", "127.0.0.1:5000/a"],
  ];
  for (const [input, expected] of rows) {
    await t.step(`parseNormalizedReference() ${input}`, () => {
      assertEquals(referenceString(parseNormalizedReference(input)), expected);
    });
  }
});

Deno.test("parseNormalizedReference() rejects with containers/image's words", async (t) => {
  const rows: readonly [string, string][] = [
    ["NGINX", "invalid reference format: repository name must be lowercase"],
    [
      "e6693c20186f837fc393390135d8a598a96a833917917789d63766cab6c59582",
      "invalid repository name (e6693c20186f837fc393390135d8a598a96a833917917789d63766cab6c59582), cannot specify 64-byte hexadecimal strings",
    ],
    ["", "invalid reference format"],
    ["a:-tag", "invalid reference format"],
    ["a@sha256:abc", "invalid reference format"],
    [`a@sha256:${"a".repeat(63)}`, "invalid checksum digest length"],
    [`a@md5:${"a".repeat(32)}`, "unsupported digest algorithm"],
    // The lowercase check sees everything before the first ":", digest algorithm included.
    [`a@SHA256:${"a".repeat(64)}`, "invalid reference format: repository name must be lowercase"],
    [`a@sha256:${"A".repeat(64)}`, "invalid checksum digest format"],
    [`quay.io/${"a".repeat(250)}`, "repository name must not be more than 255 characters"],
  ];
  for (const [input, message] of rows) {
    await t.step(`parseNormalizedReference() ${JSON.stringify(input.slice(0, 40))}`, () => {
      const error = assertThrows(() => parseNormalizedReference(input), ImageReferenceError);
      assertEquals(error.message, message);
    });
  }
});

Deno.test("parseReference() keeps the first component as domain", () => {
  assertEquals(parseReference("library/nginx"), { domain: "library", path: "nginx" });
  assertEquals(parseReference("nginx:1"), { domain: "", path: "nginx", tag: "1" });
  assertEquals(referenceName(parseReference("nginx:1")), "nginx");
  // A domain may be upper case; a path may not.
  assertEquals(parseReference("UPPER/x"), { domain: "UPPER", path: "x" });
  assertThrows(() => parseReference("x/UPPER"), ImageReferenceError, "must be lowercase");
});

Deno.test("parseReference() validates digests like go-digest", async (t) => {
  const rows: readonly [string, string][] = [
    [`a@SHA256:${"a".repeat(64)}`, "invalid checksum digest format"],
    [`a@sha256:${"A".repeat(64)}`, "invalid checksum digest format"],
    [`a@sha512:${"a".repeat(64)}`, "invalid checksum digest length"],
    [`a@sha1:${"a".repeat(40)}`, "unsupported digest algorithm"],
  ];
  for (const [input, message] of rows) {
    await t.step(`parseReference() ${input.slice(0, 12)}`, () => {
      assertEquals(assertThrows(() => parseReference(input), ImageReferenceError).message, message);
    });
  }
  assertEquals(parseReference(`a@sha384:${"b".repeat(96)}`).digest, `sha384:${"b".repeat(96)}`);
});

Deno.test("parseReference() answers pathological names without backtracking forever", () => {
  // The upstream regexp is ambiguous; a naive translation takes exponential time here.
  assertThrows(() => parseReference(`${"a".repeat(5000)}!`), ImageReferenceError);
  assertThrows(() => parseReference(`a/${"a-".repeat(3000)}!`), ImageReferenceError);
});

Deno.test("parseCanonicalReference() accepts only canonical strings", async (t) => {
  const rows: readonly [string, string | undefined][] = [
    ["quay.io/lib/busybox:1", undefined],
    ["localhost:5000/library/nginx", undefined],
    ["docker.io/nginx", "repository name must be canonical"],
    ["mirror/library/nginx", "repository name must be canonical"],
    ["mirror.example.com/x:5000/library/image:latest", "invalid reference format"],
  ];
  for (const [input, error] of rows) {
    await t.step(`parseCanonicalReference() ${input}`, () => {
      if (error === undefined) {
        assertEquals(referenceString(parseCanonicalReference(input)), input);
      } else {
        assertThrows(() => parseCanonicalReference(input), ImageReferenceError, error);
      }
    });
  }
});

Deno.test("isDomain() accepts host[:port] only", async (t) => {
  const rows: readonly [string, boolean][] = [
    ["docker.io", true],
    ["registry.example.com:5000", true],
    ["localhost", true],
    ["registry-a.com/namespace-is-forbidden", false],
    ["a..b", false],
    ["-a.com", false],
    ["a.com:", false],
  ];
  for (const [input, expected] of rows) {
    await t.step(`isDomain() ${input}`, () => assertEquals(isDomain(input), expected));
  }
});
