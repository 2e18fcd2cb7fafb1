/**
 * Credential lookup against the containers/image that CRI-O 1.36 vendors
 * (`pkg/docker/config` of `go.podman.io/image/v5` v5.38.0, through
 * `tests/cimage/cmd/cimage-oracle`): the A vectors of the specification
 * (`vectors.md` Part A, in `support/auth_file_vectors.ts`), each auth file as
 * given, each lookup as given (`GetCredentials` with the key).
 * `credentials_random_test.ts` checks the files the provider writes.
 */

import { assertEquals } from "../support/assert.ts";
import { A_VECTORS, type Expected, up } from "../support/auth_file_vectors.ts";
import { testWithCimageOracle } from "../support/cimage_oracle.ts";
import type { CredentialsAnswer } from "../support/cimage_protocol.ts";
import { askCimage } from "../support/cimage_session.ts";
import { withTempDir } from "../support/temp_tree.ts";

/** What an oracle answer says, in the vectors' terms (an error: its message). */
function asExpected(answer: CredentialsAnswer): Expected | string {
  if ("error" in answer) return answer.error;
  if ("imageError" in answer) return `image: ${answer.imageError}`;
  if (answer.username === "" && answer.password === "" && answer.identityToken === "") {
    return "none";
  }
  return up(answer.username, answer.password, answer.identityToken || undefined);
}

/**
 * A19's helper, as in the run that confirmed the vector: it answers every
 * `get` with the user `<credHelper:secretservice>` and an empty secret
 * (shell built-ins only, since its PATH holds nothing else).
 */
const SECRETSERVICE_STUB = `#!/bin/sh
IFS= read -r server || true
printf '{"ServerURL":"%s","Username":"<credHelper:secretservice>","Secret":""}' "$server"
`;

await testWithCimageOracle(
  "containers/image v5.38 credential lookup: Part A vectors",
  async (t, path) => {
    await withTempDir(async (dir) => {
      await Deno.mkdir(`${dir}/bin`);
      await Deno.writeTextFile(`${dir}/bin/docker-credential-secretservice`, SECRETSERVICE_STUB, {
        mode: 0o755,
      });
      const requests = [];
      for (const [i, vector] of A_VECTORS.entries()) {
        const file = `${dir}/a${i}.json`;
        await Deno.writeTextFile(file, vector.file);
        for (const [key] of vector.lookups) {
          requests.push({
            op: "credentials" as const,
            ...(vector.legacy ? { legacyAuthFile: file } : { authFile: file }),
            key,
            // A map holds several keys; the fallback visits them in Go's map order.
            repeat: 8,
          });
        }
      }
      const answers = await askCimage(path, requests, { env: { PATH: `${dir}/bin` } });
      let next = 0;
      for (const vector of A_VECTORS) {
        await t.step(vector.id, () => {
          for (const [key, expected] of vector.lookups) {
            const found = answers[next++]!.answers.map(asExpected);
            assertEquals(found.length, 1, `${key}: v5.38 answered differently from run to run`);
            const [answer] = found;
            if (typeof expected === "object" && "error" in expected) {
              // A lookup error reaches the caller inside "errors looking up credentials".
              assertEquals(
                typeof answer === "string" && answer.endsWith(expected.error),
                true,
                `${key}: ${JSON.stringify(answer)}`,
              );
            } else {
              assertEquals(answer, expected, key);
            }
          }
        });
      }
    });
  },
);
