/**
 * The benchmark's run against a real kube-apiserver (v1.34.4 on etcd, the
 * fixture of the real-Kubernetes suites): whole invocations of the module
 * graph (`deno run src/main.ts` with the binary's permission flags), with a
 * real bound token, for one pull secret and for 601 (one page of a
 * type-filtered list). Medians of wall time and peak memory, measured as
 * the other rows are (`measure.ts`), beside the control plane's start-up.
 *
 * @module
 */

import { permissionFlags } from "../../src/permissions.ts";
import { kubeletRequest } from "../support/api_stand_in.ts";
import type { KubeFixture } from "../support/kube_fixture.ts";
import { startKubeFixture } from "../support/kube_fixture.ts";
import {
  dockerConfigSecret,
  listSecretsGrant,
  namespace,
  pod,
  serviceAccount,
} from "../support/kube_objects.ts";
import { nodeLayout } from "../support/node_layout.ts";
import { buildRealKube } from "../support/real_kube.ts";
import { IMAGE, MIRRORED } from "../support/real_kube_run.ts";
import { DENO_DIR, MAIN } from "../support/run_cli.ts";
import { makeTempDir } from "../support/temp_tree.ts";
import { median, type Run, timedRun } from "./measure.ts";

const SCENARIOS = [
  { namespace: "bench-one", title: "module graph: full, real kube-apiserver (1 secret)", extra: 0 },
  {
    namespace: "bench-601",
    title: "module graph: full, real kube-apiserver (601 secrets)",
    extra: 600,
  },
];

async function createNamespace(kube: KubeFixture, ns: string, extra: number): Promise<void> {
  await kube.apply([
    namespace(ns),
    serviceAccount(ns),
    ...listSecretsGrant(ns),
    pod(ns, "app"),
    dockerConfigSecret(ns, "zz-mirror", "localhost:5000", ns),
  ]);
  if (extra > 0) {
    await kube.secrets({
      namespace: ns,
      prefix: "filler-",
      type: "kubernetes.io/dockerconfigjson",
      count: extra,
      data: { ".dockerconfigjson": '{"auths":{"unrelated.example:5000":{"auth":"dTpw"}}}' },
    });
  }
}

/**
 * Runs the rows `rounds` times each (after one unmeasured run that must
 * write the auth file) and returns the lines to print, or one line saying
 * what is missing.
 */
export async function benchRealKube(
  options: { readonly rounds: number; readonly log: (line: string) => void },
): Promise<string[]> {
  const built = await buildRealKube();
  if ("missing" in built) return [`Real kube-apiserver rows skipped: needs ${built.missing}`];
  options.log("real kube-apiserver: starting etcd and the API server");
  const kube = await startKubeFixture(built.programs.fixture, built.programs.apiServer);
  const root = await makeTempDir("ccp-bench-kube-");
  try {
    const lines = [
      "",
      `Against a real kube-apiserver (ready ${kube.startSeconds.toFixed(1)} s after start), ` +
      `${options.rounds} rounds:`,
      "",
      "| invocation | wall time | peak memory |",
      "| --- | ---: | ---: |",
    ];
    for (const scenario of SCENARIOS) {
      await createNamespace(kube, scenario.namespace, scenario.extra);
      const { token } = await kube.token({ namespace: scenario.namespace, pod: "app" });
      const node = await nodeLayout(`${root}/${scenario.namespace}`, {
        "etc/containers/registries.conf": MIRRORED,
        "etc/kubernetes/ca.pem": kube.caPem,
      });
      const invocation = {
        command: [
          Deno.execPath(),
          "run",
          "--no-prompt",
          "--cached-only",
          ...permissionFlags(node.paths),
          MAIN,
          ...node.flags,
          `--api-server=${kube.server}`,
        ],
        cwd: root,
        env: { HOME: node.paths.home, DENO_DIR },
        stdin: kubeletRequest(IMAGE, token),
      };
      options.log(`real kube-apiserver: ${scenario.title}`);
      const warm = await timedRun(invocation);
      const files = await Array.fromAsync(Deno.readDir(node.paths.authDir)).catch(() => []);
      if (warm.code !== 0 || files.length !== 1) {
        throw new Error(`${scenario.title}: exit ${warm.code}, no auth file: ${warm.stderr}`);
      }
      const runs: Run[] = [];
      for (let round = 0; round < options.rounds; round++) runs.push(await timedRun(invocation));
      const ms = median(runs.map((run) => run.ms));
      const mib = median(runs.map((run) => run.kb)) / 1024;
      lines.push(`| ${scenario.title} | ${ms.toFixed(1)} ms | ${mib.toFixed(1)} MiB |`);
    }
    return lines;
  } finally {
    await kube.close();
    await Deno.remove(root, { recursive: true }).catch(() => {});
  }
}
