/**
 * Consumes a namespaced auth file the way CRI-O does (`prepareTempAuthFile`):
 * rename it into `<auth-dir>/in-use/<name>-<uuid>.json`, pull with only that
 * file (`SystemContext.AuthFilePath`, here `skopeo --authfile`), delete it.
 * skopeo runs in its own mount namespace with the scenario's drop-in
 * directory bound over /etc/containers/registries.conf.d, so the machine's
 * configuration never takes part.
 */

/** What happened to one pull. */
export interface PullResult {
  /** The auth file existed and was used. */
  readonly usedAuthFile: boolean;
  readonly pulled: boolean;
  readonly output: string;
}

/** Options for {@linkcode crioPull}. */
export interface CrioPullOptions {
  readonly authDir: string;
  /** The file name the provider writes, `<namespace>-<sha256>.json`. */
  readonly authFileName: string;
  readonly registriesConf: string;
  readonly registriesConfDir: string;
  /** What the pod asked for, e.g. `docker.io/library/nginx:latest`. */
  readonly image: string;
  /** A scratch directory for the pulled layout, HOME and an empty auth file. */
  readonly scratch: string;
}

/** Moves the file to in-use, pulls with it (or with no credentials when absent), removes it. */
export async function crioPull(options: CrioPullOptions): Promise<PullResult> {
  const inUseDir = `${options.authDir}/in-use`;
  await Deno.mkdir(inUseDir, { recursive: true, mode: 0o700 });
  const inUse = `${inUseDir}/${
    options.authFileName.replace(/\.json$/, "")
  }-${crypto.randomUUID()}.json`;
  let usedAuthFile = true;
  try {
    await Deno.rename(`${options.authDir}/${options.authFileName}`, inUse);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    // No namespaced file: CRI-O pulls with its other sources, which hold nothing here.
    usedAuthFile = false;
    await Deno.writeTextFile(inUse, '{"auths":{}}');
  }
  try {
    await Deno.mkdir(`${options.scratch}/home`, { recursive: true });
    const script = "mkdir -p /etc/containers/registries.conf.d && " +
      'mount --bind "$1" /etc/containers/registries.conf.d && shift && exec skopeo "$@"';
    const output = await new Deno.Command("unshare", {
      args: [
        "-m",
        "sh",
        "-c",
        script,
        "sh",
        options.registriesConfDir,
        "copy",
        `--authfile=${inUse}`,
        `--registries-conf=${options.registriesConf}`,
        `docker://${options.image}`,
        `oci:${options.scratch}/pulled:latest`,
      ],
      env: { HOME: `${options.scratch}/home` },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const decoder = new TextDecoder();
    return {
      usedAuthFile,
      pulled: output.success,
      output: decoder.decode(output.stdout) + decoder.decode(output.stderr),
    };
  } finally {
    // After the pull, successful or not, CRI-O removes the in-use file.
    await Deno.remove(inUse);
  }
}
