import assert from "node:assert/strict";
import { assertEquals } from "../support/assert.ts";
import { type ApiConnection, createSecretSource } from "../../adapters/kube_api.ts";
import {
  serviceAccountToken,
  type StandInOptions,
  startApiStandIn,
} from "../support/api_stand_in.ts";

const TOKEN = serviceAccountToken("default");
const CA = await Deno.readTextFile(new URL("../testdata/tls/ca.pem", import.meta.url));
const OTHER_CA = await Deno.readTextFile(new URL("../testdata/tls/other-ca.pem", import.meta.url));

function dockerSecret(name: string, namespace = "default") {
  return {
    name,
    namespace,
    type: "kubernetes.io/dockerconfigjson",
    data: { ".dockerconfigjson": `{"auths":{"${name}.example":{"auth":"dTpw"}}}` },
  };
}

async function withStandIn<T>(
  options: Omit<StandInOptions, "token"> & { token?: string },
  fn: (url: string, requests: ReturnType<typeof startApiStandIn>["requests"]) => Promise<T>,
): Promise<T> {
  const standIn = startApiStandIn({ token: TOKEN, ...options });
  try {
    return await fn(standIn.url, standIn.requests);
  } finally {
    await standIn.close();
  }
}

async function rejectsWith(promise: Promise<unknown>, message: RegExp): Promise<void> {
  await assert.rejects(promise, (error: Error) => {
    assert.match(error.message, message);
    return true;
  });
}

function source(
  server: string,
  trust: ApiConnection["trust"] = { caPem: CA },
  signal = AbortSignal.timeout(10_000),
  pageSize?: number,
) {
  return createSecretSource({
    connect: () => Promise.resolve({ server, trust }),
    signal,
    ...(pageSize === undefined ? {} : { pageSize }),
  });
}

Deno.test("listPullSecrets() lists each pull-secret type with the pod's token, page by page", () =>
  withStandIn({
    secrets: [
      ...["a", "b", "c", "d", "e"].map((n) => dockerSecret(n)),
      { name: "legacy", type: "kubernetes.io/dockercfg", data: { ".dockercfg": "{}" } },
      { name: "podman", type: "kubernetes.io/podmanconfigjson", data: { "auth.json": "{}" } },
      { name: "tls", type: "kubernetes.io/tls", data: { "tls.key": "private" } },
      dockerSecret("elsewhere", "other"),
    ],
  }, async (url, requests) => {
    const listing = await source(url, { caPem: CA }, undefined, 2).listPullSecrets(
      "default",
      TOKEN,
    );
    assert.ok(listing.kind === "listed");
    assertEquals(listing.secrets.map((s) => s.name).sort(), [
      "a",
      "b",
      "c",
      "d",
      "e",
      "legacy",
      "podman",
    ]);
    assertEquals(listing.secrets.find((s) => s.name === "a")?.data, {
      ".dockerconfigjson": '{"auths":{"a.example":{"auth":"dTpw"}}}',
    });
    assertEquals(new Set(requests.map((r) => r.authorization)), new Set([`Bearer ${TOKEN}`]));
    assertEquals(
      new Set(requests.map((r) => r.path)),
      new Set(["/api/v1/namespaces/default/secrets"]),
    );
    assertEquals(
      requests.filter((r) => r.fieldSelector === "type=kubernetes.io/dockerconfigjson")
        .map((r) => [r.limit, r.continueToken]),
      [["2", null], ["2", "2"], ["2", "4"]],
    );
    assertEquals(
      new Set(requests.map((r) => r.fieldSelector)),
      new Set([
        "type=kubernetes.io/dockerconfigjson",
        "type=kubernetes.io/dockercfg",
        "type=kubernetes.io/podmanconfigjson",
      ]),
    );
  }));

Deno.test("listPullSecrets() answers 401 and 403 as forbidden", async (t) => {
  for (const status of [401, 403] as const) {
    await t.step(
      `listPullSecrets() on ${status}`,
      () =>
        withStandIn({ statuses: [status, status, status] }, async (url) => {
          assertEquals(await source(url).listPullSecrets("default", TOKEN), {
            kind: "forbidden",
            status,
          });
        }),
    );
  }
  await t.step(
    "listPullSecrets() with a token the server does not know",
    () =>
      withStandIn({ token: "another" }, async (url) => {
        assertEquals(await source(url).listPullSecrets("default", TOKEN), {
          kind: "forbidden",
          status: 401,
        });
      }),
  );
});

Deno.test("listPullSecrets() fails on other errors, naming the target and status", async (t) => {
  const rows: readonly [string, number[], RegExp][] = [
    [
      "404",
      [404, 404, 404],
      /^Cannot list secrets from "https:\/\/127\.0\.0\.1:\d+\/api\/v1\/namespaces\/default\/secrets": HTTP 404 Not Found: forced 404$/,
    ],
    ["500", [500, 500, 500], /HTTP 500 Internal Server Error: forced 500$/],
    [
      "429 three times",
      [429, 429, 429, 429, 429, 429, 429, 429, 429],
      /HTTP 429 Too Many Requests: forced 429$/,
    ],
  ];
  for (const [name, statuses, message] of rows) {
    await t.step(`listPullSecrets() on ${name}`, () =>
      withStandIn({ statuses }, async (url) => {
        await rejectsWith(source(url).listPullSecrets("default", TOKEN), message);
      }));
  }
});

Deno.test("listPullSecrets() fails on an answer that is not a secret list", async (t) => {
  const unexpected =
    /^Cannot list secrets from "https:\/\/127\.0\.0\.1:\d+\/api\/v1\/namespaces\/default\/secrets": unexpected answer$/;
  const rows: readonly [string, string][] = [
    ["a body that is not JSON", "<html>proxy error</html>"],
    ["a list without item names", '{"kind":"SecretList","items":[{"metadata":{}}]}'],
    [
      "secret data that is not base64",
      '{"kind":"SecretList","items":[{"metadata":{"name":"a"},"data":{".dockerconfigjson":"{}"}}]}',
    ],
  ];
  for (const [name, body] of rows) {
    await t.step(`listPullSecrets() on ${name}`, () =>
      withStandIn({ body }, async (url) => {
        await rejectsWith(source(url).listPullSecrets("default", TOKEN), unexpected);
      }));
  }
});

Deno.test("listPullSecrets() retries 429 as the server asks", () =>
  withStandIn({ statuses: [429], secrets: [dockerSecret("a")] }, async (url, requests) => {
    const listing = await source(url).listPullSecrets("default", TOKEN);
    assertEquals(listing.kind === "listed" && listing.secrets.map((s) => s.name), ["a"]);
    assertEquals(requests.length, 4);
  }));

Deno.test("listPullSecrets() gives up when the deadline passes", () =>
  withStandIn({ delayMs: 1500 }, async (url) => {
    await rejectsWith(
      source(url, { caPem: CA }, AbortSignal.timeout(200)).listPullSecrets("default", TOKEN),
      /^Cannot reach the API server "https:\/\/127\.0\.0\.1:\d+": the run's deadline passed$/,
    );
  }));

Deno.test("listPullSecrets() verifies the server certificate", () =>
  withStandIn({}, async (url, requests) => {
    await rejectsWith(
      source(url, { caPem: OTHER_CA }).listPullSecrets("default", TOKEN),
      /^Cannot reach the API server "https:\/\/127\.0\.0\.1:\d+": .*invalid peer certificate: UnknownIssuer/,
    );
    // The token never reached a server that could not prove its identity.
    assertEquals(requests, []);
  }));

Deno.test("listPullSecrets() skips verification only when told to", () =>
  withStandIn({ secrets: [dockerSecret("a")] }, async (url) => {
    const listing = await source(url, "insecure").listPullSecrets("default", TOKEN);
    assertEquals(listing.kind === "listed" && listing.secrets.map((s) => s.name), ["a"]);
  }));

Deno.test("listPullSecrets() talks plain HTTP to a loopback server", () =>
  withStandIn({ plainHttp: true, secrets: [dockerSecret("a")] }, async (url) => {
    const listing = await source(url, "plain-http").listPullSecrets("default", TOKEN);
    assertEquals(listing.kind === "listed" && listing.secrets.map((s) => s.name), ["a"]);
  }));

Deno.test("listPullSecrets() reaches an IPv6 loopback server", () =>
  withStandIn({ hostname: "::1", secrets: [dockerSecret("a")] }, async (url) => {
    assert.ok(url.startsWith("https://[::1]:"));
    const listing = await source(url).listPullSecrets("default", TOKEN);
    assertEquals(listing.kind === "listed" && listing.secrets.map((s) => s.name), ["a"]);
  }));
