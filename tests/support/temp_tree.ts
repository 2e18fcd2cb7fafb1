/** Builds real file trees in temporary directories for adapter and CLI tests. */

/** A file's content, or `{ symlink }` for a symbolic link, or `{ dir: true }`. */
export type TreeEntry = string | { readonly symlink: string } | { readonly dir: true };

/** Writes `entries` (paths relative to `root`) and returns `root`. */
export async function writeTree(root: string, entries: Record<string, TreeEntry>): Promise<string> {
  for (const [relative, entry] of Object.entries(entries)) {
    const path = `${root}/${relative}`;
    await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
    if (typeof entry === "string") await Deno.writeTextFile(path, entry);
    else if ("symlink" in entry) await Deno.symlink(entry.symlink, path);
    else await Deno.mkdir(path, { recursive: true });
  }
  return root;
}

/**
 * Where temporary directories go: the system's, or, when testing a compiled
 * binary, the one test root its baked permissions allow (`build.ts --test-root`).
 */
export const TEST_ROOT = Deno.env.get("CRIO_CREDENTIAL_PROVIDER_BIN") === undefined
  ? undefined
  : "/tmp/crio-credential-provider-tests";

/** Creates a fresh temporary directory (under {@linkcode TEST_ROOT} when set). */
export async function makeTempDir(prefix = "crio-credential-provider-test-"): Promise<string> {
  if (TEST_ROOT !== undefined) await Deno.mkdir(TEST_ROOT, { recursive: true });
  return await Deno.makeTempDir({ prefix, ...(TEST_ROOT === undefined ? {} : { dir: TEST_ROOT }) });
}

/** Runs `fn` with a fresh temporary directory and always removes it. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await makeTempDir();
  try {
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** A registries.conf that mirrors docker.io to one mirror named `mirror`. */
export function dockerHubMirror(mirror: string): string {
  return `[[registry]]\nlocation = "docker.io"\n[[registry.mirror]]\nlocation = "${mirror}"\n`;
}
