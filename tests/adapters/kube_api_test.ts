/**
 * listPullSecrets() against the API stand-in: each pull-secret type listed
 * in one page (a server's pages followed) with the pod's token, refusals, errors that name the target,
 * answers that are no secret list, 429 retried as the server asks, and the
 * run's deadline. Limits are in `kube_api_limits_test.ts`, what it connects
 * to and how in `kube_api_transport_test.ts`, getSecrets() in
 * `kube_api_get_secrets_test.ts`.
 */

import assert from "node:assert/strict";
import { assertEquals } from "../support/assert.ts";
import { MAX_PULL_SECRETS } from "../../adapters/kube_api.ts";
import {
  CA,
  dockerSecret,
  rejectsWith,
  source,
  TOKEN,
  USER_AGENT,
  withStandIn,
} from "../support/kube_api_fixtures.ts";

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
    // A server that pages (here every 2 items) is followed to the end.
    const listing = await source(url, { caPem: CA }, undefined, { pageSize: 2 })
      .listPullSecrets("default", TOKEN);
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
    assertEquals(new Set(requests.map((r) => r.userAgent)), new Set([USER_AGENT]));
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

Deno.test("listPullSecrets() asks for every pull secret of a type in one page", () =>
  withStandIn({
    secrets: Array.from({ length: 1200 }, (_, i) => dockerSecret(`s${i}`)),
  }, async (url, requests) => {
    // One round trip: a first page comes from kube-apiserver's watch cache,
    // a continued one from etcd before 1.34.
    const listing = await source(url).listPullSecrets("default", TOKEN);
    assert.ok(listing.kind === "listed");
    assertEquals(listing.secrets.length, 1200);
    assertEquals(
      requests.map((r) => [r.fieldSelector, r.limit, r.continueToken]).sort(),
      [
        ["type=kubernetes.io/dockercfg", `${MAX_PULL_SECRETS + 1}`, null],
        ["type=kubernetes.io/dockerconfigjson", `${MAX_PULL_SECRETS + 1}`, null],
        ["type=kubernetes.io/podmanconfigjson", `${MAX_PULL_SECRETS + 1}`, null],
      ],
    );
  }));

Deno.test("listPullSecrets() reports a 401 even when the other lists then fail", () =>
  withStandIn({
    // kube-apiserver ends an HTTP/2 connection after a 401; the lists still on
    // it fail as connection errors. Here they fail while their bodies are read.
    override: (request) =>
      new URL(request.url).searchParams.get("fieldSelector") === "type=kubernetes.io/dockercfg"
        ? Response.json({ kind: "Status", message: "Unauthorized" }, { status: 401 })
        : new Response(
          new ReadableStream({
            start(controller) {
              controller.enqueue(new TextEncoder().encode('{"kind":"SecretList","items":['));
              setTimeout(() => controller.error(new Error("connection lost")), 50);
            },
          }),
        ),
  }, async (url) => {
    assertEquals(await source(url).listPullSecrets("default", TOKEN), {
      kind: "refused",
      status: 401,
      message: "Unauthorized",
    });
  }));

Deno.test("listPullSecrets() reports another list's failure beside a 403 or a list that hangs", async (t) => {
  const rows: readonly [string, (type: string | null) => Response | undefined][] = [
    // A 403 can be one type's alone (an authorizer may decide by field selector).
    [
      "a 403 on one type",
      (type) =>
        type === "type=kubernetes.io/dockercfg"
          ? Response.json({ kind: "Status", message: "forbidden" }, { status: 403 })
          : undefined,
    ],
    [
      "a list that never answers",
      (type) =>
        type === "type=kubernetes.io/dockercfg"
          ? new Response(new ReadableStream({ start() {} }))
          : undefined,
    ],
  ];
  for (const [name, first] of rows) {
    await t.step(name, () =>
      withStandIn({
        override: (request) => {
          const type = new URL(request.url).searchParams.get("fieldSelector");
          return first(type) ??
            (type === "type=kubernetes.io/dockerconfigjson"
              ? Response.json({ kind: "Status", message: "etcd timed out" }, { status: 500 })
              : undefined);
        },
      }, async (url) => {
        // Not the deadline's message: the 500 is reported as soon as it comes.
        await rejectsWith(
          source(url, { caPem: CA }, AbortSignal.timeout(3_000)).listPullSecrets("default", TOKEN),
          /: HTTP 500 Internal Server Error: etcd timed out$/,
        );
      }));
  }
});

Deno.test("listPullSecrets() answers 401 and 403 as refusals, with the Status message", async (t) => {
  for (const status of [401, 403] as const) {
    await t.step(
      `listPullSecrets() on ${status}`,
      () =>
        withStandIn({ statuses: [status, status, status] }, async (url) => {
          assertEquals(await source(url).listPullSecrets("default", TOKEN), {
            kind: "refused",
            status,
            message: `forced ${status}`,
          });
        }),
    );
  }
  await t.step(
    "listPullSecrets() with a token the server does not know",
    () =>
      withStandIn({ token: "another" }, async (url) => {
        assertEquals(await source(url).listPullSecrets("default", TOKEN), {
          kind: "refused",
          status: 401,
          message: "Unauthorized",
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
  await t.step("listPullSecrets() on 500 quoting the token: redacted", () =>
    withStandIn({
      override: (request) =>
        Response.json(
          { kind: "Status", message: `bad ${request.headers.get("authorization")}`, code: 500 },
          { status: 500 },
        ),
    }, async (url) => {
      await rejectsWith(
        source(url).listPullSecrets("default", TOKEN),
        /HTTP 500 Internal Server Error: bad Bearer REDACTED$/,
      );
    }));
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

Deno.test("listPullSecrets() sends the three type-filtered lists before any answer", () => {
  // Each answer is held 1 s after its request arrives: lists sent one after another (each
  // waiting for the answer before) would arrive at least that far apart.
  const arrivals: number[] = [];
  return withStandIn({
    delayMs: 1000,
    secrets: [dockerSecret("a")],
    override: () => {
      arrivals.push(performance.now());
      return undefined;
    },
  }, async (url, requests) => {
    const listing = await source(url).listPullSecrets("default", TOKEN);
    assertEquals(listing.kind === "listed" && listing.secrets.map((s) => s.name), ["a"]);
    assertEquals(requests.map((r) => r.fieldSelector).sort(), [
      "type=kubernetes.io/dockercfg",
      "type=kubernetes.io/dockerconfigjson",
      "type=kubernetes.io/podmanconfigjson",
    ]);
    const spread = Math.max(...arrivals) - Math.min(...arrivals);
    assert.ok(spread < 1000, `the lists arrived ${spread.toFixed(0)} ms apart`);
  });
});
