/**
 * What listPullSecrets() connects to, and how: only the configured API server
 * (no redirects), through a proxy in a CONNECT tunnel, with TLS verified
 * against the given CA unless told otherwise, plain HTTP to loopback, IPv6
 * loopback.
 */

import assert from "node:assert/strict";
import { assertEquals } from "../support/assert.ts";
import { startApiStandIn } from "../support/api_stand_in.ts";
import { startConnectProxy } from "../support/connect_proxy.ts";
import {
  CA,
  dockerSecret,
  OTHER_CA,
  rejectsWith,
  source,
  TOKEN,
  withStandIn,
} from "../support/kube_api_fixtures.ts";

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
