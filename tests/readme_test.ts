/**
 * The README's deployment steps are real commands: every
 * `crio-credential-provider generate …` line of its shell blocks runs and
 * succeeds, and the sample `doctor` line is what `doctor` prints.
 */

import assert from "node:assert/strict";
import { assertEquals } from "./support/assert.ts";
import { runCli } from "./support/run_cli.ts";

const README = await Deno.readTextFile(new URL("../README.md", import.meta.url));

/** The `generate` commands of the README's sh blocks, continuation lines joined, pipes cut. */
function generateCommands(): string[][] {
  const commands: string[][] = [];
  for (const block of README.matchAll(/```sh\n([\s\S]*?)```/g)) {
    const joined = (block[1] ?? "").replace(/\\\n\s*/g, " ");
    for (const line of joined.split("\n")) {
      const match = /^\s*crio-credential-provider (generate .*)$/.exec(line);
      if (match === null) continue;
      const command = (match[1] ?? "").split(/\s[|>]\s?/)[0]!.trim();
      commands.push(command.split(/\s+/));
    }
  }
  return commands;
}

Deno.test("the README's generate commands run as written", async (t) => {
  const commands = generateCommands();
  assert.ok(commands.length >= 4, `${commands.length} commands`);
  for (const command of commands) {
    await t.step(`crio-credential-provider ${command.join(" ")}`, async () => {
      const result = await runCli(command, { permissions: ["--allow-read", "--allow-env"] });
      assertEquals(result.code, 0, result.stderr);
      assert.ok(result.stdout.length > 0);
    });
  }
});

Deno.test("the README's doctor sample is doctor's wording", () => {
  const sample = /```text\n(FAIL {2}kubelet runs credential providers: .*)\n {6}→ (.*)\n```/.exec(
    README,
  );
  assert.ok(sample, "the sample is in the README");
  assert.match(
    sample[1]!,
    /configured but not active: .* exist\(s\), kubelet runs without --image-credential-provider-config$/,
  );
  assert.match(
    sample[2]!,
    /^start kubelet with --image-credential-provider-config=<config> and --image-credential-provider-bin-dir=<dir>/,
  );
});
