/**
 * The provider against a real kube-apiserver (v1.34.4, etcd, RBAC), with
 * real bound service-account tokens: what it writes for an allowed service
 * account, runs that need no API call and make none, namespace isolation,
 * what a 403 and each kind of 401 make it do, 602 secrets in one page (and
 * the server's own continue token when it pages), the three pull-secret types and the
 * server's name order, and the least-privilege annotation mode with the
 * RBAC `generate rbac` prints. Every row also reads the API server's audit
 * log: which requests the provider made, and what the server answered.
 */

import assert from "node:assert/strict";
import { createSecretSource } from "../../adapters/kube_api.ts";
import { assertEquals } from "../support/assert.ts";
import {
  pod,
  PULL_SECRETS_ANNOTATION,
  requestsBy,
  serviceAccountUser,
} from "../support/kube_objects.ts";
import { firstPages, MIRROR, setUpProviderCluster } from "../support/provider_api_cluster.ts";
import { RESPONSE_WITHOUT_TOKEN, responseFor } from "../support/provider_fixtures.ts";
import { testWithRealKube } from "../support/real_kube.ts";
import {
  authFile,
  authOf,
  IMAGE,
  type RealRunOptions,
  runAgainst,
} from "../support/real_kube_run.ts";

const RESPONSE = responseFor(IMAGE);

/** The provider's one line for a token the API server refused. */
function refusedLine(audience: string, expiry: string): string {
  return "Failed to run credential provider: unable to get secrets: the API server did not " +
    "accept the service account token (HTTP 401: Unauthorized); the token has audience " +
    `"${audience}", ${expiry}: check that tokenAttributes.serviceAccountTokenAudience in ` +
    "kubelet's credential provider config is an audience the API server accepts (its " +
    "--api-audiences), and that the token is still valid\n";
}

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

await testWithRealKube("provider against a real API server", async (t, { kube }) => {
  await setUpProviderCluster(kube);
  const tokenOf = async (ns: string) => (await kube.token({ namespace: ns, pod: "app" })).token;

  await t.step(
    "an allowed service account: the file holds its namespace's credentials",
    async () => {
      const run = await runAgainst(kube, { namespace: "team-a", token: await tokenOf("team-a") });
      assertEquals([run.code, run.stdout, run.stderr], [0, RESPONSE, ""]);
      assertEquals(run.written, authFile({ [MIRROR]: authOf("team-a") }));
      assertEquals(run.leftovers, []);
      // One list per type, one page each, all as the pod's service account.
      assertEquals(
        requestsBy(run.requests, serviceAccountUser("team-a")),
        firstPages("team-a", 200),
      );
      for (const request of run.requests) {
        assert.match(request.userAgent, /^crio-credential-provider\/\d+\.\d+\.\d+ \(linux\/\w+\)$/);
      }
    },
  );

  const idle: readonly [string, Partial<RealRunOptions>, string][] = [
    ["no mirror for the image", {
      files: { "etc/containers/registries.conf": '[[registry]]\nlocation = "docker.io"\n' },
    }, RESPONSE],
    ["no token (requireServiceAccount: false)", { token: undefined }, RESPONSE_WITHOUT_TOKEN],
    ["an image without a registries table", { image: "quay.io/a/b" }, responseFor("quay.io/a/b")],
    ["--require-secret-annotation and no annotation", {
      args: ["--require-secret-annotation"],
    }, RESPONSE],
  ];
  for (const [name, options, response] of idle) {
    await t.step(`${name}: an answer, no file, no request to the API server`, async () => {
      const run = await runAgainst(kube, {
        namespace: "team-a",
        token: await tokenOf("team-a"),
        ...options,
      });
      assertEquals([run.code, run.stdout, run.written, run.requests], [0, response, undefined, []]);
    });
  }

  await t.step("a token of namespace B never sees namespace A's secrets", async () => {
    const run = await runAgainst(kube, { namespace: "team-b", token: await tokenOf("team-b") });
    assertEquals([run.code, run.stderr], [0, ""]);
    assertEquals(run.written, authFile({ [MIRROR]: authOf("team-b") }));
    assertEquals(requestsBy(run.requests, serviceAccountUser("team-b")), firstPages("team-b", 200));
    assertEquals(run.requests.length, 3);
  });

  await t.step("no RoleBinding: 403, one warning, no file, the stale one removed", async () => {
    const run = await runAgainst(kube, {
      namespace: "team-c",
      token: await tokenOf("team-c"),
      stale: true,
    });
    assertEquals([run.code, run.stdout, run.written, run.leftovers], [0, RESPONSE, undefined, []]);
    assertEquals(
      run.stderr,
      'Not allowed to list secrets in namespace "team-c" (HTTP 403: secrets is forbidden: User ' +
        '"system:serviceaccount:team-c:default" cannot list resource "secrets" in API group "" ' +
        'in the namespace "team-c"): grant the pod\'s service account "get" and "list" on ' +
        "secrets, or name its pull secrets in the annotation " +
        "crio-credential-provider.cri-o.io/pull-secrets; will not write any auth file\n",
    );
    assertEquals(requestsBy(run.requests, serviceAccountUser("team-c")), firstPages("team-c", 403));
  });

  // The expired token below is a real one signed again by the cluster's key; this
  // shows that only its expiry can make the difference.
  await t.step("(control) a token signed again with a future expiry is accepted", async () => {
    const expiresAt = Math.floor(Date.now() / 1000) + 1200;
    const { token } = await kube.token({ namespace: "team-a", pod: "app", expiresAt });
    const run = await runAgainst(kube, { namespace: "team-a", token });
    assertEquals([run.code, run.stderr], [0, ""]);
    assertEquals(run.written, authFile({ [MIRROR]: authOf("team-a") }));
  });

  const other = "https://other.example";
  const refusals: readonly [string, () => Promise<{ token: string; expiry: string }>, string][] = [
    ["a token for another audience", async () => {
      const issued = await kube.token({ namespace: "team-a", pod: "app", audiences: [other] });
      return { token: issued.token, expiry: `expires at ${iso(issued.expiresAt)}` };
    }, other],
    ["an expired token", async () => {
      const expiresAt = Math.floor(Date.now() / 1000) - 600;
      const issued = await kube.token({ namespace: "team-a", pod: "app", expiresAt });
      return { token: issued.token, expiry: `expired at ${iso(expiresAt)}` };
    }, "https://kubernetes.default.svc"],
    ["the token of a deleted pod", async () => {
      await kube.apply([pod("team-a", "doomed")]);
      const issued = await kube.token({ namespace: "team-a", pod: "doomed" });
      await kube.delete("Pod", "team-a", "doomed");
      await kube.tokenRejected(issued.token);
      return { token: issued.token, expiry: `expires at ${iso(issued.expiresAt)}` };
    }, "https://kubernetes.default.svc"],
  ];
  for (const [name, issue, audience] of refusals) {
    await t.step(
      `${name}: 401, exit 1 naming audience and expiry, the stale file removed`,
      async () => {
        const { token, expiry } = await issue();
        const run = await runAgainst(kube, { namespace: "team-a", token, stale: true });
        assertEquals([run.code, run.stdout, run.written, run.leftovers], [1, "", undefined, []]);
        assertEquals(run.stderr, refusedLine(audience, expiry));
        // Refused before any user is known: the audit log names none. After
        // its first 401 kube-apiserver ends the HTTP/2 connection, so lists it
        // had not read yet never reach it: one to three of the three lists.
        const reached = requestsBy(run.requests, "");
        const sent = firstPages("team-a", 401);
        assertEquals(reached.filter((request) => !sent.includes(request)), []);
        assertEquals([new Set(reached).size === reached.length, reached.length > 0], [true, true]);
      },
    );
  }

  await t.step("602 pull secrets: one page per type, read to the last", async () => {
    const run = await runAgainst(kube, { namespace: "team-p", token: await tokenOf("team-p") });
    assertEquals([run.code, run.stderr], [0, ""]);
    // The mirror's two secrets sort after the 600 fillers: the whole list was read.
    assertEquals(run.written, authFile({ [MIRROR]: authOf("team-p") }));
    // One round trip: kube-apiserver answers a first page from its watch
    // cache and sends no continue token when nothing is left.
    assertEquals(
      requestsBy(run.requests, "system:serviceaccount:team-p:default"),
      firstPages("team-p", 200),
    );
  });

  await t.step("a server that pages: its own continue token is followed", async () => {
    // The provider asks for one page; kube-apiserver pages when asked for fewer.
    const offset = await kube.auditOffset();
    const listing = await createSecretSource({
      connect: () => Promise.resolve({ server: kube.server, trust: { caPem: kube.caPem } }),
      signal: AbortSignal.timeout(30_000),
      userAgent: "crio-credential-provider/0.0.0-test (linux/amd64)",
      pageSize: 250,
    }).listPullSecrets("team-p", await tokenOf("team-p"));
    assert.ok(listing.kind === "listed");
    const listed = listing.secrets.filter((secret) =>
      secret.type === "kubernetes.io/dockerconfigjson"
    );
    assertEquals(listed.length, 602);
    assertEquals(listed.at(-1)?.name, "zz-mirror");
    const json = encodeURIComponent("type=kubernetes.io/dockerconfigjson");
    const pages = (await kube.audit(offset)).filter((r) => r.uri.includes(json))
      .map((r) => new URL(r.uri, "x:/"));
    assertEquals(pages.map((page) => page.searchParams.get("limit")), ["250", "250", "250"]);
    assertEquals(pages[0]!.searchParams.get("continue"), null);
    // The API server's opaque token (base64 JSON naming where the next page
    // starts), not an offset the provider made up.
    const token = pages[1]!.searchParams.get("continue") ?? "";
    const decoded = JSON.parse(
      new TextDecoder().decode(Uint8Array.fromBase64(token, { alphabet: "base64url" })),
    );
    assertEquals([decoded.v, typeof decoded.rv], ["meta.k8s.io/v1", "number"]);
    assert.match(decoded.start, /^filler-0249/);
  });

  await t.step("the three pull-secret types; the first secret by name wins", async () => {
    const mirrors = [5000, 5001, 5002].map((port) =>
      `[[registry.mirror]]\nlocation = "localhost:${port}"\ninsecure = true\n`
    ).join("");
    const run = await runAgainst(kube, {
      namespace: "team-t",
      token: await tokenOf("team-t"),
      files: {
        "etc/containers/registries.conf": `[[registry]]\nlocation = "docker.io"\n${mirrors}`,
      },
    });
    assertEquals([run.code, run.stderr], [0, ""]);
    assertEquals(
      run.written,
      authFile({
        [MIRROR]: authOf("a-first"),
        "localhost:5001": authOf("cfg-user"),
        "localhost:5002": authOf("podman-user"),
      }),
    );
  });

  // The service account names "missing" and "mirror-credentials" (generate rbac's
  // annotation and Role); the request also names "unrelated", which the Role does not grant.
  await t.step(
    "named pull secrets (the annotation), with the Role generate rbac prints",
    async () => {
      const run = await runAgainst(kube, {
        namespace: "team-n",
        token: await tokenOf("team-n"),
        annotations: { [PULL_SECRETS_ANNOTATION]: "missing, unrelated, mirror-credentials" },
      });
      assertEquals([run.code, run.stdout], [0, RESPONSE]);
      assertEquals(run.written, authFile({ [MIRROR]: authOf("team-n") }));
      assertEquals(
        run.stderr,
        'Secret "missing" named by the service account in namespace "team-n" does not exist\n' +
          'Secret "unrelated" named by the service account in namespace "team-n" may not be read ' +
          '(HTTP 403): grant the pod\'s service account "get" on it\n',
      );
      // Each named secret with get, nothing listed.
      assertEquals(requestsBy(run.requests, serviceAccountUser("team-n")), [
        "200 get /api/v1/namespaces/team-n/secrets/mirror-credentials",
        "403 get /api/v1/namespaces/team-n/secrets/unrelated",
        "404 get /api/v1/namespaces/team-n/secrets/missing",
      ]);
    },
  );
});
