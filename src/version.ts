/**
 * `--version` and `--version-json`: upstream's keys, with the Deno runtime in
 * place of Go's toolchain fields.
 *
 * @module
 */

import { BUILD } from "./build_config.ts";

const ARCH: Readonly<Record<string, string>> = { "x86_64": "amd64", "aarch64": "arm64" };

/** The version facts of this build and runtime. */
export function versionInfo(): Record<string, string | readonly string[]> {
  return {
    version: BUILD.version,
    gitCommit: BUILD.gitCommit,
    gitCommitDate: BUILD.gitCommitDate,
    buildDate: BUILD.buildDate,
    denoVersion: Deno.version.deno,
    v8Version: Deno.version.v8,
    typeScriptVersion: Deno.version.typescript,
    platform: `${Deno.build.os}/${ARCH[Deno.build.arch] ?? Deno.build.arch}`,
    dependencies: BUILD.dependencies,
  };
}

/**
 * Aligned `Key: value` lines as Go's tabwriter prints upstream's (values two
 * columns after the longest key), dependencies one per indented line.
 *
 * @example
 * ```ts
 * import { formatVersion } from "./version.ts";
 * formatVersion({ version: "0.1.0", dependencies: ["zod 4.6.7"] });
 * // "Version:       0.1.0\nDependencies:\n  zod 4.6.7\n"
 * ```
 */
export function formatVersion(info: Record<string, string | readonly string[]>): string {
  const entries = Object.entries(info).filter(([, value]) => value.length > 0);
  const label = (key: string) => `${key[0]?.toUpperCase()}${key.slice(1)}:`;
  const width = Math.max(...entries.map(([key]) => label(key).length)) + 2;
  return entries.map(([key, value]) =>
    typeof value === "string"
      ? `${label(key).padEnd(width)}${value}`
      : [label(key), ...value.map((item) => `  ${item}`)].join("\n")
  ).join("\n") + "\n";
}
