/**
 * The token is sent only as what it must be, a bearer token, and no failure
 * to send it quotes it: fetch refuses a header with a control character and
 * would quote the whole value.
 */

import assert from "node:assert/strict";
import { createSecretSource } from "../../adapters/kube_api.ts";
import { serviceAccountToken } from "../support/api_stand_in.ts";

Deno.test("listPullSecrets() refuses a token that is no bearer token, without quoting it", async (t) => {
  const [header, payload] = serviceAccountToken("default").split(".");
  const signature = "SIGNATUREsecretSIGNATUREsecret0123456789";
  for (
    const [name, tail] of [["a NUL", "\u0000x"], ["a line break", "\r\nX-Evil: 1"], [
      "a space",
      " x",
    ]]
  ) {
    await t.step(`listPullSecrets() with ${name} in the token`, async () => {
      const token = `${header}.${payload}.${signature}${tail}`;
      const source = createSecretSource({
        // Nothing listens here: nothing may be sent anyway.
        connect: () => Promise.resolve({ server: "http://127.0.0.1:9", trust: "plain-http" }),
        signal: AbortSignal.timeout(5_000),
        userAgent: "crio-credential-provider/0.0.0-test (linux/amd64)",
      });
      await assert.rejects(source.listPullSecrets("default", token), (error: Error) => {
        assert.match(
          error.message,
          /^Cannot send the service account token: it is not a bearer token/,
        );
        assert.ok(!error.message.includes(signature.slice(0, 16)), error.message);
        return true;
      });
    });
  }
});
