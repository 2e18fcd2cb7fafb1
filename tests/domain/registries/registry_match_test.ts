import { assertEquals } from "../../support/assert.ts";
import { refMatchingPrefix } from "../../../domain/registries/registry_match.ts";

// containers/image TestRefMatchingPrefix and TestRefMatchingSubdomainPrefix facts,
// grouped as there; unintended behaviour is kept and marked.
const ROWS: readonly [string, string, number][] = [
  // Plain prefixes end at ":", "/", "@" or the end.
  ["docker.io", "docker.io", 9],
  ["docker.io/library/nginx", "docker.io", 9],
  ["docker.io@sha256:x", "docker.io", 9],
  ["docker.iox/nginx", "docker.io", -1],
  ["docker.io.evil.org/nginx", "docker.io", -1],
  ["sub.docker.io/nginx", "docker.io", -1],
  ["docker", "docker.io", -1],
  // Unintended upstream, shipped: a host prefix matches the same host with a port.
  ["example.com:5000/foo", "example.com", 11],
  ["example.com:50000/foo", "example.com:5000", -1],
  ["example.com:5000/foo", "example.com:5000", 16],
  // Namespaces match whole path components.
  ["docker.io/library/nginx", "docker.io/library", 17],
  ["docker.io/libraryx/nginx", "docker.io/library", -1],
  ["docker.io/library", "docker.io/library", 17],
  // A prefix with a tag only matches that tag.
  ["example.com/foo:bar", "example.com/foo:bar", 19],
  ["example.com/foo:bar2", "example.com/foo:bar", -1],
  ["example.com/foo", "example.com/foo:bar", -1],
  // Case-sensitive bytes.
  ["Registry.Example.com/app", "Registry.Example.com", 20],
  ["registry.example.com/app", "Registry.Example.com", -1],
  // Wildcards: subdomains at any depth, the host length is returned.
  ["a.example.com", "*.example.com", 13],
  ["a.b.example.com/app", "*.example.com", 15],
  ["a.example.com:5000/app", "*.example.com", 13],
  ["a.example.com@sha256:x", "*.example.com", 13],
  ["example.com/app", "*.example.com", -1],
  ["fooexample.com/app", "*.example.com", -1],
  ["foo.example.com.evil/app", "*.example.com", -1],
  ["example.net/ns.example.com/app", "*.example.com", -1],
  // The first occurrence of the suffix decides.
  ["a.example.com.example.com/x", "*.example.com", -1],
  // Only a leading "*." is special.
  ["example.*.com/app", "example.*.com", 13],
  ["example.foo.com/app", "example.*.com", -1],
  ["**.example.com/foo", "**.example.com", 14],
  ["yet.another.example.com/foo", "**.example.com", -1],
];

Deno.test("refMatchingPrefix() follows containers/image", async (t) => {
  for (const [ref, prefix, expected] of ROWS) {
    await t.step(`refMatchingPrefix() ${ref} against ${prefix}`, () => {
      assertEquals(refMatchingPrefix(ref, prefix), expected);
    });
  }
});
