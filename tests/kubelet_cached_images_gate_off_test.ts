/**
 * A cached private image with kubelet v1.34.4's default, the gate
 * KubeletEnsureSecretPulledImages off (the harness of
 * `support/kubelet_image_manager.ts`; `kubelet_cached_images_test.ts` has the
 * gate on): kubelet records no pull, and a pod of any namespace starts the
 * image without one.
 */

import { assertEquals } from "./support/assert.ts";
import { testWithGoProgram } from "./support/go_oracle.ts";
import { KUBERNETES, pod, runScenario } from "./support/kubelet_image_manager.ts";

await testWithGoProgram(
  "kubelet Kubernetes v1.34.4 default (KubeletEnsureSecretPulledImages off): no record, any namespace starts the cached image",
  KUBERNETES[1]!.program,
  async (_t, harness) => {
    const results = await runScenario(harness, {
      provider: "fix",
      policy: "NeverVerifyPreloadedImages",
      gate: false,
      steps: [pod("a1", "team-a", "IfNotPresent"), pod("c1", "team-c", "IfNotPresent")],
    });
    assertEquals(
      results.map((r) => [r.name, r.started, r.pulled, r.providerRuns, r.record]),
      [["a1", true, true, 1, null], ["c1", true, false, 0, null]],
    );
  },
);
