/**
 * Builds the Go programs of the benchmark from `tests/upstream/`: the released
 * upstream provider (`github.com/cri-o/crio-credential-provider` v0.1.2, from
 * the Go module proxy, pinned by that module's `go.mod` and `go.sum`) and the
 * API and journald stand-ins.
 *
 * Upstream takes its paths only at build time (`-ldflags -X` on the variables
 * of its `pkg/config`), so there is one build per node layout. Two more
 * variables point it at the layout and nowhere else on the host: go-systemd's
 * journal socket and containers/image's system `registries.conf.d` (both
 * documented as set at build time). Otherwise it is built as upstream's
 * release is (`CGO_ENABLED=0`, `-trimpath`, `-s -w`), with the Go installed
 * here instead of the release's Go 1.24.
 *
 * A build goes to `build/go/<name>-<hash>`, the hash covering the Go version,
 * `go.mod`, `go.sum`, the package, the ldflags and the program's own sources
 * (for programs of this module); it is reused while they are unchanged.
 *
 * @module
 */

import type { PermissionPaths } from "../../src/permissions.ts";

const REPOSITORY = new URL("../../", import.meta.url).pathname;
const MODULE = `${REPOSITORY}tests/upstream`;
const BUILD_DIR = `${REPOSITORY}build/go`;
const GO_FALLBACKS = ["/usr/local/go/bin/go"];

/** The upstream release that is measured. */
export const UPSTREAM_VERSION = "v0.1.2";
const UPSTREAM = "github.com/cri-o/crio-credential-provider";

/** A built program, or one line saying why it could not be built. */
export type GoBuild = { readonly path: string } | { readonly missing: string };

/** The `-ldflags` that point upstream's build at `paths` (a layout from `nodeLayout`). */
export function upstreamLdflags(paths: PermissionPaths): string {
  const set = (variable: string, value: string) => {
    if (/\s|'|"/.test(value)) {
      throw new Error(`A path for -X must not hold spaces or quotes: ${value}`);
    }
    return `-X ${variable}=${value}`;
  };
  return [
    "-s",
    "-w",
    set(`${UPSTREAM}/pkg/config.RegistriesConfPath`, paths.registriesConf),
    set(`${UPSTREAM}/pkg/config.AuthDir`, paths.authDir),
    set(`${UPSTREAM}/pkg/config.KubeletAuthFilePath`, paths.globalAuthFile),
    set(`${UPSTREAM}/pkg/config.KubernetesConfigDir`, paths.kubernetesConfigDir),
    set("github.com/coreos/go-systemd/v22/journal.journalSocket", paths.journalSocket),
    set(
      "go.podman.io/image/v5/pkg/sysregistriesv2.systemRegistriesConfDirPath",
      paths.registriesConfDir,
    ),
  ].join(" ");
}

/** Builds (or reuses) upstream's `cmd/crio-credential-provider` for the layout at `paths`. */
export function buildUpstream(label: string, paths: PermissionPaths): Promise<GoBuild> {
  return goBuild({
    name: `upstream-${UPSTREAM_VERSION}-${label}`,
    pkg: `${UPSTREAM}/cmd/crio-credential-provider`,
    ldflags: upstreamLdflags(paths),
  });
}

/** Builds (or reuses) `tests/upstream/cmd/journal-stand-in`. */
export function buildJournalStandIn(): Promise<GoBuild> {
  return goBuild({ name: "journal-stand-in", pkg: "./cmd/journal-stand-in", ldflags: "" });
}

/** Builds (or reuses) `tests/upstream/cmd/api-stand-in`. */
export function buildApiStandIn(): Promise<GoBuild> {
  return goBuild({ name: "api-stand-in", pkg: "./cmd/api-stand-in", ldflags: "" });
}

interface BuildSpec {
  readonly name: string;
  readonly pkg: string;
  readonly ldflags: string;
}

const commandLine = (spec: BuildSpec) =>
  `(cd tests/upstream && GOTOOLCHAIN=local CGO_ENABLED=0 go build -trimpath -buildvcs=false ` +
  `-ldflags "${spec.ldflags}" -o ../../build/go/${spec.name} ${spec.pkg})`;

async function goBuild(spec: BuildSpec): Promise<GoBuild> {
  const go = await findGo();
  if (go === undefined) {
    return { missing: `go (neither on PATH nor ${GO_FALLBACKS.join(", ")})` };
  }
  const version = await run(go, ["version"], REPOSITORY);
  if (!version.success) return { missing: `a working go (\`${go} version\` failed)` };
  const hash = await inputsHash(spec, version.stdout);
  const path = `${BUILD_DIR}/${spec.name}-${hash}`;
  if (await isFile(path)) return { path };
  await Deno.mkdir(BUILD_DIR, { recursive: true });
  const temporary = `${BUILD_DIR}/.${spec.name}-${hash}.${Deno.pid}.tmp`;
  try {
    const args = ["build", "-trimpath", "-buildvcs=false", "-ldflags", spec.ldflags];
    const output = await run(go, [...args, "-o", temporary, spec.pkg], MODULE);
    if (!output.success) {
      throw new Error(`Building ${spec.name} failed (${commandLine(spec)}):\n${output.stderr}`);
    }
    await Deno.rename(temporary, path);
  } finally {
    await Deno.remove(temporary).catch(() => {});
  }
  // Earlier builds of the same name (other inputs) would otherwise pile up.
  const pattern = new RegExp(`^${spec.name.replaceAll(".", "\\.")}-[0-9a-f]{16}$`);
  for await (const item of Deno.readDir(BUILD_DIR)) {
    if (item.isFile && pattern.test(item.name) && `${BUILD_DIR}/${item.name}` !== path) {
      await Deno.remove(`${BUILD_DIR}/${item.name}`).catch(() => {});
    }
  }
  return { path };
}

async function run(command: string, args: string[], cwd: string) {
  const output = await new Deno.Command(command, {
    args,
    cwd,
    env: { GOTOOLCHAIN: "local", CGO_ENABLED: "0" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return {
    success: output.success,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

async function isFile(path: string): Promise<boolean> {
  return (await Deno.stat(path).catch(() => undefined))?.isFile ?? false;
}

async function findGo(): Promise<string | undefined> {
  const onPath = (Deno.env.get("PATH") ?? "").split(":").filter((dir) => dir !== "")
    .map((dir) => `${dir}/go`);
  for (const candidate of [...onPath, ...GO_FALLBACKS]) {
    if (await isFile(candidate)) return candidate;
  }
  return undefined;
}

/** The files of a program of this module (empty for a package of another module). */
async function programFiles(pkg: string): Promise<string[]> {
  if (!pkg.startsWith("./")) return [];
  const dir = `${MODULE}/${pkg.slice(2)}`;
  const names: string[] = [];
  for await (const item of Deno.readDir(dir)) if (item.isFile) names.push(`${dir}/${item.name}`);
  return names.sort();
}

async function inputsHash(spec: BuildSpec, goVersion: string): Promise<string> {
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [];
  const add = (label: string, bytes: Uint8Array) =>
    parts.push(encoder.encode(`${label}\0${bytes.length}\0`), bytes);
  add("go version", encoder.encode(goVersion));
  add("package", encoder.encode(spec.pkg));
  add("ldflags", encoder.encode(spec.ldflags));
  add("env", encoder.encode("CGO_ENABLED=0 -trimpath -buildvcs=false"));
  for (const file of ["go.mod", "go.sum"]) add(file, await Deno.readFile(`${MODULE}/${file}`));
  for (const file of await programFiles(spec.pkg)) {
    add(file.slice(MODULE.length), await Deno.readFile(file));
  }
  const all = new Uint8Array(parts.reduce((length, part) => length + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.length;
  }
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", all));
  return digest.toHex().slice(0, 16);
}
