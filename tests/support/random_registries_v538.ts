/**
 * Random registries.conf scenarios for the differential test against
 * containers/image v5.38 (`cimage_oracle.ts`). Wider than
 * `random_registries.ts`, which must stay within what skopeo 1.9's
 * containers/image 5.23 shares with 5.38:
 *
 * - the files of `random_registries_v538_file.ts` (blocked tables on the
 *   hosts mirrors use, tagged locations, `pull-from-mirror`, TOML 1.1 syntax,
 *   keys in other letter cases, repeated array keys, V1 tables with only empty
 *   arrays);
 * - explicit main files and drop-in directories (CRI-O's `--registries-conf`
 *   and `--registries-conf-dir`) besides the default search.
 *
 * Everything derives from one seed ({@linkcode Random}).
 */

import { Random } from "./random_registries.ts";
import {
  type Context,
  file,
  type GeneratorOptions,
  HOSTS,
  NAMESPACES,
  ONE_DIGEST,
} from "./random_registries_v538_file.ts";

export { type GeneratorOptions, Random };

/** Files relative to the scenario root (which stands for `/`, with `home/` as $HOME). */
export interface ScenarioV538 {
  readonly files: Record<string, string>;
  /** Images to resolve: names with a tag, a digest, or neither. */
  readonly images: readonly string[];
  /** Explicit main file, relative to the root; the default search when absent. */
  readonly conf?: string;
  /** Explicit drop-in directory, relative to the root; the default directories when absent. */
  readonly confDir?: string;
}

export const ZERO_DIGEST = `sha256:${"0".repeat(64)}`;

function image(ctx: Context): string {
  const { random, prefixes } = ctx;
  let base: string;
  const prefix = prefixes.length > 0 && random.chance(0.85) ? random.pick(prefixes) : undefined;
  if (prefix === undefined) {
    base = `${random.pick(HOSTS)}/${random.pick(NAMESPACES)}`;
  } else if (prefix.startsWith("*.")) {
    base = `${random.pick(["x", "y.z"])}${prefix.slice(1)}/${random.pick(NAMESPACES)}`;
  } else {
    base = prefix.includes("/") ? prefix : `${prefix}/${random.pick(NAMESPACES)}`;
  }
  if (random.chance(0.12) && !/:\d+/.test(base.split("/")[0] ?? "")) {
    base = base.replace("/", ":6000/");
  }
  const leaf = random.chance(0.15) ? base : `${base}/${random.pick(["app", "nginx"])}`;
  const form = random.int(3);
  if (form === 0) return leaf;
  if (form === 1) return `${leaf}:${random.pick(["1", "latest"])}`;
  return `${leaf}@${ONE_DIGEST}`;
}

/** One random scenario. */
export function randomScenarioV538(random: Random, options: GeneratorOptions = {}): ScenarioV538 {
  const ctx: Context = {
    random,
    options: { letterCases: true, taggedLocations: true, ...options },
    prefixes: [],
  };
  const files: Record<string, string> = {};
  let conf: string | undefined;
  let confDir: string | undefined;
  if (random.chance(0.2)) {
    // CRI-O's --registries-conf (an existing file) and maybe --registries-conf-dir.
    conf = "srv/crio/registries.conf";
    files[conf] = file(ctx, 1 + random.int(4), true);
    if (random.chance(0.5)) {
      confDir = "srv/crio/registries.conf.d";
      for (let i = random.int(3); i > 0; i--) {
        files[`${confDir}/${random.int(30)}-drop.conf`] = file(ctx, 1 + random.int(2), false);
      }
    }
  } else if (!random.chance(0.05)) {
    files["etc/containers/registries.conf"] = file(ctx, 1 + random.int(4), true);
  }
  if (confDir === undefined) {
    for (let i = random.int(3); i > 0; i--) {
      files[`etc/containers/registries.conf.d/${random.int(30)}-drop.conf`] = file(
        ctx,
        1 + random.int(2),
        false,
      );
    }
    if (random.chance(0.1)) {
      files[`home/.config/containers/registries.conf.d/${random.int(30)}-user.conf`] = file(
        ctx,
        1,
        false,
      );
    }
  }
  if (random.chance(0.04)) {
    files["home/.config/containers/registries.conf"] = file(ctx, 1, true);
  }
  const images = Array.from({ length: 2 + random.int(2) }, () => image(ctx));
  return {
    files,
    images,
    ...(conf === undefined ? {} : { conf }),
    ...(confDir === undefined ? {} : { confDir }),
  };
}
