/**
 * `--version` and `--version-json`: upstream's keys, with the Deno runtime in
 * place of Go's toolchain fields.
 *
 * @module
 */

import { BUILD } from "./build_config.ts";

const ARCH: Readonly<Record<string, string>> = { "x86_64": "amd64", "aarch64": "arm64" };

/** Go's name for the platform, e.g. `linux/amd64`. */
function platform(): string {
  return `${Deno.build.os}/${ARCH[Deno.build.arch] ?? Deno.build.arch}`;
}

/**
 * The `User-Agent` of API requests, as client-go identifies its users in
 * audit logs: `crio-credential-provider/<version> (<os>/<arch>)`.
 *
 * @example
 * ```ts
 * import { userAgent } from "./version.ts";
 * userAgent(); // e.g. "crio-credential-provider/0.1.0 (linux/amd64)"
 * ```
 */
export function userAgent(): string {
  return `crio-credential-provider/${BUILD.version} (${platform()})`;
}

/** The version facts of this build and runtime. */
export function versionInfo(): VersionInfo {
  return {
    version: BUILD.version,
    gitCommit: BUILD.gitCommit,
    gitCommitDate: BUILD.gitCommitDate,
    buildDate: BUILD.buildDate,
    denoVersion: Deno.version.deno,
    v8Version: Deno.version.v8,
    typeScriptVersion: Deno.version.typescript,
    platform: platform(),
    dependencies: BUILD.dependencies,
  };
}

type VersionInfo = Record<string, string | readonly string[]>;

/** Upstream skips empty values (Go's `omitempty`). */
function nonEmpty(info: VersionInfo): [string, string | readonly string[]][] {
  return Object.entries(info).filter(([, value]) => value.length > 0);
}

/**
 * `--version`: aligned `Key: value` lines as Go's tabwriter prints upstream's
 * (values two columns after the longest key), then the dependencies one per
 * indented line. Byte for byte as upstream: each value line ends in a
 * newline, the dependency lines are only joined by one, so the output ends
 * without a newline unless there are no dependencies.
 *
 * @example
 * ```ts
 * import { formatVersion } from "./version.ts";
 * formatVersion({ version: "0.1.0", dependencies: ["zod 4.6.7"] });
 * // "Version:       0.1.0\nDependencies:\n  zod 4.6.7"
 * ```
 */
export function formatVersion(info: VersionInfo): string {
  const entries = nonEmpty(info);
  const label = (key: string) => `${key[0]?.toUpperCase()}${key.slice(1)}:`;
  const width = Math.max(...entries.map(([key]) => label(key).length)) + 2;
  return entries.map(([key, value]) =>
    typeof value === "string"
      ? `${label(key).padEnd(width)}${value}\n`
      : [label(key), ...value.map((item) => `  ${item}`)].join("\n")
  ).join("");
}

/**
 * `--version-json`: the same values as JSON indented by two spaces, empty
 * ones left out, and no trailing newline, as upstream prints it.
 *
 * @example
 * ```ts
 * import { formatVersionJson } from "./version.ts";
 * formatVersionJson({ version: "0.1.0", buildDate: "" });
 * // '{\n  "version": "0.1.0"\n}'
 * ```
 */
export function formatVersionJson(info: VersionInfo): string {
  return JSON.stringify(Object.fromEntries(nonEmpty(info)), null, 2);
}
