/**
 * getSecrets(): the pull secrets a service account names, each fetched with
 * `get`, never listed.
 */

import assert from "node:assert/strict";
import { assertEquals } from "../support/assert.ts";
import {
  dockerSecret,
  rejectsWith,
  source,
  TOKEN,
  USER_AGENT,
  withStandIn,
} from "../support/kube_api_fixtures.ts";

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
