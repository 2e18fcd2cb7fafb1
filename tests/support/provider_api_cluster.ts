/**
 * The cluster of `tests/real_kube/provider_api_test.ts`: namespaces whose
 * `default` service account may list its secrets (team-a, team-b, team-p
 * with 602 pull secrets, team-t with all three types), one that may not
 * (team-c), and team-n set up for the annotation mode with what
 * `generate rbac` prints. Each namespace has a pod `app` to bind tokens to.
 *
 * @module
 */

import { MAX_PULL_SECRETS } from "../../adapters/kube_api.ts";
import { assertEquals } from "./assert.ts";
import type { KubeFixture } from "./kube_fixture.ts";
import {
  dockerConfigSecret,
  listSecretsGrant,
  namespace,
  pod,
  secret,
  serviceAccount,
} from "./kube_objects.ts";
import { authOf } from "./real_kube_run.ts";
import { runCli } from "./run_cli.ts";

export const MIRROR = "localhost:5000";
const LIST_TYPES = [
  "kubernetes.io/dockercfg",
  "kubernetes.io/dockerconfigjson",
  "kubernetes.io/podmanconfigjson",
];

/** The three type-filtered lists (one page each) a list-mode run asks for. */
export function firstPages(ns: string, code: number): string[] {
  return LIST_TYPES.map((type) =>
    `${code} list /api/v1/namespaces/${ns}/secrets?fieldSelector=${
      encodeURIComponent(`type=${type}`)
    }&limit=${MAX_PULL_SECRETS + 1}`
  ).sort();
}

/** A namespace whose `default` service account may list its secrets, with a pod and a secret. */
function team(ns: string, grant = true): unknown[] {
  return [
    namespace(ns),
    serviceAccount(ns),
    ...(grant ? listSecretsGrant(ns) : []),
    dockerConfigSecret(ns, "mirror", MIRROR, ns),
    pod(ns, "app"),
  ];
}

/** What `generate rbac` prints for a namespace, as the README tells admins to apply it. */
async function generatedRbac(args: readonly string[]): Promise<unknown[]> {
  const result = await runCli(["generate", "rbac", ...args, "-o", "json"], {
    permissions: ["--allow-read", "--allow-env"],
  });
  assertEquals([result.code, result.stderr], [0, ""]);
  return (JSON.parse(result.stdout) as { items: unknown[] }).items;
}

/** Creates the objects. */
export async function setUpProviderCluster(kube: KubeFixture): Promise<void> {
  await kube.apply([
    ...team("team-a"),
    ...team("team-b"),
    ...team("team-c", false),
    ...team("team-p"),
    namespace("team-t"),
    serviceAccount("team-t"),
    ...listSecretsGrant("team-t"),
    pod("team-t", "app"),
    dockerConfigSecret("team-t", "json", MIRROR, "json-user"),
    // Sorts before "json": the API server lists by name, and the first secret wins.
    dockerConfigSecret("team-t", "a-first", MIRROR, "a-first"),
    secret("team-t", "legacy", "kubernetes.io/dockercfg", {
      ".dockercfg": JSON.stringify({ "localhost:5001": { auth: authOf("cfg-user") } }),
    }),
    secret("team-t", "podman", "kubernetes.io/podmanconfigjson", {
      "auth.json": JSON.stringify({ auths: { "localhost:5002": { auth: authOf("podman-user") } } }),
    }),
    namespace("team-n"),
    ...await generatedRbac([
      "--namespace",
      "team-n",
      "--secret",
      "missing",
      "--secret",
      "mirror-credentials",
    ]),
    pod("team-n", "app"),
    dockerConfigSecret("team-n", "mirror-credentials", MIRROR, "team-n"),
    dockerConfigSecret("team-n", "unrelated", MIRROR, "unrelated"),
  ]);
  // 600 pull secrets for other registries; the one for the mirror sorts
  // last, so a listing cut short misses it (and a paged one finds it on the
  // last page).
  await kube.secrets({
    namespace: "team-p",
    prefix: "filler-",
    type: "kubernetes.io/dockerconfigjson",
    count: 600,
    data: { ".dockerconfigjson": '{"auths":{"unrelated.example:5000":{"auth":"dTpw"}}}' },
  });
  await kube.apply([dockerConfigSecret("team-p", "zz-mirror", MIRROR, "team-p")]);
}
