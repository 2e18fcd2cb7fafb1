/**
 * Finds and reads registries.conf and its drop-ins the way CRI-O 1.34–1.36
 * does through containers/image's classic loader.
 *
 * Without an explicit main file (CRI-O's default): `$HOME/.config/containers/registries.conf`
 * when it exists, and then only `$HOME/.config/containers/registries.conf.d`;
 * otherwise `/etc/containers/registries.conf` followed by the drop-ins of
 * `/etc/containers/registries.conf.d` and then of the user directory.
 * An explicit main file (`--registries-conf`) keeps both drop-in directories;
 * an explicit drop-in directory (`--registries-conf-dir`) replaces them.
 * Unlike containers/image with an explicit path, a missing main file is never
 * an error: the drop-ins still apply, as they do for CRI-O by default.
 *
 * @module
 */

import type { RegistriesSource, RegistriesSources } from "../domain/registries/registries_model.ts";
import { readTextIfExists } from "./text_files.ts";

/** Where to look; every field is optional. */
export interface RegistriesLocationOptions {
  /** Explicit main file, as CRI-O's `--registries-conf`. */
  readonly confPath?: string;
  /** Explicit drop-in directory, as CRI-O's `--registries-conf-dir`. */
  readonly confDirPath?: string;
  /** The home directory whose `.config/containers` containers/image consults. */
  readonly home?: string;
  /** Prefix for the implicit `/etc` paths (containers/image `RootForImplicitAbsolutePaths`). */
  readonly root?: string;
}

/** The files to read, in load order. */
export interface RegistriesLocations {
  readonly main: string;
  readonly dropInDirs: readonly string[];
}

/** Files found and read, plus where they were looked for. */
export interface RegistriesRead extends RegistriesSources {
  readonly locations: RegistriesLocations;
}

/** containers/image's system-wide main file. */
export const SYSTEM_CONF = "/etc/containers/registries.conf";
/** containers/image's system-wide drop-in directory. */
export const SYSTEM_CONF_DIR = "/etc/containers/registries.conf.d";
const USER_CONF = ".config/containers/registries.conf";
const USER_CONF_DIR = ".config/containers/registries.conf.d";

/**
 * Whether the user's registries.conf is used: as containers/image's
 * `fileutils.Exists` decides it, any failure to reach the file (missing,
 * a symbolic link loop, a directory in the way, no permission) means the
 * system file is used, because that is the file CRI-O will pull with.
 */
async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Decides which files containers/image's classic loader would read.
 *
 * @example
 * ```ts
 * import { registriesLocations } from "./registries_files.ts";
 * await registriesLocations({ confPath: "/srv/registries.conf", confDirPath: "/srv/d" });
 * // { main: "/srv/registries.conf", dropInDirs: ["/srv/d"] }
 * ```
 */
export async function registriesLocations(
  options: RegistriesLocationOptions = {},
): Promise<RegistriesLocations> {
  const root = options.root ?? "";
  const userConf = options.home === undefined ? undefined : `${options.home}/${USER_CONF}`;
  const userDirs = options.home === undefined ? [] : [`${options.home}/${USER_CONF_DIR}`];
  if (options.confPath === undefined && userConf !== undefined && await exists(userConf)) {
    return {
      main: userConf,
      dropInDirs: options.confDirPath === undefined ? userDirs : [options.confDirPath],
    };
  }
  return {
    main: options.confPath ?? `${root}${SYSTEM_CONF}`,
    dropInDirs: options.confDirPath === undefined
      ? [`${root}${SYSTEM_CONF_DIR}`, ...userDirs]
      : [options.confDirPath],
  };
}

async function readSource(path: string): Promise<RegistriesSource | undefined> {
  const text = await readTextIfExists(path, "registries configuration");
  return text === undefined ? undefined : { path, text };
}

async function dropInPaths(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      // Like filepath.WalkDir: no recursion, only names ending in ".conf".
      if (!entry.isDirectory && entry.name.endsWith(".conf")) names.push(entry.name);
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw new Error(`Cannot read registries drop-in directory ${JSON.stringify(dir)}`, {
      cause: error,
    });
  }
  return names.sort().map((name) => `${dir}/${name}`);
}

/**
 * Reads the files of decided locations: the main file (absent when missing)
 * and every drop-in in load order, byte order of file name within a
 * directory, directories in order. A file that vanishes after listing is
 * skipped, as containers/image does; anything but a regular file (a FIFO
 * named `*.conf`, a directory given as the main file) is an error, never a
 * read that blocks.
 *
 * @example
 * ```ts
 * import { readRegistriesFiles, registriesLocations } from "./registries_files.ts";
 * const locations = await registriesLocations({ home: "/root" });
 * const read = await readRegistriesFiles(locations);
 * ```
 * @throws {Error} naming the path when a file or directory cannot be read
 */
export async function readRegistriesFiles(
  locations: RegistriesLocations,
): Promise<RegistriesRead> {
  const main = await readSource(locations.main);
  const dropIns: RegistriesSource[] = [];
  for (const dir of locations.dropInDirs) {
    for (const path of await dropInPaths(dir)) {
      const source = await readSource(path);
      if (source !== undefined) dropIns.push(source);
    }
  }
  return { locations, ...(main === undefined ? {} : { main }), dropIns };
}

/**
 * Decides the locations as {@linkcode registriesLocations} does and reads
 * them as {@linkcode readRegistriesFiles} does.
 *
 * @example
 * ```ts
 * import { readRegistriesSources } from "./registries_files.ts";
 * const read = await readRegistriesSources({ home: "/root" });
 * read.main?.path; // "/etc/containers/registries.conf", when it exists
 * ```
 * @throws {Error} naming the path when a file or directory cannot be read
 */
export async function readRegistriesSources(
  options: RegistriesLocationOptions = {},
): Promise<RegistriesRead> {
  return await readRegistriesFiles(await registriesLocations(options));
}
