/**
 * Reads a registries.conf scenario from `tests/testdata/registries/` and labels
 * its files with the paths they stand for on a node, so error messages read
 * exactly as containers/image prints them there.
 *
 * A scenario is either `<name>.conf` (the main file alone) or a directory
 * `<name>/` holding `registries.conf` (optional) and `registries.conf.d/*.conf`.
 */

import type {
  RegistriesSource,
  RegistriesSources,
} from "../../domain/registries/registries_model.ts";

export const TESTDATA = new URL("../testdata/", import.meta.url).pathname;
export const SYSTEM_CONF = "/etc/containers/registries.conf";
export const SYSTEM_CONF_DIR = "/etc/containers/registries.conf.d";

async function textOrUndefined(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/** The scenario's files as `loadRegistriesConf` takes them. */
export async function registriesFixture(fixture: string): Promise<RegistriesSources> {
  const base = `${TESTDATA}registries/${fixture}`;
  if (!fixture.endsWith("/")) {
    return { main: { path: SYSTEM_CONF, text: await Deno.readTextFile(base) }, dropIns: [] };
  }
  const main = await textOrUndefined(`${base}registries.conf`);
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(`${base}registries.conf.d`)) names.push(entry.name);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const dropIns: RegistriesSource[] = [];
  for (const name of names.sort()) {
    dropIns.push({
      path: `${SYSTEM_CONF_DIR}/${name}`,
      text: await Deno.readTextFile(`${base}registries.conf.d/${name}`),
    });
  }
  return { ...(main === undefined ? {} : { main: { path: SYSTEM_CONF, text: main } }), dropIns };
}

/** One row of `tests/testdata/registries_vectors.json` (vectors.md Part R). */
export interface RegistriesVector {
  readonly id: string;
  readonly name: string;
  readonly fixture: string;
  readonly error?: string;
  readonly lookups?: readonly {
    readonly ref: string;
    readonly table: null | {
      readonly prefix: string;
      readonly location: string;
      readonly flags: readonly string[];
      readonly mirrors: readonly string[];
    };
  }[];
  readonly pullSources?: readonly {
    readonly ref: string;
    readonly sources?: readonly string[];
    readonly error?: string;
  }[];
  readonly unqualifiedSearchRegistries?: readonly string[];
  readonly credentialHelpers?: readonly string[];
}

/** Part R of vectors.md, one row per vector. */
export async function registriesVectors(): Promise<RegistriesVector[]> {
  return JSON.parse(await Deno.readTextFile(`${TESTDATA}registries_vectors.json`));
}
