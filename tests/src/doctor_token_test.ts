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

Deno.test("doctor never prints the token when the API server echoes it", async (t) => {
  const [header, payload] = TOKEN.split(".");
  const signature = "CanarySignatureEchoedBack0123456789abcdef";
  const token = `${header}.${payload}.${signature}`;
  const review = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";
  const rows: readonly [string, (request: Request) => Response | undefined, RegExp][] = [
    [
      "an access review whose reason quotes the token",
      (request) =>
        new URL(request.url).pathname === review
          ? Response.json({ status: { allowed: false, reason: `no rule for ${token}` } }, {
            status: 201,
          })
          : undefined,
      /^the token may not list secrets in default \(no rule for REDACTED\)$/,
    ],
    [
      "an access review answered with the signature, not JSON",
      (request) =>
        new URL(request.url).pathname === review
          ? new Response(`${signature} rejected`, { status: 201 })
          : undefined,
      /^cannot ask the API server: invalid JSON: unexpected character at line 1, column 1$/,
    ],
    [
      "a version answered with the signature, not JSON",
      (request) =>
        new URL(request.url).pathname === "/version"
          ? new Response(`${signature} rejected`, { status: 200 })
          : undefined,
      /: cannot reach it: invalid JSON: unexpected character at line 1, column 1$/,
    ],
  ];
  for (const [name, override, evidence] of rows) {
    await t.step(`doctor with ${name}`, async () => {
      const result = await doctor({
        token,
        api: { acceptToken: (sent) => sent === token, override },
      });
      assert.ok(result.checks.some((c) => evidence.test(c.evidence)), result.stdout);
      // No 6 characters in a row of the signature anywhere.
      for (let at = 0; at + 6 <= signature.length; at++) {
        const piece = signature.slice(at, at + 6);
        assert.ok(!result.stdout.includes(piece), `${piece} in ${result.stdout}`);
        assert.ok(!result.stderr.includes(piece), `${piece} in ${result.stderr}`);
      }
    });
  }
});
