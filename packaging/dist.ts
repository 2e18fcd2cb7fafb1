/**
 * `deno task dist`: the release artifacts in `dist/`:
 *
 * - `crio-credential-provider-<version>.tar.gz`: the tracked sources, a
 *   `build-stamp.json` with the git commit and its date, and
 *   `vendor/deno_dir` holding the locked npm packages and the bundler, so an
 *   offline build root can run `build.ts` and the tests (`--cached-only`).
 *   Reproducible: sorted entries, fixed owner, times from `SOURCE_DATE_EPOCH`
 *   or the commit date.
 * - `crio-credential-provider.spec`: the RPM spec with deno.json's version.
 * - `crio-credential-provider-<version>.spdx.json`: the SBOM, from deno.lock.
 * - any binaries built into `build/`.
 * - `SHA256SUMS` of all of the above.
 *
 * @module
 */
// deno-lint-ignore-file no-console

import denoJson from "../deno.json" with { type: "json" };
import { lockedPackages, spdxDocument } from "./spdx.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const NAME = `crio-credential-provider-${denoJson.version}`;

async function run(
  command: string,
  args: string[],
  options: { cwd?: string } = {},
): Promise<string> {
  const output = await new Deno.Command(command, {
    args,
    cwd: options.cwd ?? ROOT,
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  const decoder = new TextDecoder();
  if (!output.success) {
    throw new Error(`${command} ${args.join(" ")} failed: ${decoder.decode(output.stderr).trim()}`);
  }
  return decoder.decode(output.stdout);
}

let cachedDenoDir: Promise<string> | undefined;

/** This machine's Deno cache (asked once: it takes a `deno info` process). */
function denoDir(): Promise<string> {
  cachedDenoDir ??= run(Deno.execPath(), ["info", "--json"])
    .then((text) => (JSON.parse(text) as { denoDir: string }).denoDir);
  return cachedDenoDir;
}

async function copy(from: string, to: string): Promise<void> {
  await Deno.mkdir(to.slice(0, to.lastIndexOf("/")), { recursive: true });
  await run("cp", ["-R", from, to]);
}

/**
 * Copies what an offline build needs from this machine's Deno cache into
 * `target`: the locked npm packages and the bundler. Not the denort runtime:
 * that is the packager's declared source.
 */
export async function vendorDenoDir(target: string, lock: unknown): Promise<void> {
  const cache = await denoDir();
  for (const { name, version } of lockedPackages(lock)) {
    const base = `npm/registry.npmjs.org/${name}`;
    await copy(`${cache}/${base}/${version}`, `${target}/${base}/${version}`);
    await copy(`${cache}/${base}/registry.json`, `${target}/${base}/registry.json`);
  }
  // deno bundle runs esbuild, which Deno keeps in its cache.
  for await (const entry of Deno.readDir(`${cache}/dl`)) {
    if (entry.name.startsWith("esbuild-")) {
      await copy(`${cache}/dl/${entry.name}`, `${target}/dl/${entry.name}`);
    }
  }
}

async function licenses(lock: unknown): Promise<Map<string, string>> {
  const cache = await denoDir();
  const found = new Map<string, string>();
  for (const { name, version } of lockedPackages(lock)) {
    try {
      const manifest = JSON.parse(
        await Deno.readTextFile(`${cache}/npm/registry.npmjs.org/${name}/${version}/package.json`),
      ) as { license?: unknown };
      if (typeof manifest.license === "string") found.set(name, manifest.license);
    } catch {
      // not cached: NOASSERTION
    }
  }
  return found;
}

async function sha256(path: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(path));
  return new Uint8Array(digest).toHex();
}

/** Writes the release artifacts into `out`; returns their names. */
export async function dist(out = `${ROOT}dist`): Promise<string[]> {
  const commit = (await run("git", ["rev-parse", "HEAD"])).trim();
  const commitDate = (await run("git", ["log", "-1", "--format=%cI"])).trim();
  const epoch = Deno.env.get("SOURCE_DATE_EPOCH") ??
    (await run("git", ["log", "-1", "--format=%ct"])).trim();
  const lock = JSON.parse(await Deno.readTextFile(`${ROOT}deno.lock`));
  await Deno.remove(out, { recursive: true }).catch(() => {});
  const stage = `${out}/.stage/${NAME}`;
  await Deno.mkdir(stage, { recursive: true });
  for (const file of (await run("git", ["ls-files", "-z"])).split("\0").filter(Boolean)) {
    await copy(`${ROOT}${file}`, `${stage}/${file}`);
  }
  await Deno.writeTextFile(
    `${stage}/build-stamp.json`,
    `${JSON.stringify({ gitCommit: commit, gitCommitDate: commitDate })}\n`,
  );
  await vendorDenoDir(`${stage}/vendor/deno_dir`, lock);
  const tarball = `${NAME}.tar.gz`;
  await run("sh", [
    "-c",
    'tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$1" ' +
    "--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime " +
    '-cf - -C "$2" "$3" | gzip -n -9 > "$4"',
    "sh",
    epoch,
    `${out}/.stage`,
    NAME,
    `${out}/${tarball}`,
  ]);
  await Deno.remove(`${out}/.stage`, { recursive: true });

  const spec = await Deno.readTextFile(`${ROOT}packaging/rpm/crio-credential-provider.spec`);
  await Deno.writeTextFile(
    `${out}/crio-credential-provider.spec`,
    spec.replace(/^Version:(\s+).*$/m, `Version:$1${denoJson.version}`),
  );
  const sbom = `${NAME}.spdx.json`;
  await Deno.writeTextFile(
    `${out}/${sbom}`,
    spdxDocument({
      version: denoJson.version,
      denoVersion: Deno.version.deno,
      packages: lockedPackages(lock),
      licenses: await licenses(lock),
      created: new Date(Number(epoch) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z"),
    }),
  );
  const artifacts = [tarball, "crio-credential-provider.spec", sbom];
  try {
    for await (const entry of Deno.readDir(`${ROOT}build`)) {
      if (entry.isFile && entry.name.startsWith("crio-credential-provider")) {
        await Deno.copyFile(`${ROOT}build/${entry.name}`, `${out}/${entry.name}`);
        artifacts.push(entry.name);
      }
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  artifacts.sort();
  const sums = [];
  for (const name of artifacts) sums.push(`${await sha256(`${out}/${name}`)}  ${name}`);
  await Deno.writeTextFile(`${out}/SHA256SUMS`, `${sums.join("\n")}\n`);
  return [...artifacts, "SHA256SUMS"];
}

if (import.meta.main) {
  try {
    const out = Deno.args[0] ?? `${ROOT}dist`;
    for (const name of await dist(out)) console.log(`${out}/${name}`);
  } catch (error) {
    console.error((error as Error).message);
    Deno.exit(1);
  }
}
