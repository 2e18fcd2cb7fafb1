/**
 * Builds the real-Kubernetes suites' Go programs (kube-apiserver from
 * k8s.io/kubernetes, the control-plane fixture, the kubelet driver; see
 * `tests/support/real_kube.ts`) into `build/go/`, or finds them already
 * built for the same inputs, and says how long that took. `.ci/run` runs it
 * before the tests, so a cold build shows in the CI log on its own; the
 * tests then reuse the binaries.
 *
 *     deno run --allow-read --allow-write --allow-run --allow-env tests/real_kube/build_programs.ts
 *
 * Exit status 1 when something is missing (Go, etcd) or a build fails.
 *
 * @module
 */
// deno-lint-ignore-file no-console

import { buildRealKube, realKubeBuildCommands } from "../support/real_kube.ts";

const began = performance.now();
const built = await buildRealKube();
const seconds = ((performance.now() - began) / 1000).toFixed(1);
if ("missing" in built) {
  console.error(`Cannot build the real-Kubernetes programs, missing: ${built.missing.join("; ")}`);
  console.error(`By hand: ${realKubeBuildCommands()}`);
  Deno.exit(1);
}
console.log(`Real-Kubernetes programs ready in ${seconds} s:`);
for (const path of Object.values(built.programs)) console.log(`  ${path}`);
