/**
 * Loading the main registries.conf and its drop-ins into one validated
 * {@linkcode RegistriesConf}, as containers/image's classic loader does
 * (`tryUpdatingCache` + `updateWithConfigurationFrom`).
 *
 * @module
 */

import { goQuote } from "../text/go_quote.ts";
import { byPrefix, parseRegistriesFile } from "./registries_file.ts";
import type {
  RegistriesConf,
  RegistriesFile,
  RegistriesSource,
  RegistriesSources,
  Registry,
} from "./registries_model.ts";

/** A file failed to load; the message is containers/image's, path included. */
export class RegistriesConfError extends SyntaxError {
  /** The file that failed. */
  readonly path: string;

  /**
   * @param path the file that failed
   * @param cause the error from the per-file pipeline
   * @param dropIn whether the file is a drop-in (changes the wording, as in containers/image)
   */
  constructor(path: string, cause: Error, dropIn: boolean) {
    const what = dropIn ? "drop-in registries configuration" : "registries configuration";
    super(`loading ${what} ${goQuote(path)}: ${cause.message}`, { cause });
    this.name = "RegistriesConfError";
    this.path = path;
  }
}

const EMPTY_FILE: RegistriesFile = {
  registries: [],
  additionalLayerStoreAuthHelper: "",
  aliases: new Map(),
};

function parseSource(source: RegistriesSource, dropIn: boolean): RegistriesFile {
  try {
    return parseRegistriesFile(source.text, { dropIn });
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    throw new RegistriesConfError(source.path, error, dropIn);
  }
}

/**
 * Folds a later file into the configuration so far: a table replaces the whole
 * table with the same prefix (mirrors are not concatenated); lists and scalars
 * change only when the later file sets them; aliases merge per name.
 */
function merge(base: RegistriesFile, update: RegistriesFile): RegistriesFile {
  const tables = new Map<string, Registry>(base.registries.map((r) => [r.prefix, r]));
  for (const registry of update.registries) tables.set(registry.prefix, registry);
  const unqualifiedSearchRegistries = update.unqualifiedSearchRegistries ??
    base.unqualifiedSearchRegistries;
  const credentialHelpers = update.credentialHelpers ?? base.credentialHelpers;
  const shortNameMode = update.shortNameMode ?? base.shortNameMode;
  return {
    registries: [...tables.values()].sort(byPrefix),
    ...(unqualifiedSearchRegistries === undefined ? {} : { unqualifiedSearchRegistries }),
    ...(credentialHelpers === undefined ? {} : { credentialHelpers }),
    ...(shortNameMode === undefined ? {} : { shortNameMode }),
    additionalLayerStoreAuthHelper: update.additionalLayerStoreAuthHelper ||
      base.additionalLayerStoreAuthHelper,
    aliases: new Map([...base.aliases, ...update.aliases]),
  };
}

/**
 * Loads the main file (a missing one counts as empty, as for CRI-O's default
 * configuration) and then each drop-in in order. Any failing file fails the
 * whole load.
 *
 * @example
 * ```ts
 * import { loadRegistriesConf } from "./registries_conf.ts";
 * const conf = loadRegistriesConf({
 *   main: { path: "/etc/containers/registries.conf", text: '[[registry]]\nlocation = "docker.io"\n' },
 *   dropIns: [],
 * });
 * conf.credentialHelpers; // ["containers-auth.json"]
 * ```
 * @throws {RegistriesConfError} naming the first file that fails
 */
export function loadRegistriesConf(sources: RegistriesSources): RegistriesConf {
  let conf = sources.main === undefined ? EMPTY_FILE : parseSource(sources.main, false);
  for (const dropIn of sources.dropIns) conf = merge(conf, parseSource(dropIn, true));
  return {
    registries: conf.registries,
    unqualifiedSearchRegistries: conf.unqualifiedSearchRegistries ?? [],
    credentialHelpers: conf.credentialHelpers?.length
      ? conf.credentialHelpers
      : ["containers-auth.json"],
    shortNameMode: conf.shortNameMode ?? "permissive",
    additionalLayerStoreAuthHelper: conf.additionalLayerStoreAuthHelper,
    aliases: conf.aliases,
  };
}
