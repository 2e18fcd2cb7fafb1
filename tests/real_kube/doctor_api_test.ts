/**
 * `doctor`'s API checks against a real kube-apiserver: `GET /version` over
 * verified TLS, and, with a real bound token, whether the API server
 * accepts it and whether RBAC lets it list secrets (a real
 * SelfSubjectAccessReview). The rest of the node is empty here; only the
 * checks about the API server and the token are read.
 */

import assert from "node:assert/strict";
import { assertEquals } from "../support/assert.ts";
import { nodePathFlags } from "../support/doctor_node.ts";
import type { KubeFixture } from "../support/kube_fixture.ts";
import {
  AUDIENCE,
  listSecretsGrant,
  namespace,
  pod,
  serviceAccount,
} from "../support/kube_objects.ts";
import { testWithRealKube } from "../support/real_kube.ts";
import { runCli } from "../support/run_cli.ts";
import { withTempDir, writeTree } from "../support/temp_tree.ts";

const OTHER_CA = await Deno.readTextFile(new URL("../testdata/tls/ca.pem", import.meta.url));

interface Check {
  readonly name: string;
  readonly status: string;
  readonly evidence: string;
}

/** Runs `doctor --json` with the token on an otherwise empty node; returns its checks. */
async function doctor(kube: KubeFixture, token: string, caPem = kube.caPem): Promise<Check[]> {
  return await withTempDir(async (root) => {
    await writeTree(root, {
      "etc/containers/registries.conf": "",
      "etc/kubernetes/ca.pem": caPem,
      "token": token,
      "proc/1/cmdline": "/sbin/init\0",
    });
    await Deno.chmod(`${root}/token`, 0o600);
    const result = await runCli([
      "doctor",
      "--json",
      ...nodePathFlags(root),
      `--api-server=${kube.server}`,
      `--ca-file=${root}/etc/kubernetes/ca.pem`,
      `--token-file=${root}/token`,
    ], { permissions: ["--allow-all"], env: { HOME: `${root}/home` } });
    return (JSON.parse(result.stdout) as { checks: Check[] }).checks;
  });
}

/** The API server's and the token's checks, by name: `status evidence`. */
function apiChecks(checks: readonly Check[]): Record<string, string> {
  const names = ["API server", "token", "token accepted", "secrets readable"];
  return Object.fromEntries(
    checks.filter((c) => names.includes(c.name)).map((c) => [c.name, `${c.status} ${c.evidence}`]),
  );
}

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

await testWithRealKube("doctor against a real API server", async (t, { kube }) => {
  await kube.apply([
    namespace("team-a"),
    serviceAccount("team-a"),
    ...listSecretsGrant("team-a"),
    pod("team-a", "app"),
    namespace("team-c"),
    serviceAccount("team-c"),
    pod("team-c", "app"),
  ]);
  // A kube-apiserver built with `go build` has no version stamped in (v0.0.0-master).
  const verified = `pass ${kube.server} answers over verified TLS (v0.0.0-master+$Format:%H$)`;

  await t.step("doctor with a token that may list secrets: all pass", async () => {
    const issued = await kube.token({ namespace: "team-a", pod: "app" });
    assertEquals(apiChecks(await doctor(kube, issued.token)), {
      "API server": verified,
      token: `pass namespace team-a, audience ${AUDIENCE}, expires ${iso(issued.expiresAt)}`,
      "secrets readable": "pass the token may list secrets in team-a",
    });
  });

  await t.step("doctor with a token that may not list secrets: a warning", async () => {
    const issued = await kube.token({ namespace: "team-c", pod: "app" });
    const checks = apiChecks(await doctor(kube, issued.token));
    assertEquals(checks["API server"], verified);
    assert.match(checks["secrets readable"]!, /^warn the token may not list secrets in team-c/);
  });

  await t.step("doctor with a token for another audience: not accepted", async () => {
    const issued = await kube.token({
      namespace: "team-a",
      pod: "app",
      audiences: ["https://other.example"],
    });
    const checks = apiChecks(await doctor(kube, issued.token));
    assertEquals(
      checks["token accepted"],
      "fail the API server did not accept the token (HTTP 401)",
    );
    assertEquals(checks["secrets readable"], undefined);
  });

  await t.step("doctor with an expired token: the token check fails", async () => {
    const expiresAt = Math.floor(Date.now() / 1000) - 600;
    const issued = await kube.token({ namespace: "team-a", pod: "app", expiresAt });
    const checks = apiChecks(await doctor(kube, issued.token));
    assertEquals(
      checks.token,
      `fail namespace team-a, audience ${AUDIENCE}, expires ${iso(expiresAt)}: expired`,
    );
    assertEquals(
      checks["token accepted"],
      "fail the API server did not accept the token (HTTP 401)",
    );
  });

  await t.step("doctor with a CA that is not the cluster's: the API server fails", async () => {
    const issued = await kube.token({ namespace: "team-a", pod: "app" });
    const checks = apiChecks(await doctor(kube, issued.token, OTHER_CA));
    assert.match(
      checks["API server"]!,
      /^fail https:\/\/127\.0\.0\.1:\d+: cannot reach it: .*UnknownIssuer/,
    );
  });
});
