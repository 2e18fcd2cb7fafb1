import { assertEquals } from "../support/assert.ts";
import { formatVersion, formatVersionJson, versionInfo } from "../../src/version.ts";

Deno.test("formatVersion() prints upstream's bytes (upstream-contract §6.3)", async (t) => {
  const rows: readonly [string, Record<string, string | string[]>, string][] = [
    [
      "aligns values two columns after the longest key, no final newline",
      {
        version: "0.1.0",
        gitCommit: "abc",
        typeScriptVersion: "6.0.3",
        dependencies: ["zod 4.6.7", "yaml 2.9.1"],
      },
      "Version:            0.1.0\nGitCommit:          abc\nTypeScriptVersion:  6.0.3\n" +
      "Dependencies:\n  zod 4.6.7\n  yaml 2.9.1",
    ],
    [
      "skips empty values and ends with the last value's newline without dependencies",
      { version: "0.1.0", buildDate: "", dependencies: [] },
      "Version:  0.1.0\n",
    ],
  ];
  for (const [name, info, expected] of rows) {
    await t.step(`formatVersion() ${name}`, () => assertEquals(formatVersion(info), expected));
  }
});

Deno.test("formatVersionJson() indents by two, leaves out empty values, no final newline (W06)", () => {
  assertEquals(
    formatVersionJson({ version: "0.1.0", gitCommit: "", dependencies: ["zod 4.6.7"] }),
    '{\n  "version": "0.1.0",\n  "dependencies": [\n    "zod 4.6.7"\n  ]\n}',
  );
});

Deno.test("versionInfo() names the Deno runtime and the platform as Go would", () => {
  const info = versionInfo();
  assertEquals(Object.keys(info), [
    "version",
    "gitCommit",
    "gitCommitDate",
    "buildDate",
    "denoVersion",
    "v8Version",
    "typeScriptVersion",
    "platform",
    "dependencies",
  ]);
  assertEquals(info.denoVersion, Deno.version.deno);
  assertEquals(/^linux\/(amd64|arm64)$/.test(info.platform as string), true);
});
