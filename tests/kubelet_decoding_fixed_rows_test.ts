/**
 * The pull-secret and config.json decoding against kubelet's own code
 * (kubernetes v1.34.4 `secrets.MakeDockerKeyring` and
 * `credentialprovider.ReadSpecificDockerConfigJSONFile`, through the Go
 * oracle `tests/kube/cmd/kubelet-decode`): the same documents through both,
 * compared as `ignored`, `rejected` or the accepted entries.
 *
 * This file holds the fixed rows (`support/kubelet_decoding_rows.ts`), each
 * as a dockerconfigjson Secret, a dockercfg Secret and a node config.json, and
 * the wording of auth errors; `kubelet_decoding_fold_test.ts` matches field
 * names for every BMP rune, `kubelet_decoding_bytes_test.ts` sends bytes
 * through the adapters, and `kubelet_decoding_random_test.ts` compares random
 * documents. Nothing is skipped: a disagreement fails its row.
 */

import { assertEquals } from "./support/assert.ts";
import { secretEntries } from "../domain/credentials/pull_secret.ts";
import { type KubeletDecode, testWithKubeletDecode } from "./support/kubelet_decode_oracle.ts";
import {
  DOCKERCONFIGJSON,
  kubeletOutcome,
  MODES,
  ours,
  ourSecret,
  request,
} from "./support/kubelet_decoding_outcomes.ts";
import { AUTH_MESSAGES, ENVELOPES, ROWS } from "./support/kubelet_decoding_rows.ts";

async function fixedRows(t: Deno.TestContext, decode: KubeletDecode): Promise<void> {
  const cases = [
    ...ROWS.flatMap(([name, rule, text]) =>
      MODES.map((mode) => ({
        name: `${name} (${rule}) as ${mode}`,
        text,
        request: request(mode, text),
        ours: () => ours(mode, text),
      }))
    ),
    ...ENVELOPES.map(([name, type, data]) => ({
      name: `a secret: ${name}`,
      text: JSON.stringify({ type, data }),
      request: request("dockerconfigjson", "", { type, data }),
      ours: () => ourSecret(type, data),
    })),
  ];
  const answers = await decode(cases.map((c) => c.request));
  for (const [index, row] of cases.entries()) {
    await t.step(`kubelet and the provider agree on ${row.name}`, () => {
      assertEquals(
        row.ours(),
        kubeletOutcome(answers[index]!),
        `document ${JSON.stringify(row.text).slice(0, 300)}`,
      );
    });
  }
}

async function authMessages(t: Deno.TestContext, decode: KubeletDecode): Promise<void> {
  const documents = AUTH_MESSAGES.map((auth) => JSON.stringify({ auths: { m: { auth } } }));
  const answers = await decode(documents.map((text) => request("dockerconfigjson", text)));
  for (const [index, auth] of AUTH_MESSAGES.entries()) {
    await t.step(
      `kubelet and the provider word an error in auth ${JSON.stringify(auth)} alike`,
      () => {
        const answer = answers[index]!;
        const found = secretEntries({
          name: "s",
          type: DOCKERCONFIGJSON,
          data: { ".dockerconfigjson": documents[index]! },
        });
        const ourMessage = "problem" in found
          ? found.problem.replace(/^.*: auths\[entry 1\]\.auth: /, "")
          : "accepted";
        assertEquals(ourMessage, "error" in answer ? answer.error : "accepted");
      },
    );
  }
}

await testWithKubeletDecode(
  "kubelet and the provider decode the fixed rows alike",
  async (t, decode) => {
    await fixedRows(t, decode);
    await authMessages(t, decode);
  },
);
