/**
 * The containers/image oracle: `tests/cimage/cmd/cimage-oracle`, a Go program
 * linking the containers/image that CRI-O 1.36 vendors
 * (`go.podman.io/image/v5` v5.38.0, with `github.com/BurntSushi/toml` v1.6.0
 * as CRI-O 1.36.0–1.36.3 pin it). It answers, for a batch of JSON-lines
 * requests in one process, which registries.conf table serves an image, the
 * pull sources the docker transport tries and which of them it refuses before
 * any network access, and what `pkg/docker/config` finds in an auth file.
 *
 * The module `tests/cimage` is its own (the Kubernetes oracles live in
 * `tests/kube`). It is built the way `go_programs.ts` builds those: into
 * `build/go/cimage-oracle-<hash>` at the repository root, the hash covering the
 * Go version, `go.mod`, `go.sum`, the build tags and flags and the program's
 * files; reused while they are unchanged; written to a temporary name and
 * renamed, so concurrent test processes never see a half-written binary.
 * The first build downloads the modules from the Go module proxy.
 *
 * Tests that need it are declared with {@linkcode testWithCimageOracle}: when
 * Go is missing they are ignored outside CI (the reason in the name) and fail
 * in CI (`CI=true`), as `tools.ts` does for other tools. The requests and
 * answers are in `cimage_protocol.ts`; `cimage_session.ts` asks them.
 */

const REPOSITORY = new URL("../../", import.meta.url).pathname;
const MODULE = `${REPOSITORY}tests/cimage`;
const BUILD_DIR = `${REPOSITORY}build/go`;
const PROGRAM = "cimage-oracle";
const IN_CI = Deno.env.get("CI") === "true";

/** Where Go is looked for when it is not on PATH (the official install location). */
const GO_FALLBACKS = ["/usr/local/go/bin/go"];

/**
 * Build tags: OpenPGP in pure Go instead of gpgme, and no btrfs or
 * devicemapper graph drivers, so that no C library is needed.
 */
export const CIMAGE_BUILD_TAGS = [
  "containers_image_openpgp",
  "exclude_graphdriver_btrfs",
  "exclude_graphdriver_devicemapper",
] as const;

const BUILD_FLAGS = ["-trimpath", "-buildvcs=false", `-tags=${CIMAGE_BUILD_TAGS.join(",")}`];

/** The shell command, run from the repository root, that builds the oracle by hand. */
export const CIMAGE_BUILD_COMMAND = `(cd tests/cimage && GOTOOLCHAIN=local go build ` +
  `${BUILD_FLAGS.join(" ")} -o ../../build/go/${PROGRAM} ./cmd/${PROGRAM})`;

/** The built oracle, or one line saying what is missing to build it. */
export type CimageOracle = { readonly path: string } | { readonly missing: string };

// ---------------------------------------------------------------------------
// Building.

let built: Promise<CimageOracle> | undefined;

/**
 * Builds (or reuses the build of) the oracle. Returns its path, or `missing`
 * when no Go toolchain is available. A failing build (a compile error, modules
 * that cannot be downloaded) throws.
 */
export function cimageOracle(): Promise<CimageOracle> {
  if (built === undefined) {
    built = build();
    // A failed build is not remembered, so a later call reports it again.
    built.catch(() => built = undefined);
  }
  return built;
}

async function build(): Promise<CimageOracle> {
  const go = await findGo();
  const version = go === undefined ? undefined : await goVersion(go);
  if (go === undefined || version === undefined) {
    const what = go === undefined
      ? `go (the Go toolchain, neither on PATH nor ${GO_FALLBACKS.join(", ")})`
      : `a working go (\`GOTOOLCHAIN=local ${go} version\` failed)`;
    return { missing: `${what}; it builds ${PROGRAM} with: ${CIMAGE_BUILD_COMMAND}` };
  }
  const path = `${BUILD_DIR}/${PROGRAM}-${await inputsHash(version)}`;
  if (await isFile(path)) return { path };

  await Deno.mkdir(BUILD_DIR, { recursive: true });
  const temporary = `${path.replace(/[^/]*$/, ".$&")}.${Deno.pid}-${crypto.randomUUID()}.tmp`;
  try {
    const output = await new Deno.Command(go, {
      args: ["build", ...BUILD_FLAGS, "-o", temporary, `./cmd/${PROGRAM}`],
      cwd: MODULE,
      env: { GOTOOLCHAIN: "local" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!output.success) {
      const decoder = new TextDecoder();
      throw new Error(
        `Building Go program ${PROGRAM} failed (${CIMAGE_BUILD_COMMAND}):\n` +
          decoder.decode(output.stdout) + decoder.decode(output.stderr),
      );
    }
    await Deno.rename(temporary, path);
  } finally {
    await Deno.remove(temporary).catch(() => {});
  }
  await removeOtherBuilds(path);
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
async function inputsHash(version: string): Promise<string> {
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [];
  const add = (label: string, bytes: Uint8Array) => {
    parts.push(encoder.encode(`${label}\0${bytes.length}\0`), bytes);
  };
  add("go version", encoder.encode(version));
  add("flags", encoder.encode(BUILD_FLAGS.join(" ")));
  for (const file of ["go.mod", "go.sum"]) add(file, await Deno.readFile(`${MODULE}/${file}`));
  const programDir = `${MODULE}/cmd/${PROGRAM}`;
  for (const file of await filesUnder(programDir)) {
    add(`cmd/${PROGRAM}/${file}`, await Deno.readFile(`${programDir}/${file}`));
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

async function removeOtherBuilds(keep: string): Promise<void> {
  const pattern = new RegExp(`^${PROGRAM}-[0-9a-f]{16}$`);
  for await (const item of Deno.readDir(BUILD_DIR)) {
    const path = `${BUILD_DIR}/${item.name}`;
    if (item.isFile && pattern.test(item.name) && path !== keep) {
      await Deno.remove(path).catch(() => {});
    }
  }
}

// ---------------------------------------------------------------------------
// Declaring tests.

/**
 * Declares a test that needs the oracle, built before the test is declared so
 * that a missing Go shows in the name. `fn` receives the binary's path.
 */
export async function testWithCimageOracle(
  name: string,
  fn: (t: Deno.TestContext, path: string) => Promise<void>,
): Promise<void> {
  let path: string | undefined;
  let missing: string | undefined;
  let failure: unknown;
  try {
    const oracle = await cimageOracle();
    if ("path" in oracle) path = oracle.path;
    else missing = oracle.missing;
  } catch (error) {
    failure = error;
  }
  Deno.test({
    name: missing === undefined ? name : `${name} (needs ${missing})`,
    ignore: missing !== undefined && !IN_CI,
    fn: async (t) => {
      if (failure !== undefined) throw failure;
      if (path === undefined) throw new Error(`Missing test requirements: ${missing}`);
      await fn(t, path);
    },
  });
}
