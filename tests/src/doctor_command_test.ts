/**
 * `doctor` on a node layout that is right (`support/doctor_node.ts`), and its
 * output for people. Each failure the issue lists, on a layout that has it:
 * `doctor_command_failures_test.ts`.
 */

import assert from "node:assert/strict";
import { assertEquals } from "../support/assert.ts";
import { doctor } from "../support/doctor_node.ts";
import { serviceAccountToken } from "../support/api_stand_in.ts";
import { runCli } from "../support/run_cli.ts";
import { withTempDir, writeTree } from "../support/temp_tree.ts";
import { STANDARD_DEFAULTS } from "../../src/build_config.ts";
import { permissionFlags } from "../../src/permissions.ts";

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

Deno.test("doctor escapes control characters in its output for people", () =>
  withTempDir(async (root) => {
    // A token's audience is printed as evidence; one carrying a terminal escape stays text.
    await Deno.writeTextFile(
      `${root}/token`,
      serviceAccountToken("default", { aud: "\u001b]0;forged title\u0007x\nFAIL  forged" }),
    );
    const result = await runCli([
      "doctor",
      `--proc-root=${root}`,
      `--kubernetes-config-dir=${root}`,
      `--token-file=${root}/token`,
      "--api-server=https://127.0.0.1:1",
      `--ca-file=${new URL("../testdata/tls/ca.pem", import.meta.url).pathname}`,
    ], {
      permissions: ["--allow-all"],
    });
    // deno-lint-ignore no-control-regex -- no control character but the line ends may remain
    assert.doesNotMatch(result.stdout, /[\x00-\x09\x0b-\x1f\x7f]/);
    assert.doesNotMatch(result.stdout, /^FAIL {2}forged/m);
    assert.match(result.stdout, /audience \\x1b\]0;forged title\\x07x\\x0aFAIL {2}forged/);
  }));

Deno.test("doctor with the provider's own permissions does not compare CRI-O's settings it may not read", () =>
  withTempDir(async (root) => {
    await writeTree(root, {
      "crio/crio.conf": '[crio.image]\nglobal_auth_file = "/var/lib/kubelet/config.json"\n',
    });
    const paths = { ...STANDARD_DEFAULTS, home: `${root}/home` };
    const result = await runCli([
      "doctor",
      "--json",
      `--crio-config=${root}/crio/crio.conf`,
      `--crio-config-dir=${root}/crio/crio.conf.d`,
    ], { permissions: permissionFlags(paths), env: { HOME: paths.home } });
    const checks = (JSON.parse(result.stdout) as { checks: { name: string; evidence: string }[] })
      .checks;
    const crio = checks.find((c) => c.name === "CRI-O configuration");
    assert.match(
      crio?.evidence ?? "",
      /^this build may not read .*crio\.conf.*; auth directory and global auth file not compared$/,
    );
    assertEquals(checks.filter((c) => c.name.endsWith(" agrees")), []);
  }));
