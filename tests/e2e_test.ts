/**
 * The end-to-end suites (tests/e2e/) run in a fresh network and mount
 * namespace with only loopback up, so nothing they do can reach the
 * internet: a failed mirror pull cannot fall back to Docker Hub, and DNS
 * finds nothing. They need root and Debian's skopeo, docker-registry,
 * apache2-utils (htpasswd), umoci and iproute2. The variant with real
 * Kubernetes also needs the Go programs of `support/real_kube.ts` (built
 * here, before entering the namespace, where the module proxy is out of
 * reach) and etcd.
 */

import { testWithRealKubePrograms } from "./support/real_kube.ts";
import { testWithTools } from "./support/tools.ts";

const suite = (file: string) => new URL(file, import.meta.url).pathname;
const SUITES = ["e2e/registry_pull_e2e.ts", "e2e/concurrency_e2e.ts"].map(suite);
const PASSED_ON = ["PATH", "HOME", "DENO_DIR", "CI", "CRIO_CREDENTIAL_PROVIDER_BIN", "NO_COLOR"];
const TOOLS = ["unshare", "mount", "ip", "skopeo", "docker-registry", "htpasswd", "umoci"];

/** Runs `suites` with `deno test` inside a fresh network and mount namespace. */
async function runIsolated(suites: readonly string[], extraEnv: Record<string, string> = {}) {
  const env: Record<string, string> = { NO_COLOR: "1", ...extraEnv };
  for (const name of PASSED_ON) {
    const value = Deno.env.get(name);
    if (value !== undefined) env[name] = value;
  }
  const output = await new Deno.Command("unshare", {
    args: [
      "--net",
      "--mount",
      "--propagation=private",
      "sh",
      "-c",
      'ip link set lo up && exec "$@"',
      "sh",
      Deno.execPath(),
      "test",
      "--cached-only",
      "--unstable-net",
      "--allow-read",
      "--allow-write",
      "--allow-run",
      "--allow-env",
      "--allow-net",
      "--allow-sys=uid,networkInterfaces",
      ...suites,
    ],
    clearEnv: true,
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!output.success) {
    const decoder = new TextDecoder();
    throw new Error(
      `The end-to-end suites failed:\n${decoder.decode(output.stdout)}\n${
        decoder.decode(output.stderr)
      }`,
    );
  }
}

await testWithTools(
  "end to end: a real registry, skopeo and CRI-O's consumption, offline",
  { tools: TOOLS, root: true },
  () => runIsolated(SUITES),
);

await testWithRealKubePrograms(
  "end to end with kubelet's code and a real API server, offline",
  { tools: [...TOOLS, "etcd"], root: true },
  (_t, programs) =>
    runIsolated([suite("e2e/real_kube_pull_e2e.ts")], {
      KUBE_APISERVER_BIN: programs.apiServer,
      KUBE_FIXTURE_BIN: programs.fixture,
      KUBELET_DRIVER_BIN: programs.driver,
    }),
);
