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
 * Folds the drop-ins into the main file, in order: a table replaces the whole
 * table with the same prefix (mirrors are not concatenated); lists and
 * scalars change only when a later file sets them; aliases merge per name.
 * containers/image rebuilds its map of tables and sorts it after every file
 * (`updateWithConfigurationFrom`), which costs the number of files times the
 * number of tables; one map, sorted once, gives the same tables in the same
 * order.
 */
function mergeDropIns(main: RegistriesFile, dropIns: readonly RegistriesFile[]): RegistriesFile {
  if (dropIns.length === 0) return main;
  const tables = new Map<string, Registry>(main.registries.map((r) => [r.prefix, r]));
  const aliases = new Map(main.aliases);
  let { unqualifiedSearchRegistries, credentialHelpers, shortNameMode } = main;
  let additionalLayerStoreAuthHelper = main.additionalLayerStoreAuthHelper;
  for (const update of dropIns) {
    for (const registry of update.registries) tables.set(registry.prefix, registry);
    for (const [name, value] of update.aliases) aliases.set(name, value);
    unqualifiedSearchRegistries = update.unqualifiedSearchRegistries ?? unqualifiedSearchRegistries;
    credentialHelpers = update.credentialHelpers ?? credentialHelpers;
    shortNameMode = update.shortNameMode ?? shortNameMode;
    additionalLayerStoreAuthHelper = update.additionalLayerStoreAuthHelper ||
      additionalLayerStoreAuthHelper;
  }
  return {
    registries: [...tables.values()].sort(byPrefix),
    ...(unqualifiedSearchRegistries === undefined ? {} : { unqualifiedSearchRegistries }),
    ...(credentialHelpers === undefined ? {} : { credentialHelpers }),
    ...(shortNameMode === undefined ? {} : { shortNameMode }),
    additionalLayerStoreAuthHelper,
    aliases,
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
  const conf = mergeDropIns(
    sources.main === undefined ? EMPTY_FILE : parseSource(sources.main, false),
    sources.dropIns.map((dropIn) => parseSource(dropIn, true)),
  );
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
