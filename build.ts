/**
 * `deno task build`: one executable, `build/crio-credential-provider`.
 *
 * 1. Stage a copy of the sources with the build's stamps (version, git
 *    commit and date, build date, dependencies) and default paths written
 *    into `src/build_config.ts`; tracked files are never edited.
 * 2. Bundle it (esbuild through `deno bundle`: minified, code-split, YAML
 *    left out of the start-up path), which starts measurably faster than the
 *    module graph (see README, "Start-up").
 * 3. `deno compile` the bundle with exactly the permissions the provider
 *    needs for those paths (`src/permissions.ts`), for the chosen target.
 *
 * `deno compile` downloads the `denort` runtime unless `DENORT_BIN` points at
 * one; offline build roots must set it.
 *
 * @module
 */

import { parseArgs } from "node:util";
import denoJson from "./deno.json" with { type: "json" };
import { type BuildConfig, type BuildDefaults, STANDARD_DEFAULTS } from "./src/build_config.ts";
import { lockedPackages } from "./packaging/spdx.ts";
import { permissionFlags } from "./src/permissions.ts";

const ROOT = new URL(".", import.meta.url).pathname;
/** The targets RHEL and Fedora ship. */
export const TARGETS = ["x86_64-unknown-linux-gnu", "aarch64-unknown-linux-gnu"] as const;
const SOURCES = ["domain", "adapters", "src", "deno.json", "deno.lock"];
const DEFAULT_FLAGS: Record<string, keyof BuildDefaults> = {
  "registries-conf": "registriesConf",
  "registries-conf-dir": "registriesConfDir",
  "auth-dir": "authDir",
  "global-auth-file": "globalAuthFile",
  "kubernetes-config-dir": "kubernetesConfigDir",
  "kubelet-kubeconfig": "kubeletKubeconfig",
  "journal-socket": "journalSocket",
  home: "home",
};

/** What to build. */
export interface BuildOptions {
  readonly output: string;
  readonly target: typeof TARGETS[number];
  /** Compile the module graph instead of the bundle (to compare start-up). */
  readonly moduleGraph: boolean;
  readonly stamp: BuildConfig;
  /**
   * Also grant this directory, so the test suites can run against the binary
   * (CRIO_CREDENTIAL_PROVIDER_BIN); never for a release.
   */
  readonly testRoot?: string;
}

/**
 * A release tarball has no `.git`; `deno task dist` records the commit there.
 * The file holds `{"gitCommit": "…", "gitCommitDate": "…"}`.
 */
export const STAMP_FILE = "build-stamp.json";

async function git(args: string[]): Promise<string | undefined> {
  try {
    const output = await new Deno.Command("git", {
      args,
      cwd: ROOT,
      stdout: "piped",
      stderr: "null",
    })
      .output();
    return output.success ? new TextDecoder().decode(output.stdout).trim() || undefined : undefined;
  } catch {
    return undefined; // no git, or a tarball without .git
  }
}

/** `name version integrity` for each npm package in deno.lock. */
export async function lockedDependencies(lockPath = `${ROOT}deno.lock`): Promise<string[]> {
  return lockedPackages(JSON.parse(await Deno.readTextFile(lockPath)))
    .map((p) => `${p.name} ${p.version} ${p.integrity}`.trim());
}

async function recordedStamp(): Promise<{ gitCommit?: string; gitCommitDate?: string }> {
  try {
    return JSON.parse(await Deno.readTextFile(`${ROOT}${STAMP_FILE}`));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return {};
    throw new Error(`Cannot read "${STAMP_FILE}"`, { cause: error });
  }
}

/**
 * The build's stamps: flags first, then the release tarball's
 * `build-stamp.json`, then git, then "unknown"; the build date from
 * `SOURCE_DATE_EPOCH` when set, for reproducible builds.
 */
export async function resolveStamp(
  values: Readonly<Record<string, string | undefined>>,
): Promise<BuildConfig> {
  const recorded = await recordedStamp();
  const epoch = Deno.env.get("SOURCE_DATE_EPOCH");
  const buildDate = values["build-date"] ??
    new Date(epoch ? Number(epoch) * 1000 : Date.now()).toISOString().replace(/\.\d{3}Z$/, "Z");
  const defaults = { ...STANDARD_DEFAULTS };
  for (const [flag, key] of Object.entries(DEFAULT_FLAGS)) {
    const value = values[flag];
    if (value === undefined) continue;
    if (!value.startsWith("/")) {
      throw new Error(`--${flag} must be an absolute path, got "${value}"`);
    }
    defaults[key] = value;
  }
  return {
    version: values.version ?? denoJson.version,
    // A release tarball's record wins over git: it may be unpacked inside another checkout.
    gitCommit: values["git-commit"] ?? recorded.gitCommit ?? await git(["rev-parse", "HEAD"]) ??
      "unknown",
    gitCommitDate: values["git-commit-date"] ?? recorded.gitCommitDate ??
      await git(["log", "-1", "--format=%cI"]) ?? "unknown",
    buildDate,
    dependencies: await lockedDependencies(),
    defaults,
  };
}

/** Copies the sources to `dir` and stamps `src/build_config.ts` there. */
export async function stageSources(stamp: BuildConfig, dir: string): Promise<void> {
  for (const source of SOURCES) {
    const command = new Deno.Command("cp", { args: ["-R", `${ROOT}${source}`, `${dir}/`] });
    if (!(await command.output()).success) {
      throw new Error(`Cannot stage "${source}" into "${dir}"`);
    }
  }
  const path = `${dir}/src/build_config.ts`;
  const text = await Deno.readTextFile(path);
  const marker = /\/\* build-stamp \*\/ null \/\* end-build-stamp \*\//;
  if (!marker.test(text)) {
    throw new Error(`Cannot stamp "${path}": its build-stamp marker is missing`);
  }
  await Deno.writeTextFile(path, text.replace(marker, JSON.stringify(stamp)));
}

/** Bundles the staged sources; returns the entry module's path. */
export async function bundleSources(dir: string): Promise<string> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--quiet",
      "--minify",
      "--code-splitting",
      "--platform=deno",
      // The YAML parser is CommonJS; bundled, it would make every start load
      // Node's module system. Left external, it loads only with a kubeconfig.
      "--external=yaml",
      `--outdir=${dir}/bundle`,
      `${dir}/src/main.ts`,
    ],
    cwd: dir,
    stderr: "piped",
  }).output();
  if (!output.success) {
    throw new Error(`Cannot bundle the sources: ${new TextDecoder().decode(output.stderr).trim()}`);
  }
  return `${dir}/bundle/main.js`;
}

/** The `deno compile` arguments for a staged build. */
export function compileArgs(options: BuildOptions, dir: string): string[] {
  return [
    "compile",
    "--quiet",
    "--no-check",
    ...permissionFlags({
      ...options.stamp.defaults,
      ...(options.testRoot === undefined ? {} : { testRoot: options.testRoot }),
    }),
    `--target=${options.target}`,
    `--output=${options.output}`,
    options.moduleGraph ? `${dir}/src/main.ts` : `${dir}/bundle/main.js`,
  ];
}

const NEEDS_DENORT = (target: string) =>
  `Cannot compile: deno compile needs the denort runtime of Deno ${Deno.version.deno} for ${target} ` +
  `and could not download it. Set DENORT_BIN to that denort binary (offline builds must).`;

/** Stages, bundles and compiles; returns the executable's path. */
export async function build(options: BuildOptions): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "crio-credential-provider-build-" });
  try {
    await stageSources(options.stamp, dir);
    if (!options.moduleGraph) await bundleSources(dir);
    const denort = Deno.env.get("DENORT_BIN");
    if (denort !== undefined && !(await Deno.stat(denort).catch(() => undefined))?.isFile) {
      throw new Error(`Cannot compile: DENORT_BIN "${denort}" is not a file`);
    }
    await Deno.mkdir(options.output.slice(0, options.output.lastIndexOf("/")) || ".", {
      recursive: true,
    });
    const output = await new Deno.Command(Deno.execPath(), {
      args: compileArgs(options, dir),
      cwd: dir,
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!output.success) {
      const detail = new TextDecoder().decode(output.stderr);
      if (denort === undefined && /dl\.deno\.land|denort/.test(detail)) {
        throw new Error(NEEDS_DENORT(options.target));
      }
      throw new Error(`Cannot compile: ${detail.trim().split("\n").slice(0, 6).join(" ")}`);
    }
    return options.output;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Parses `build.ts` flags. */
export async function parseBuildArgs(args: readonly string[]): Promise<BuildOptions> {
  const strings = [
    "output",
    "target",
    "version",
    "git-commit",
    "git-commit-date",
    "build-date",
    "test-root",
    ...Object.keys(DEFAULT_FLAGS),
  ];
  const { values } = parseArgs({
    args: [...args],
    options: {
      ...Object.fromEntries(strings.map((name) => [name, { type: "string" as const }])),
      "module-graph": { type: "boolean" },
    },
  });
  const flags = values as Record<string, string | boolean | undefined>;
  const target = (flags.target as string | undefined) ?? TARGETS[0];
  if (!TARGETS.includes(target as typeof TARGETS[number])) {
    throw new Error(`--target must be one of ${TARGETS.join(", ")}, got "${target}"`);
  }
  return {
    output: (flags.output as string | undefined) ?? `${ROOT}build/crio-credential-provider`,
    target: target as typeof TARGETS[number],
    moduleGraph: flags["module-graph"] === true,
    stamp: await resolveStamp(flags as Record<string, string | undefined>),
    ...(typeof flags["test-root"] === "string" ? { testRoot: flags["test-root"] } : {}),
  };
}

if (import.meta.main) {
  try {
    const options = await parseBuildArgs(Deno.args);
    const path = await build(options);
    // deno-lint-ignore no-console
    console.log(`Built ${path} (${options.target}, version ${options.stamp.version})`);
  } catch (error) {
    // deno-lint-ignore no-console
    console.error((error as Error).message);
    Deno.exit(1);
  }
}
