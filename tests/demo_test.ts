import assert from "node:assert/strict";
import { assertEquals } from "./support/assert.ts";
import { serviceAccountToken } from "./support/api_stand_in.ts";

Deno.test("deno task demo shows a written auth file and no secret", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", "demo"],
    cwd: new URL("../", import.meta.url).pathname,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(output.stdout);
  assertEquals(output.code, 0, new TextDecoder().decode(output.stderr));
  assert.match(text, /Response on stdout \(exit status 0\)\n\{"kind":"CredentialProviderResponse"/);
  assert.match(text, /Auth file for CRI-O: .*\/default-7e59ad64[0-9a-f]{56}\.json \(mode 0600\)/);
  assert.match(text, /"localhost:5000": \{\n\t\t\t"auth": "\*\*\* masked \*\*\*"/);
  assert.match(text, /<6> Wrote auth file to /);
  for (const secret of ["bXl1c2VyOm15cGFzc3dvcmQ=", "mypassword", serviceAccountToken("default")]) {
    assertEquals(text.includes(secret), false, `the demo printed ${secret}`);
  }
});
