/**
 * Builds the Go test oracles under `tests/kube/cmd/` (programs that run real
 * Kubernetes code), or under `cmd/` of another Go module in `tests/` (such as
 * `tests/ignition`), so Deno tests can execute them.
 *
 * A program is built into `build/go/<name>-<hash>` at the repository root,
 * where the hash covers everything the binary depends on: the Go version,
 * `tests/kube/go.mod`, `tests/kube/go.sum` and the program's own files (for
 * another module, its folder and its own module files). A build is reused
 * while its inputs are unchanged. Builds go to a temporary name first and
 * are renamed into place, so concurrent test processes never see a
 * half-written binary.
 *
 * A program can also be built against another module file of `tests/kube`
 * (another Kubernetes release: `go build -modfile=go135.mod`, with its
 * `go135.sum`) and with build tags (`-tags`, for small per-release files).
 * Those are part of the hash and of the name:
 * `build/go/<name>@<modfile without .mod>+<tag>+<tag>-<hash>`.
 *
 * When Go is not installed the program is reported `missing`; the caller
 * decides whether that ignores or fails the test (see `tools.ts`).
 */

const REPOSITORY = new URL("../../", import.meta.url).pathname;
const BUILD_DIR = `${REPOSITORY}build/go`;

/** Where Go is looked for when it is not on PATH (the official install location). */
const GO_FALLBACKS = ["/usr/local/go/bin/go"];

const BUILD_FLAGS = ["-trimpath", "-buildvcs=false"];

/** A built Go program, or one line saying what is missing to build it. */
export type GoProgram = { readonly path: string } | { readonly missing: string };

/** How to build a program, beyond its name. */
export interface GoBuildOptions {
  /**
   * The folder in `tests/` of the Go module that holds `cmd/<name>`. Program
   * names are unique across these modules: they name the builds. @default "kube"
   */
  readonly module?: string;
  /**
   * A module file in the module's folder to build with instead of `go.mod`
   * (`go build -modfile=…`); its checksums are in the file of the same name
   * ending in `.sum`. @default "go.mod"
   */
  readonly modfile?: string;
  /** Build tags (`go build -tags=…`). @default [] */
  readonly tags?: readonly string[];
  /**
   * A main package of a module the module file requires, built instead of
   * `./cmd/<name>` (such as `k8s.io/kubernetes/cmd/kube-apiserver`, kept in
   * the module file by a `tool` line); the module file and its checksums pin
   * its code, so they alone are hashed.
   */
  readonly package?: string;
}

/** A program name and its build options, resolved and checked. */
interface Variant {
  readonly name: string;
  readonly module: string;
  readonly modfile: string;
  readonly sumfile: string;
  readonly tags: readonly string[];
  /** What `go build` builds: `./cmd/<name>`, or the package in the options. */
  readonly target: string;
  /** The binary's name without the hash: `<name>[@<modfile stem>][+<tag>…]`. */
  readonly label: string;
}

function variant(name: string, options: GoBuildOptions): Variant {
  if (!/^[\w.-]+$/.test(name) || name.startsWith(".")) {
    throw new Error(`Not a program directory name: ${JSON.stringify(name)}`);
  }
  const module = options.module ?? "kube";
  if (!/^\w[\w-]*$/.test(module)) {
    throw new Error(`Not a module folder name in tests: ${JSON.stringify(module)}`);
  }
  const modfile = options.modfile ?? "go.mod";
  if (!/^[\w-][\w.-]*\.mod$/.test(modfile)) {
    throw new Error(`Not a module file name in tests/${module}: ${JSON.stringify(modfile)}`);
  }
  const tags = [...(options.tags ?? [])].sort();
  for (const tag of tags) {
    if (!/^[\w.]+$/.test(tag)) throw new Error(`Not a build tag: ${JSON.stringify(tag)}`);
  }
  if (options.package !== undefined && !/^[\w.-]+(\/[\w.-]+)+$/.test(options.package)) {
    throw new Error(`Not a Go package path: ${JSON.stringify(options.package)}`);
  }
  const stem = modfile.slice(0, -".mod".length);
  return {
    name,
    module,
    modfile,
    sumfile: `${stem}.sum`,
    tags,
    target: options.package ?? `./cmd/${name}`,
    label: `${name}${modfile === "go.mod" ? "" : `@${stem}`}${tags.map((t) => `+${t}`).join("")}`,
  };
}

/** The `go build` flags that choose the module file and tags. */
function variantFlags(v: Variant): string[] {
  return [
    ...(v.modfile === "go.mod" ? [] : [`-modfile=${v.modfile}`]),
    ...(v.tags.length === 0 ? [] : [`-tags=${v.tags.join(",")}`]),
  ];
}

/**
 * The shell command, run from the repository root, that builds program
 * `name` (with `options`) by hand.
 */
export const GO_BUILD_COMMAND = (name: string, options: GoBuildOptions = {}): string => {
  const v = variant(name, options);
  return `(cd tests/${v.module} && GOTOOLCHAIN=local go build ${
    [...BUILD_FLAGS, ...variantFlags(v)].join(" ")
  } ` + `-o ../../build/go/${v.label} ${v.target})`;
};

const built = new Map<string, Promise<GoProgram>>();

/**
 * Builds (or reuses the build of) the Go program in `tests/kube/cmd/<name>/`
 * (or `tests/<module>/cmd/<name>/`), with `go.mod` or the module file and
 * tags in `options`. Returns its path, or `missing` when no Go toolchain is
 * available. A failing build (a compile error, modules that cannot be
 * downloaded) throws.
 *
 * @example
 * ```ts ignore
 * const kubelet135 = await goProgram("kubelet-image-manager", { modfile: "go135.mod" });
 * ```
 */
export function goProgram(name: string, options: GoBuildOptions = {}): Promise<GoProgram> {
  let v: Variant;
  try {
    v = variant(name, options);
  } catch (error) {
    return Promise.reject(error);
  }
  let program = built.get(v.label);
  if (program === undefined) {
    program = build(v);
    built.set(v.label, program);
    // A failed build is not remembered, so a later call reports it again.
    program.catch(() => built.delete(v.label));
  }
  return program;
}

async function build(v: Variant): Promise<GoProgram> {
  const command = GO_BUILD_COMMAND(v.name, v);
  const go = await findGo();
  if (go === undefined) {
    return {
      missing: `go (the Go toolchain, neither on PATH nor ${GO_FALLBACKS.join(", ")}); ` +
        `it builds ${v.label} with: ${command}`,
    };
  }
  const version = await goVersion(go);
  if (version === undefined) {
    return {
      missing: `a working go (\`GOTOOLCHAIN=local ${go} version\` failed); ` +
        `it builds ${v.label} with: ${command}`,
    };
  }

  const hash = await inputsHash(v, version);
  const path = `${BUILD_DIR}/${v.label}-${hash}`;
  if (await isFile(path)) return { path };

  await Deno.mkdir(BUILD_DIR, { recursive: true });
  const temporary = `${BUILD_DIR}/.${v.label}-${hash}.${Deno.pid}-${crypto.randomUUID()}.tmp`;
  try {
    const output = await new Deno.Command(go, {
      args: ["build", ...BUILD_FLAGS, ...variantFlags(v), "-o", temporary, v.target],
      cwd: `${REPOSITORY}tests/${v.module}`,
      env: { GOTOOLCHAIN: "local" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!output.success) {
      const decoder = new TextDecoder();
      throw new Error(
        `Building Go program ${v.label} failed (${command}):\n` +
          decoder.decode(output.stdout) + decoder.decode(output.stderr),
      );
    }
    await Deno.rename(temporary, path);
  } finally {
    await Deno.remove(temporary).catch(() => {});
  }
  await removeOtherBuilds(v.label, path);
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

/**
 * First 16 hex digits of a sha256 over everything the build depends on. For
 * the default build (tests/kube, go.mod, no tags) it is the same as before
 * modules, module files and tags could be chosen, so existing builds stay valid.
 */
async function inputsHash(v: Variant, version: string): Promise<string> {
  const moduleDir = `${REPOSITORY}tests/${v.module}`;
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [];
  const add = (label: string, bytes: Uint8Array) => {
    parts.push(encoder.encode(`${label}\0${bytes.length}\0`), bytes);
  };
  add("go version", encoder.encode(version));
  if (v.module !== "kube") add("module", encoder.encode(v.module));
  for (const file of [v.modfile, v.sumfile]) {
    add(file, await Deno.readFile(`${moduleDir}/${file}`));
  }
  if (v.tags.length > 0) add("tags", encoder.encode(v.tags.join(",")));
  if (v.target === `./cmd/${v.name}`) {
    const programDir = `${moduleDir}/cmd/${v.name}`;
    for (const file of await filesUnder(programDir)) {
      add(`cmd/${v.name}/${file}`, await Deno.readFile(`${programDir}/${file}`));
    }
  } else {
    add("package", encoder.encode(v.target));
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

/**
 * Removes earlier builds of the same program, module file and tags (other
 * hashes), which would otherwise pile up.
 */
async function removeOtherBuilds(label: string, keep: string): Promise<void> {
  const pattern = new RegExp(`^${label.replace(/[.+]/g, "\\$&")}-[0-9a-f]{16}$`);
  for await (const item of Deno.readDir(BUILD_DIR)) {
    const path = `${BUILD_DIR}/${item.name}`;
    if (item.isFile && pattern.test(item.name) && path !== keep) {
      await Deno.remove(path).catch(() => {});
    }
  }
}
