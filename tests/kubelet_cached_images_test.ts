/**
 * Cached private images and kubelet's pull records (KEP-2535,
 * KubeletEnsureSecretPulledImages), with kubelet's own code: the Go harness
 * `tests/kube/cmd/kubelet-image-manager` (`support/kubelet_image_manager.ts`)
 * runs kubelet v1.35.4 and v1.34.4 with the gate on, on the node of
 * `support/cached_images_node.ts`, and each pod start is checked against its
 * row (`support/cached_images_rows.ts`).
 *
 * With the provider's empty credential for the requested image (its answer
 * when the request carries a token), kubelet records the pull per service
 * account: team-b pulls again with its own file, team-c can neither pull nor
 * start the cached image (IfNotPresent: ErrImagePull; Never:
 * ErrImageNeverPull), and team-a's service account starts it without a pull.
 * Only those rows depend on that answer. The control runs the same provider
 * through a wrapper that drops `auth` from its answer (the answer before that
 * change): the pull is recorded `nodePodsAccessible` and team-c starts the
 * image without a pull, whatever the verification policy. So does it when
 * kubelet's node keyring has an entry for the registry (tried first). With the
 * gate off (the 1.34 default), nothing is recorded at all:
 * `kubelet_cached_images_gate_off_test.ts`.
 */

import assert from "node:assert/strict";
import { assertEquals } from "./support/assert.ts";
import { goProgram } from "./support/go_programs.ts";
import { runGoProgram, testWithGoProgram } from "./support/go_oracle.ts";
import {
  assertRows,
  CONTROL_STEPS,
  controlRows,
  FIX_ROWS,
  FIX_STEPS,
} from "./support/cached_images_rows.ts";
import { KUBERNETES, pod, runScenario } from "./support/kubelet_image_manager.ts";

// Both builds start at once (each takes minutes without a Go build cache);
// each test declaration below then waits for its own.
await Promise.allSettled(KUBERNETES.map(({ program }) => goProgram(program.name, program)));

for (const kubernetes of KUBERNETES) {
  await testWithGoProgram(
    `kubelet ${kubernetes.title}: a cached private image stays with the namespaces that pulled it`,
    kubernetes.program,
    async (t, harness) => {
      await t.step(`the harness runs kubelet ${kubernetes.version}`, async () => {
        const { lines } = await runGoProgram(harness, "", ["-version"]);
        assertEquals(lines, [{
          kubernetes: kubernetes.version,
          defaultGates: {
            KubeletEnsureSecretPulledImages: kubernetes.gateDefault,
            KubeletServiceAccountTokenForCredentialProviders: true,
          },
        }]);
      });

      await t.step(
        "with the provider's empty credential (NeverVerifyPreloadedImages)",
        async (t) => {
          const results = await runScenario(harness, {
            provider: "fix",
            policy: "NeverVerifyPreloadedImages",
            gate: true,
            steps: FIX_STEPS,
          });
          await assertRows(t, results, FIX_ROWS);
          await t.step("the record is kubelet's, for the image ID CRI-O reports", () => {
            const record = results[0]!.record!;
            assertEquals([record.kind, record.apiVersion], [
              "ImagePulledRecord",
              kubernetes.recordVersion,
            ]);
            assert.match(record.imageRef, /^[0-9a-f]{64}$/);
          });
        },
      );

      await t.step(
        "limit: a node keyring entry for the registry comes first and is recorded node-wide",
        async (t) => {
          const results = await runScenario(harness, {
            provider: "fix",
            policy: "NeverVerifyPreloadedImages",
            gate: true,
            steps: [pod("a1", "team-a", "IfNotPresent"), pod("c1", "team-c", "IfNotPresent")],
            nodeKeyring: {
              "registry.example.com": { username: "node", password: "node-password" },
            },
          });
          await assertRows(t, results, [
            ["a1: team-a pulls with the node's credential, CRI-O still consumes the file", {
              started: true,
              error: null,
              pulled: true,
              pullAttempts: 1,
              authToCRI: { username: "node" },
              dockerAuthConfig: true,
              consumedAuthFile: true,
              providerRuns: 1,
              access: "node",
            }],
            ["c1: team-c starts the cached image without a pull", {
              started: true,
              error: null,
              pulled: false,
              pullAttempts: 0,
              authToCRI: null,
              dockerAuthConfig: false,
              consumedAuthFile: false,
              providerRuns: kubernetes.eagerLookup ? 1 : 0,
              access: "node",
            }],
          ]);
        },
      );

      for (const policy of ["NeverVerifyPreloadedImages", "AlwaysVerify"] as const) {
        await t.step(`control: the answer without auth (${policy})`, async (t) => {
          const results = await runScenario(harness, {
            provider: "control",
            policy,
            gate: true,
            steps: CONTROL_STEPS,
          });
          await assertRows(t, results, controlRows(kubernetes.eagerLookup));
        });
      }
    },
  );
}
