import { assertEquals, assertThrows } from "../../support/assert.ts";
import {
  isBearerToken,
  isNamespaceName,
  namespaceFromToken,
  TokenError,
  tokenValidity,
} from "../../../domain/kubelet/service_account_token.ts";

function segment(value: unknown): string {
  return btoa(typeof value === "string" ? value : JSON.stringify(value))
    .replace(/=+$/, "").replaceAll("+", "-").replaceAll("/", "_");
}

function token(claims: unknown): string {
  return `${segment({ alg: "RS256" })}.${segment(claims)}.c2lnbmF0dXJl`;
}

Deno.test("namespaceFromToken() reads the kubernetes.io claim", () => {
  assertEquals(
    namespaceFromToken(token({
      aud: ["https://kubernetes.default.svc"],
      "kubernetes.io": {
        namespace: "team-a",
        pod: { name: "p" },
        serviceaccount: { name: "default" },
      },
    })),
    "team-a",
  );
});

Deno.test("namespaceFromToken() rejects with upstream's words, never echoing the token", async (t) => {
  const rows: readonly [string, string, string][] = [
    [
      "two segments",
      "abc.def",
      "unable to parse JWT token: token is malformed: token contains an invalid number of segments",
    ],
    [
      "a payload that is not base64url",
      `${segment({})}.***.x`,
      "unable to parse JWT token: token is malformed: could not base64 decode claim",
    ],
    [
      "a payload that is not JSON",
      `${segment({})}.${segment("not json")}.x`,
      "unable to parse JWT token: token is malformed: could not JSON decode claim",
    ],
    [
      "no kubernetes.io claim",
      token({ sub: "x" }),
      "no kubernetes.io claim name in JWT claims found",
    ],
    [
      "a kubernetes.io string",
      token({ "kubernetes.io": "default" }),
      "kubernetes.io claim does not contain a map",
    ],
    [
      "no namespace",
      token({ "kubernetes.io": { pod: {} } }),
      "no namespace found in kubernetes claim",
    ],
    [
      "a numeric namespace",
      token({ "kubernetes.io": { namespace: 7 } }),
      "namespace is not a string object",
    ],
    [
      "a path as namespace",
      token({ "kubernetes.io": { namespace: "../etc" } }),
      'invalid namespace "../etc": must be a DNS-1123 label',
    ],
    [
      "an upper-case namespace",
      token({ "kubernetes.io": { namespace: "Default" } }),
      'invalid namespace "Default"',
    ],
  ];
  for (const [name, value, message] of rows) {
    await t.step(`namespaceFromToken() rejects ${name}`, () => {
      const error = assertThrows(() => namespaceFromToken(value), TokenError, message);
      assertEquals(error.message.includes(value), false);
    });
  }
});

Deno.test("isNamespaceName() accepts DNS-1123 labels only", async (t) => {
  const rows: readonly [string, boolean][] = [
    ["default", true],
    ["kube-system", true],
    ["a", true],
    ["0abc", true],
    ["a".repeat(63), true],
    ["a".repeat(64), false],
    ["", false],
    ["-a", false],
    ["a-", false],
    ["a.b", false],
    ["a_b", false],
    ["A", false],
  ];
  for (const [name, valid] of rows) {
    await t.step(
      `isNamespaceName() ${JSON.stringify(name.slice(0, 20))}`,
      () => assertEquals(isNamespaceName(name), valid),
    );
  }
});

Deno.test("tokenValidity() reads the audience and expiry for a refused token's message", async (t) => {
  const token = (claims: unknown) =>
    `e30.${
      new TextEncoder().encode(JSON.stringify(claims)).toBase64({
        alphabet: "base64url",
        omitPadding: true,
      })
    }.sig`;
  const rows: readonly [string, string, unknown][] = [
    ["a list of audiences", token({ aud: ["https://a", "https://b"], exp: 1700000000 }), {
      audiences: ["https://a", "https://b"],
      expiresAt: 1700000000,
    }],
    ["one audience as a string", token({ aud: "https://kubernetes.default.svc" }), {
      audiences: ["https://kubernetes.default.svc"],
    }],
    ["claims of the wrong types", token({ aud: 5, exp: "soon" }), { audiences: [] }],
    ["a token that is not a JWT", "not-a-token", { audiences: [] }],
    // No Date can show it: a message built from it would throw instead of explaining.
    ["an expiry past what a date can hold", token({ exp: 1e20 }), { audiences: [] }],
    ["an expiry that is no number", token({ exp: null }), { audiences: [] }],
  ];
  for (const [name, value, expected] of rows) {
    await t.step(
      `tokenValidity() with ${name}`,
      () => assertEquals(tokenValidity(value), expected),
    );
  }
});

Deno.test("isBearerToken() accepts RFC 6750 tokens only", async (t) => {
  const rows: readonly [string, string, boolean][] = [
    ["a JWT", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln-_9", true],
    ["padding at the end", "abc.def==", true],
    ["a line break", "abc.def\n", false],
    ["a space", "abc def", false],
    ["a NUL", "abc\u0000", false],
    ["padding inside", "ab=c", false],
    ["nothing", "", false],
  ];
  for (const [name, token, expected] of rows) {
    await t.step(
      `isBearerToken() with ${name}`,
      () => assertEquals(isBearerToken(token), expected),
    );
  }
});
