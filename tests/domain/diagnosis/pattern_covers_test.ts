/**
 * covers(): a kubelet matchImages pattern and a registry meet when either
 * lies inside the other, read as registry keys.
 */

import { assertEquals } from "../../support/assert.ts";
import { covers } from "../../../domain/diagnosis/pattern_covers.ts";

Deno.test("covers() matches patterns and registries both ways", async (t) => {
  const rows: readonly [string, string, boolean][] = [
    ["docker.io", "docker.io", true],
    ["*.example.com", "mirror.example.com", true],
    ["*.example.com", "example.com", false],
    ["docker.io/library", "docker.io", true],
    ["docker.io", "docker.io/library", true],
    ["mirror.example.com:5000", "mirror.example.com:5000", true],
    ["mirror.example.com", "mirror.example.com:5000", false],
    ["quay.io", "docker.io", false],
    ["https://user:pw@docker.io", "docker.io", false],
  ];
  for (const [pattern, registry, expected] of rows) {
    await t.step(`covers(${JSON.stringify(pattern)}, ${JSON.stringify(registry)})`, () => {
      assertEquals(covers(pattern, registry), expected);
    });
  }
});
