/**
 * The cluster and the kubelet configs of `tests/real_kube/kubelet_plugin_test.ts`:
 * nodes node-a and node-b, and pods bound to them in three namespaces —
 * team-a (list mode: the README's list Role), team-r (a service account
 * with and one without an opt-in annotation) and team-n (annotation mode,
 * set up with what `generate rbac` prints). The node ClusterRole is not
 * created here: the suite first shows what happens without it.
 *
 * @module
 */

import { assertEquals } from "./assert.ts";
import type { KubeFixture } from "./kube_fixture.ts";
import {
  AUDIENCE,
  dockerConfigSecret,
  listSecretsGrant,
  namespace,
  node,
  pod,
  serviceAccount,
} from "./kube_objects.ts";
import { runCli } from "./run_cli.ts";

async function generate(args: readonly string[]): Promise<string> {
  const result = await runCli(["generate", ...args], {
    permissions: ["--allow-read", "--allow-env"],
  });
  assertEquals([result.code, result.stderr], [0, ""]);
  return result.stdout;
}

/** What `generate rbac` prints for team-n (its annotated service account, Role and binding). */
async function generatedRbac(): Promise<{ kind: string }[]> {
  const list = await generate([
    "rbac",
    "--audience",
    AUDIENCE,
    "--namespace",
    "team-n",
    "--secret",
    "mirror-credentials",
    "-o",
    "json",
  ]);
  return (JSON.parse(list) as { items: { kind: string }[] }).items;
}

const CLUSTER_KINDS = ["ClusterRole", "ClusterRoleBinding"];

/** The README's node RBAC: the ClusterRole and its binding to system:nodes, as generated. */
export async function generatedNodeRbac(): Promise<unknown[]> {
  return (await generatedRbac()).filter((item) => CLUSTER_KINDS.includes(item.kind));
}

/**
 * The kubelet config the README's command prints (Kubernetes 1.34, the
 * annotation passed on), matching docker.io and quay.io.
 */
export const README_CONFIG = await generate([
  "kubelet-config",
  "--kubernetes-version",
  "1.34",
  "--match-image",
  "docker.io",
  "--match-image",
  "quay.io",
  "--secret-annotation",
]);

/** A hand-written config for the rows that need another setting. */
export function configFor(options: {
  readonly apiVersion?: string;
  readonly defaultCacheDuration?: string;
  /** Whether the provider gets tokens at all. @default true */
  readonly tokenAttributes?: boolean;
  readonly require?: boolean;
  readonly requiredKey?: string;
}): string {
  const lines = [
    "apiVersion: kubelet.config.k8s.io/v1",
    "kind: CredentialProviderConfig",
    "providers:",
    "  - name: crio-credential-provider",
    "    matchImages: [docker.io]",
    `    defaultCacheDuration: ${options.defaultCacheDuration ?? "1s"}`,
    `    apiVersion: ${options.apiVersion ?? "credentialprovider.kubelet.k8s.io/v1"}`,
  ];
  if (options.tokenAttributes ?? true) {
    lines.push(
      "    tokenAttributes:",
      `      serviceAccountTokenAudience: ${AUDIENCE}`,
      "      cacheType: Token",
      `      requireServiceAccount: ${options.require ?? false}`,
    );
    if (options.requiredKey !== undefined) {
      lines.push(`      requiredServiceAccountAnnotationKeys: [${options.requiredKey}]`);
    }
  }
  return `${lines.join("\n")}\n`;
}

/** Creates the suite's objects; returns the pods' UIDs by `namespace/name`. */
export async function clusterObjects(kube: KubeFixture): Promise<Record<string, string>> {
  const pods: [string, string, { nodeName: string; account?: string }][] = [
    ["team-a", "app", { nodeName: "node-a" }],
    ["team-a", "doomed", { nodeName: "node-a" }],
    ["team-a", "elsewhere", { nodeName: "node-b" }],
    ["team-r", "plain", { nodeName: "node-a" }],
    ["team-r", "opted", { nodeName: "node-a", account: "opted-in" }],
    ["team-n", "app", { nodeName: "node-a" }],
  ];
  const namespaced = (await generatedRbac()).filter((item) => !CLUSTER_KINDS.includes(item.kind));
  await kube.apply([
    node("node-a"),
    node("node-b"),
    namespace("team-a"),
    serviceAccount("team-a"),
    ...listSecretsGrant("team-a"),
    dockerConfigSecret("team-a", "mirror", "localhost:5000", "team-a"),
    namespace("team-r"),
    serviceAccount("team-r"),
    serviceAccount("team-r", "opted-in", { "example.com/opt-in": "yes" }),
    namespace("team-n"),
    ...namespaced,
    dockerConfigSecret("team-n", "mirror-credentials", "localhost:5000", "team-n"),
  ]);
  const uids = await kube.apply(pods.map(([ns, name, options]) => pod(ns, name, options)));
  return Object.fromEntries(pods.map(([ns, name], i) => [`${ns}/${name}`, uids[i]!]));
}

/**
 * Deletes a pod and waits until the API server has seen it go: a token of
 * the pod that nobody used yet is then refused (one that was used stays
 * accepted for the API server's 10-second authentication cache).
 */
export async function deletePod(kube: KubeFixture, ns: string, name: string): Promise<void> {
  const probe = await kube.token({ namespace: ns, pod: name });
  await kube.delete("Pod", ns, name);
  await kube.tokenRejected(probe.token);
}
