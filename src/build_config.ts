/**
 * Values fixed when the program is built: version stamps and the default
 * paths (which also bound what the compiled binary may read and write).
 * `build.ts` stamps them into a staged copy of this file; running from
 * source uses the standard paths and "unknown" stamps.
 *
 * @module
 */

import { JOURNAL_SOCKET } from "../adapters/journald.ts";
import { SYSTEM_CONF, SYSTEM_CONF_DIR } from "../adapters/registries_files.ts";
import denoJson from "../deno.json" with { type: "json" };

/** Default paths; each has a flag to override it at run time. */
export interface BuildDefaults {
  readonly registriesConf: string;
  readonly registriesConfDir: string;
  readonly authDir: string;
  readonly globalAuthFile: string;
  readonly kubernetesConfigDir: string;
  readonly kubeletKubeconfig: string;
  readonly journalSocket: string;
  /** The home directory user-level registries files are read from when HOME is unset. */
  readonly home: string;
}

/** Version stamps and defaults. */
export interface BuildConfig {
  readonly version: string;
  readonly gitCommit: string;
  readonly gitCommitDate: string;
  readonly buildDate: string;
  /** `name version integrity` per dependency. */
  readonly dependencies: readonly string[];
  readonly defaults: BuildDefaults;
}

/** The standard locations, shared with CRI-O, kubelet and containers/image. */
export const STANDARD_DEFAULTS: BuildDefaults = {
  registriesConf: SYSTEM_CONF,
  registriesConfDir: SYSTEM_CONF_DIR,
  authDir: "/etc/crio/auth",
  globalAuthFile: "/var/lib/kubelet/config.json",
  kubernetesConfigDir: "/etc/kubernetes",
  kubeletKubeconfig: "/var/lib/kubelet/kubeconfig",
  journalSocket: JOURNAL_SOCKET,
  home: "/root",
};

// build.ts replaces the `null` between the markers with the build's JSON.
const STAMPED: BuildConfig | null = /* build-stamp */ null /* end-build-stamp */;

/** The build this program runs as. */
export const BUILD: BuildConfig = STAMPED ?? {
  version: denoJson.version,
  gitCommit: "unknown",
  gitCommitDate: "unknown",
  buildDate: "unknown",
  dependencies: Object.values(denoJson.imports).map((specifier) =>
    specifier.replace(/^npm:/, "").replace(/@(?=[^@]*$)/, " ")
  ),
  defaults: STANDARD_DEFAULTS,
};
