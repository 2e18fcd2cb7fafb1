/**
 * listPullSecrets() bounds what it reads: each answer (also compressed, also
 * without TLS verification), all answers of a run together, the number of
 * pull secrets, and a continue token repeated.
 */

import assert from "node:assert/strict";
import { MAX_LIST_BYTES, MAX_PAGES, MAX_PULL_SECRETS } from "../../adapters/kube_api.ts";
import { assertEquals } from "../support/assert.ts";
import { CA, rejectsWith, source, TOKEN, withStandIn } from "../support/kube_api_fixtures.ts";

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
  await t.step("listPullSecrets() reads one answer as large as most of the run's budget", () =>
    // One type's pull secrets come in one page: past the old 32 MiB per answer.
    withStandIn({
      override: (request) =>
        new URL(request.url).searchParams.get("fieldSelector") ===
            "type=kubernetes.io/dockerconfigjson"
          ? new Response(
            new Blob([
              '{"kind":"SecretList","items":[',
              new Uint8Array(MAX_LIST_BYTES * 0.75).fill(32),
              '{"metadata":{"name":"big"}}]}',
            ]).stream(),
          )
          : Response.json({ kind: "SecretList", items: [] }),
    }, async (url) => {
      const listing = await source(url).listPullSecrets("default", TOKEN);
      assert.ok(listing.kind === "listed");
      assertEquals(listing.secrets.map((secret) => secret.name), ["big"]);
    }));
  await t.step("listPullSecrets() knows a type past the cap from its first answer", () => {
    const items = Array.from(
      { length: MAX_PULL_SECRETS + 1 },
      (_, i) => ({ metadata: { name: `s${i}` } }),
    );
    return withStandIn({
      override: (request) => {
        const url = new URL(request.url);
        return Response.json({
          kind: "SecretList",
          items: url.searchParams.get("fieldSelector") === "type=kubernetes.io/dockerconfigjson"
            ? items.slice(0, Number(url.searchParams.get("limit")))
            : [],
          // A real server would say more are left; the answer alone must decide.
          metadata: { continue: "more" },
        });
      },
    }, async (url, requests) => {
      await rejectsWith(
        source(url).listPullSecrets("default", TOKEN),
        new RegExp(`: more than ${MAX_PULL_SECRETS} pull secrets; name the ones to use`),
      );
      assertEquals(
        requests.filter((r) => r.fieldSelector === "type=kubernetes.io/dockerconfigjson").length,
        1,
      );
    });
  });
  await t.step("listPullSecrets() stops after the most pages one list may take", () => {
    let page = 0;
    return withStandIn({
      // Empty pages, each with a new token: only a page cap ends this before the deadline.
      override: () =>
        Response.json({ kind: "SecretList", items: [], metadata: { continue: `t${page++}` } }),
    }, async (url, requests) => {
      await rejectsWith(
        source(url).listPullSecrets("default", TOKEN),
        new RegExp(`: the API server sent more than ${MAX_PAGES} pages of kubernetes\\.io/`),
      );
      assert.ok(requests.length <= 3 * MAX_PAGES, `${requests.length} requests`);
    });
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
