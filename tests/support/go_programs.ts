/**
 * Builds the Go test oracles under `tests/kube/cmd/` (programs that run real
 * Kubernetes code) so Deno tests can execute them.
 *
 * A program is built into `build/go/<name>-<hash>` at the repository root,
 * where the hash covers everything the binary depends on: the Go version,
 * `tests/kube/go.mod`, `tests/kube/go.sum` and the program's own files. A
 * build is reused while its inputs are unchanged. Builds go to a temporary
 * name first and are renamed into place, so concurrent test processes never
 * see a half-written binary.
 *
 * When Go is not installed the program is reported `missing`; the caller
 * decides whether that ignores or fails the test (see `tools.ts`).
 */

const REPOSITORY = new URL("../../", import.meta.url).pathname;
const KUBE_MODULE = `${REPOSITORY}tests/kube`;
const BUILD_DIR = `${REPOSITORY}build/go`;

/** Where Go is looked for when it is not on PATH (the official install location). */
const GO_FALLBACKS = ["/usr/local/go/bin/go"];

const BUILD_FLAGS = ["-trimpath", "-buildvcs=false"];

/** A built Go program, or one line saying what is missing to build it. */
export type GoProgram = { readonly path: string } | { readonly missing: string };

/** The shell command, run from the repository root, that builds program `name` by hand. */
export const GO_BUILD_COMMAND = (name: string): string =>
  `(cd tests/kube && GOTOOLCHAIN=local go build ${BUILD_FLAGS.join(" ")} ` +
  `-o ../../build/go/${name} ./cmd/${name})`;

const built = new Map<string, Promise<GoProgram>>();

/**
 * Builds (or reuses the build of) the Go program in `tests/kube/cmd/<name>/`.
 * Returns its path, or `missing` when no Go toolchain is available. A failing
 * build (a compile error, modules that cannot be downloaded) throws.
 */
export function goProgram(name: string): Promise<GoProgram> {
  if (!/^[\w.-]+$/.test(name) || name.startsWith(".")) {
    return Promise.reject(new Error(`Not a program directory name: ${JSON.stringify(name)}`));
  }
  let program = built.get(name);
  if (program === undefined) {
    program = build(name);
    built.set(name, program);
    // A failed build is not remembered, so a later call reports it again.
    program.catch(() => built.delete(name));
  }
  return program;
}

async function build(name: string): Promise<GoProgram> {
  const go = await findGo();
  if (go === undefined) {
    return {
      missing: `go (the Go toolchain, neither on PATH nor ${GO_FALLBACKS.join(", ")}); ` +
        `it builds ${name} with: ${GO_BUILD_COMMAND(name)}`,
    };
  }
  const version = await goVersion(go);
  if (version === undefined) {
    return {
      missing: `a working go (\`GOTOOLCHAIN=local ${go} version\` failed); ` +
        `it builds ${name} with: ${GO_BUILD_COMMAND(name)}`,
    };
  }

  const hash = await inputsHash(name, version);
  const path = `${BUILD_DIR}/${name}-${hash}`;
  if (await isFile(path)) return { path };

  await Deno.mkdir(BUILD_DIR, { recursive: true });
  const temporary = `${BUILD_DIR}/.${name}-${hash}.${Deno.pid}-${crypto.randomUUID()}.tmp`;
  try {
    const output = await new Deno.Command(go, {
      args: ["build", ...BUILD_FLAGS, "-o", temporary, `./cmd/${name}`],
      cwd: KUBE_MODULE,
      env: { GOTOOLCHAIN: "local" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!output.success) {
      const decoder = new TextDecoder();
      throw new Error(
        `Building Go program ${name} failed (${GO_BUILD_COMMAND(name)}):\n` +
          decoder.decode(output.stdout) + decoder.decode(output.stderr),
      );
    }
    await Deno.rename(temporary, path);
  } finally {
    await Deno.remove(temporary).catch(() => {});
  }
  await removeOtherBuilds(name, path);
  return { path };
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

async function findGo(): Promise<string | undefined> {
  const onPath = (Deno.env.get("PATH") ?? "").split(":").filter((dir) => dir !== "")
    .map((dir) => `${dir}/go`);
  for (const candidate of [...onPath, ...GO_FALLBACKS]) {
    if (await isFile(candidate)) return candidate;
  }
  return undefined;
}

/** The output of `go version`, or undefined when that does not run. */
async function goVersion(go: string): Promise<string | undefined> {
  try {
    const output = await new Deno.Command(go, {
      args: ["version"],
      env: { GOTOOLCHAIN: "local" },
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).output();
    return output.success ? new TextDecoder().decode(output.stdout) : undefined;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.PermissionDenied) {
      return undefined;
    }
    throw error;
  }
}

/** Paths of the regular files under `dir`, relative to it, sorted. */
async function filesUnder(dir: string, prefix = ""): Promise<string[]> {
  const files: string[] = [];
  for await (const item of Deno.readDir(`${dir}/${prefix}`)) {
    const relative = `${prefix}${item.name}`;
    if (item.isDirectory) files.push(...await filesUnder(dir, `${relative}/`));
    else if (item.isFile) files.push(relative);
  }
  return files.sort();
}

/** First 16 hex digits of a sha256 over everything the build depends on. */
async function inputsHash(name: string, version: string): Promise<string> {
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [];
  const add = (label: string, bytes: Uint8Array) => {
    parts.push(encoder.encode(`${label}\0${bytes.length}\0`), bytes);
  };
  add("go version", encoder.encode(version));
  for (const file of ["go.mod", "go.sum"]) {
    add(file, await Deno.readFile(`${KUBE_MODULE}/${file}`));
  }
  const programDir = `${KUBE_MODULE}/cmd/${name}`;
  for (const file of await filesUnder(programDir)) {
    add(`cmd/${name}/${file}`, await Deno.readFile(`${programDir}/${file}`));
  }
  const all = new Uint8Array(parts.reduce((length, part) => length + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.length;
  }
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", all));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("").slice(0, 16);
}

/** Removes earlier builds of `name` (other hashes), which would otherwise pile up. */
async function removeOtherBuilds(name: string, keep: string): Promise<void> {
  const pattern = new RegExp(`^${name.replaceAll(".", "\\.")}-[0-9a-f]{16}$`);
  for await (const item of Deno.readDir(BUILD_DIR)) {
    const path = `${BUILD_DIR}/${item.name}`;
    if (item.isFile && pattern.test(item.name) && path !== keep) {
      await Deno.remove(path).catch(() => {});
    }
  }
}
