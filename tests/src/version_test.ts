import { assertEquals } from "../support/assert.ts";
import { formatVersion, versionInfo } from "../../src/version.ts";

Deno.test("formatVersion() aligns values two columns after the longest key", () => {
  assertEquals(
    formatVersion({
      version: "0.1.0",
      gitCommit: "abc",
      typeScriptVersion: "6.0.3",
      dependencies: ["zod 4.6.7", "yaml 2.9.1"],
    }),
    [
      "Version:            0.1.0",
      "GitCommit:          abc",
      "TypeScriptVersion:  6.0.3",
      "Dependencies:",
      "  zod 4.6.7",
      "  yaml 2.9.1",
      "",
    ].join("\n"),
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
