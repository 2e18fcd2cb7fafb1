/**
 * The canary property through the real entry point: damaged secrets, global
 * auth files, kubeconfigs and requests carrying random credentials, at
 * `--log-level debug` with a journal listening, and no 6-character piece of
 * any credential in stderr or the journal. The domain-level test
 * (`tests/domain/no_secret_in_messages_test.ts`) runs many more cases; this
 * one checks what the adapters add on the way out.
 */

import assert from "node:assert/strict";
import { startApiStandIn } from "../support/api_stand_in.ts";
import { canaryInputs, damage, leakedPieces } from "../support/canaries.ts";
import { nodeLayout, runProvider } from "../support/node_layout.ts";
import { MIRRORED } from "../support/provider_fixtures.ts";
import { Random } from "../support/random_registries.ts";
import { withTempDir } from "../support/temp_tree.ts";
import { openTestJournal } from "../support/test_journal.ts";

const SEED = Number(Deno.env.get("CANARY_SEED") ?? crypto.getRandomValues(new Uint32Array(1))[0]);
const CASES = Number(Deno.env.get("CANARY_CLI_CASES") ?? 16);

Deno.test(`provider logs no piece of a credential (${CASES} runs, seed ${SEED})`, async (t) => {
  const random = new Random(SEED);
  for (let index = 0; index < CASES; index++) {
    const inputs = canaryInputs(random);
    const useKubeconfig = random.chance(0.5);
    const files = {
      "etc/containers/registries.conf": MIRRORED.replace("localhost:5000", "mirror.example:5000"),
      "var/lib/kubelet/config.json": random.chance(0.5)
        ? damage(random, inputs.global)
        : inputs.global,
      "var/lib/kubelet/kubeconfig": damage(random, inputs.kubeconfig),
    };
    const secret = damage(random, inputs.secret);
    const request = random.chance(0.2) ? damage(random, inputs.request) : inputs.request;
    await withTempDir(async (root) => {
      const node = await nodeLayout(root, files);
      const journal = openTestJournal(node.paths.journalSocket);
      const api = startApiStandIn({
        token: inputs.token,
        secrets: [{
          name: "canary",
          type: "kubernetes.io/dockerconfigjson",
          data: { ".dockerconfigjson": secret },
        }],
      });
      try {
        const result = await runProvider(node, request, {
          // Without --api-server the damaged kubeconfig is read for the server.
          args: ["--log-level=debug", ...(useKubeconfig ? [] : [`--api-server=${api.url}`])],
        });
        const said = [result.stderr, ...journal.entries.map((entry) => entry.MESSAGE ?? "")]
          .join("\n");
        const leaked = leakedPieces(said, inputs.forms);
        if (leaked.length > 0) {
          await t.step(`run ${index} (seed ${SEED})`, () => {
            assert.fail(`leaked ${leaked.join(", ")} in:\n${said}`);
          });
        }
      } finally {
        await api.close();
        await journal.close();
      }
    });
  }
});
