/**
 * proxyForUrl() decides as client-go decides: golang.org/x/net/http/httpproxy
 * (`FromEnvironment().ProxyFunc()`, what net/http's ProxyFromEnvironment
 * runs) wrapped by k8s.io/apimachinery's `NewProxierWithNoProxyCIDR`. The
 * rows are checked against the real Go code in
 * `tests/proxy_for_url_differential_test.ts`.
 */

import assert from "node:assert/strict";
import { assertThrows } from "../../support/assert.ts";
import { assertEquals } from "../../support/assert.ts";
import { ProxyError, proxyForUrl } from "../../../domain/api_server/proxy_for_url.ts";
import { ROWS } from "../../support/proxy_rows.ts";

Deno.test("proxyForUrl() chooses the proxy as client-go does", async (t) => {
  for (const row of ROWS) {
    await t.step(`proxyForUrl() ${row.name}`, () => {
      if (row.expected === "throws") {
        const error = assertThrows(() => proxyForUrl(row.url, row.env), ProxyError);
        assert.ok(!/secret|p%40ss/.test(error.message), error.message);
        return;
      }
      const choice = proxyForUrl(row.url, row.env);
      assertEquals(
        choice && { proxy: choice.url.href, from: choice.variable },
        row.expected === "direct" ? undefined : row.expected,
      );
    });
  }
});
