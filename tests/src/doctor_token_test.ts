/**
 * `doctor --token-file` never prints the token, whatever the file holds: a
 * token that is no bearer token is not sent (an HTTP client refusing the
 * header would quote it whole).
 */

import assert from "node:assert/strict";
import { assertEquals } from "../support/assert.ts";
import { doctor } from "../support/doctor_node.ts";
import { TOKEN } from "../support/provider_fixtures.ts";

Deno.test("doctor never prints a token that is no bearer token", async (t) => {
  const [header, payload] = TOKEN.split(".");
  const signature = "SIGNATUREsecretSIGNATUREsecret0123456789";
  for (const [name, inside] of [["a NUL", "\u0000"], ["a line break", "\n"], ["a space", " "]]) {
    await t.step(`doctor with ${name} inside the token`, async () => {
      const result = await doctor({ token: `${header}.${payload}.${signature}${inside}x` });
      const check = result.checks.find((c) => c.evidence.includes("not a bearer token"));
      assertEquals(check?.status, "fail", result.stdout);
      assert.ok(!result.stdout.includes(signature.slice(0, 16)), result.stdout);
      assert.ok(!result.stderr.includes(signature.slice(0, 16)), result.stderr);
    });
  }
});
