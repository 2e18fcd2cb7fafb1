/**
 * The benchmark's pulls and the nodes they run on. Every scenario gets two
 * node layouts with identical files under a fixed root, one per program
 * (`/tmp/ccp-bench/ours/<scenario>` and `/tmp/ccp-bench/upstream/<scenario>`),
 * since upstream's paths are fixed when it is built and the two programs must
 * not see each other's auth files. Each scenario has its own namespace on the
 * one API stand-in.
 *
 * - no mirror: registries.conf has no table for the image; no API call.
 * - one secret: the image's registry has one mirror, one Secret applies.
 * - scale N: N `[[registry]]` tables (the image's, with its mirror, last),
 *   N `kubernetes.io/dockerconfigjson` Secrets of one key each (the first one
 *   for the mirror) and N entries in the global auth file. Only that Secret
 *   type, since upstream lists no other.
 *
 * @module
 */

import { kubeletRequest, serviceAccountToken } from "../support/api_stand_in.ts";
import { type NodeLayout, nodeLayout } from "../support/node_layout.ts";
import type { BenchNamespace, BenchSecret } from "./api_server.ts";

/** Where the benchmark's nodes live (upstream's builds point here). */
export const BENCH_ROOT = "/tmp/ccp-bench";

/** The image every scenario pulls. */
export const IMAGE = "docker.io/library/nginx";
const MIRROR = "localhost:5000";

/** One pull to measure. */
export interface Scenario {
  /** A short name, also the directory and part of the namespace. */
  readonly name: string;
  /** As the report shows it. */
  readonly title: string;
  readonly namespace: string;
  readonly token: string;
  /** The kubelet request written to stdin. */
  readonly request: string;
  /** Whether the pull lists Secrets and writes an auth file. */
  readonly writesFile: boolean;
  /** Files under the layout root. */
  readonly files: Readonly<Record<string, string>>;
  readonly secrets: readonly BenchSecret[];
  readonly scale?: number;
}

/** Both programs' nodes for a scenario. */
export interface ScenarioNodes {
  readonly ours: NodeLayout;
  readonly upstream: NodeLayout;
}

const pad = (i: number) => `${i}`.padStart(5, "0");
const basicAuth = (user: string) => new TextEncoder().encode(`${user}:secret-${user}`).toBase64();

function dockerConfigSecret(name: string, registry: string, user: string): BenchSecret {
  const auths = { [registry]: { auth: basicAuth(user) } };
  return {
    name,
    type: "kubernetes.io/dockerconfigjson",
    data: { ".dockerconfigjson": JSON.stringify({ auths }) },
  };
}

const mirroredTable =
  `[[registry]]\nlocation = "docker.io"\n[[registry.mirror]]\nlocation = "${MIRROR}"\n`;

function scenario(
  name: string,
  title: string,
  files: Record<string, string>,
  secrets: BenchSecret[],
  scale?: number,
): Scenario {
  const namespace = `bench-${name}`;
  const token = serviceAccountToken(namespace);
  return {
    name,
    title,
    namespace,
    token,
    request: kubeletRequest(IMAGE, token),
    writesFile: secrets.length > 0,
    files,
    secrets,
    ...(scale === undefined ? {} : { scale }),
  };
}

function scaled(n: number): Scenario {
  const tables: string[] = [];
  for (let i = 1; i < n; i++) {
    tables.push(
      `[[registry]]\nlocation = "registry-${pad(i)}.example"\n` +
        `[[registry.mirror]]\nlocation = "mirror-${pad(i)}.example"\n`,
    );
  }
  tables.push(mirroredTable);
  const secrets = [dockerConfigSecret(`pull-secret-${pad(0)}`, MIRROR, "mirror-user")];
  for (let i = 1; i < n; i++) {
    secrets.push(
      dockerConfigSecret(`pull-secret-${pad(i)}`, `registry-${pad(i)}.example`, `u${i}`),
    );
  }
  const global: Record<string, { auth: string }> = {};
  for (let i = 0; i < n; i++) global[`global-${pad(i)}.example`] = { auth: basicAuth(`g${i}`) };
  return scenario(
    `scale-${n}`,
    `scale ${n.toLocaleString("en-US")}`,
    {
      "etc/containers/registries.conf": tables.join("\n"),
      "var/lib/kubelet/config.json": JSON.stringify({ auths: global }),
    },
    secrets,
    n,
  );
}

/** The scenarios, in report order. */
export function benchScenarios(scales: readonly number[]): Scenario[] {
  return [
    scenario("no-mirror", "no mirror", {
      "etc/containers/registries.conf": '[[registry]]\nlocation = "quay.io"\n',
    }, []),
    scenario("one-secret", "one secret over TLS", {
      "etc/containers/registries.conf": mirroredTable,
    }, [dockerConfigSecret("my-secret", MIRROR, "mirror-user")]),
    ...scales.map(scaled),
  ];
}

/** The namespaces the API stand-in serves. */
export function benchNamespaces(scenarios: readonly Scenario[]): Map<string, BenchNamespace> {
  return new Map(scenarios.map((s) => [s.namespace, { token: s.token, secrets: s.secrets }]));
}

/** Writes both programs' layouts for `scenario`, announcing the API server on `apiPort`. */
export async function createNodes(scenario: Scenario, apiPort: number): Promise<ScenarioNodes> {
  const files = {
    ...scenario.files,
    // As OpenShift nodes announce the API server; both programs read it.
    "etc/kubernetes/apiserver-url.env":
      `KUBERNETES_SERVICE_HOST='127.0.0.1'\nKUBERNETES_SERVICE_PORT='${apiPort}'\n`,
  };
  const layout = async (program: string) => {
    const root = `${BENCH_ROOT}/${program}/${scenario.name}`;
    await Deno.remove(root, { recursive: true }).catch(() => {});
    await Deno.mkdir(root, { recursive: true });
    const node = await nodeLayout(root, files);
    await Deno.mkdir(node.paths.home, { recursive: true });
    return node;
  };
  return { ours: await layout("ours"), upstream: await layout("upstream") };
}

/** The auth file both programs write for the pull (CRI-O's naming, `<namespace>-<sha256>.json`). */
export async function authFilePath(node: NodeLayout, scenario: Scenario): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(IMAGE));
  return `${node.paths.authDir}/${scenario.namespace}-${new Uint8Array(digest).toHex()}.json`;
}
