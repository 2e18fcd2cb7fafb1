import assert from "node:assert/strict";
import { assertEquals } from "../support/assert.ts";
import {
  type ApiConnection,
  createSecretSource,
  MAX_LIST_BYTES,
  MAX_PULL_SECRETS,
  retryDelaySeconds,
} from "../../adapters/kube_api.ts";
import {
  serviceAccountToken,
  type StandInOptions,
  startApiStandIn,
} from "../support/api_stand_in.ts";
import { startConnectProxy } from "../support/connect_proxy.ts";

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

const USER_AGENT = "crio-credential-provider/0.0.0-test (linux/amd64)";

function source(
  server: string,
  trust: ApiConnection["trust"] = { caPem: CA },
  signal = AbortSignal.timeout(10_000),
  options: { pageSize?: number; maxAnswerBytes?: number; proxy?: string } = {},
) {
  return createSecretSource({
    connect: () =>
      Promise.resolve({
        server,
        trust,
        ...(options.proxy ? { proxy: { url: options.proxy } } : {}),
      }),
    signal,
    userAgent: USER_AGENT,
    ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
    ...(options.maxAnswerBytes === undefined ? {} : { maxAnswerBytes: options.maxAnswerBytes }),
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
    const listing = await source(url, { caPem: CA }, undefined, { pageSize: 2 }).listPullSecrets(
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

Deno.test("listPullSecrets() trusts only the configured API server", async (t) => {
  // Another origin that would hand out credentials to anyone who asks.
  const elsewhere = startApiStandIn({
    token: TOKEN,
    plainHttp: true,
    secrets: [dockerSecret("evil")],
  });
  try {
    for (const status of [301, 302, 303, 307, 308]) {
      await t.step(`listPullSecrets() refuses a ${status} redirect`, () =>
        withStandIn({
          override: (request) =>
            new Response(null, {
              status,
              headers: { location: `${elsewhere.url}${new URL(request.url).pathname}` },
            }),
        }, async (url) => {
          await rejectsWith(
            source(url).listPullSecrets("default", TOKEN),
            new RegExp(`: the API server answered HTTP ${status} .*redirects are not followed`),
          );
        }));
    }
    await t.step("listPullSecrets() sent nothing to the other origin", () => {
      assertEquals(elsewhere.requests, []);
    });
  } finally {
    await elsewhere.close();
  }
});

Deno.test("listPullSecrets() bounds what it reads", async (t) => {
  const endless = () =>
    new Response(
      new ReadableStream({
        pull(controller) {
          controller.enqueue(new Uint8Array(64 * 1024).fill(32));
        },
      }),
      { headers: { "content-type": "application/json" } },
    );
  await t.step(
    "listPullSecrets() stops an endless answer at the limit",
    () =>
      withStandIn({ override: endless }, async (url) => {
        await rejectsWith(
          source(url, { caPem: CA }, undefined, { maxAnswerBytes: 1 << 20 }).listPullSecrets(
            "default",
            TOKEN,
          ),
          /: the answer is larger than 1048576 bytes$/,
        );
      }),
  );
  await t.step(
    "listPullSecrets() counts a compressed answer after decompression",
    () =>
      withStandIn({
        override: () => {
          const zeros = new Blob([new Uint8Array(8 << 20)]).stream();
          return new Response(zeros.pipeThrough(new CompressionStream("gzip")), {
            headers: { "content-type": "application/json", "content-encoding": "gzip" },
          });
        },
      }, async (url) => {
        await rejectsWith(
          source(url, { caPem: CA }, undefined, { maxAnswerBytes: 1 << 20 }).listPullSecrets(
            "default",
            TOKEN,
          ),
          /: the answer is larger than 1048576 bytes$/,
        );
      }),
  );
  await t.step(
    "listPullSecrets() stops an endless answer without verification too",
    () =>
      withStandIn({ override: endless }, async (url) => {
        await rejectsWith(
          source(url, "insecure", undefined, { maxAnswerBytes: 1 << 20 }).listPullSecrets(
            "default",
            TOKEN,
          ),
          /: the answer is larger than 1048576 bytes$/,
        );
      }),
  );
});

Deno.test("listPullSecrets() bounds the whole run, not only each answer", async (t) => {
  await t.step("listPullSecrets() stops when the answers together pass the run's budget", () =>
    // Each answer is under the answer limit; the three lists together are not.
    withStandIn({
      override: () =>
        new Response(new Blob([new Uint8Array(MAX_LIST_BYTES / 2.5).fill(32)]).stream(), {
          headers: { "content-type": "application/json" },
        }),
    }, async (url) => {
      await rejectsWith(
        source(url).listPullSecrets("default", TOKEN),
        new RegExp(`: the answers are larger than ${MAX_LIST_BYTES} bytes together$`),
      );
    }));
  await t.step("listPullSecrets() stops past the most pull secrets one run reads", () => {
    const items = Array.from(
      { length: Math.ceil(MAX_PULL_SECRETS / 2) },
      (_, i) => ({ metadata: { name: `s${i}` } }),
    );
    return withStandIn(
      { override: () => Response.json({ kind: "SecretList", items }) },
      (url) =>
        rejectsWith(
          source(url).listPullSecrets("default", TOKEN),
          new RegExp(`: more than ${MAX_PULL_SECRETS} pull secrets; name the ones to use`),
        ),
    );
  });
  await t.step(
    "listPullSecrets() stops when the server repeats a continue token",
    () =>
      withStandIn({
        override: () =>
          Response.json({
            kind: "SecretList",
            metadata: { continue: "again" },
            items: [{ metadata: { name: "a" } }],
          }),
      }, async (url, requests) => {
        await rejectsWith(
          source(url).listPullSecrets("default", TOKEN),
          /: the API server sent the same continue token twice$/,
        );
        assert.ok(requests.length <= 6, `${requests.length} requests`);
      }),
  );
});

Deno.test("retryDelaySeconds() waits what Retry-After asks, within [0, 5] s", async (t) => {
  const rows: readonly [string | null, number][] = [
    [null, 1],
    ["", 1],
    ["0", 0],
    ["2", 2],
    ["2.5", 2.5],
    ["3600", 5],
    ["-3", 1],
    ["NaN", 1],
    ["Infinity", 1],
    ["Wed, 21 Oct 2015 07:28:00 GMT", 1],
  ];
  for (const [header, seconds] of rows) {
    await t.step(
      `retryDelaySeconds(${JSON.stringify(header)})`,
      () => assertEquals(retryDelaySeconds(header), seconds),
    );
  }
});

Deno.test("listPullSecrets() goes through a proxy in a tunnel the proxy cannot read", () =>
  withStandIn({ secrets: [dockerSecret("a")] }, async (url) => {
    const proxy = startConnectProxy();
    try {
      const listing = await source(url, { caPem: CA }, undefined, { proxy: proxy.url })
        .listPullSecrets("default", TOKEN);
      assertEquals(listing.kind === "listed" && listing.secrets.map((s) => s.name), ["a"]);
      const host = new URL(url).host;
      assert.ok(proxy.heads.length > 0);
      for (const head of proxy.heads) {
        assert.ok(head.startsWith(`CONNECT ${host} HTTP/1.1\r\n`), head);
        assert.ok(!head.includes(TOKEN), "the proxy saw the token");
      }
    } finally {
      proxy.close();
    }
  }));

Deno.test("listPullSecrets() does not skip TLS verification through a proxy", () =>
  withStandIn({ secrets: [dockerSecret("a")] }, async (url, requests) => {
    await rejectsWith(
      source(url, "insecure", undefined, { proxy: "http://127.0.0.3:9" }).listPullSecrets(
        "default",
        TOKEN,
      ),
      /^Cannot skip TLS verification through a proxy/,
    );
    assertEquals(requests, []);
  }));

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

Deno.test("getSecrets() fetches each named secret with get, never a list", () =>
  withStandIn({
    secrets: [dockerSecret("a"), dockerSecret("b"), dockerSecret("c")],
    getOnly: ["a", "b", "gone"],
  }, async (url, requests) => {
    const lookup = await source(url).getSecrets("default", {
      token: TOKEN,
      names: ["b", "a", "c", "gone"],
    });
    assert.ok(lookup.kind === "found", JSON.stringify(lookup));
    assertEquals(lookup.secrets.map((s) => [s.name, s.type]), [
      ["b", "kubernetes.io/dockerconfigjson"],
      ["a", "kubernetes.io/dockerconfigjson"],
    ]);
    assertEquals(lookup.unavailable, [{ name: "c", status: 403 }, { name: "gone", status: 404 }]);
    assertEquals(
      requests.map((r) => r.path).sort(),
      ["a", "b", "c", "gone"].map((n) => `/api/v1/namespaces/default/secrets/${n}`),
    );
    assertEquals(new Set(requests.map((r) => r.userAgent)), new Set([USER_AGENT]));
  }));

Deno.test("getSecrets() reports a token the server does not accept", () =>
  withStandIn({ token: "another", secrets: [dockerSecret("a")] }, async (url) => {
    assertEquals(await source(url).getSecrets("default", { token: TOKEN, names: ["a"] }), {
      kind: "refused",
      status: 401,
      message: "Unauthorized",
    });
  }));

Deno.test("getSecrets() refuses redirects and fails on other errors", async (t) => {
  await t.step("getSecrets() on a redirect", () =>
    withStandIn({
      override: () => new Response(null, { status: 302, headers: { location: "http://x/" } }),
    }, async (url) => {
      await rejectsWith(
        source(url).getSecrets("default", { token: TOKEN, names: ["a"] }),
        /^Cannot get secret from "https:\/\/127\.0\.0\.1:\d+\/api\/v1\/namespaces\/default\/secrets\/a": the API server answered HTTP 302 /,
      );
    }));
  await t.step("getSecrets() on a 500", () =>
    withStandIn({ statuses: [500] }, async (url) => {
      await rejectsWith(
        source(url).getSecrets("default", { token: TOKEN, names: ["a"] }),
        /HTTP 500 Internal Server Error: forced 500$/,
      );
    }));
});
