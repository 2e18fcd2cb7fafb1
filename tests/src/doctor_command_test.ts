/**
 * `doctor` on a node layout that is right (`support/doctor_node.ts`), and its
 * output for people. Each failure the issue lists, on a layout that has it:
 * `doctor_command_failures_test.ts`.
 */

import assert from "node:assert/strict";
import { assertEquals } from "../support/assert.ts";
import { doctor } from "../support/doctor_node.ts";
import { runCli } from "../support/run_cli.ts";
import { withTempDir } from "../support/temp_tree.ts";

Deno.test("doctor passes a node that is right", async () => {
  const result = await doctor({});
  assertEquals([result.code, result.stderr], [0, ""], result.stdout);
  assertEquals(result.checks.filter((c) => c.status !== "pass"), []);
  assert.ok(result.checks.length >= 10);
});

Deno.test("doctor prints one line of evidence and one of remedy per check for people", () =>
  withTempDir(async (root) => {
    const result = await runCli([
      "doctor",
      `--proc-root=${root}`,
      `--kubernetes-config-dir=${root}`,
    ], {
      permissions: ["--allow-all"],
    });
    assertEquals(result.code, 1);
    assert.match(
      result.stdout,
      /^FAIL {2}kubelet runs credential providers: no kubelet process found\n {6}→ /,
    );
  }));
