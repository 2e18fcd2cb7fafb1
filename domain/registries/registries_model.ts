/**
 * The validated registries.conf model: what is left of one file, or of the
 * main file merged with its drop-ins, once containers/image's checks pass.
 *
 * @module
 */

/** Which references a mirror serves (`pull-from-mirror`; `""` behaves as `all`). */
export type PullFromMirror = "" | "all" | "digest-only" | "tag-only";

/** How unqualified names are resolved (`short-name-mode`). */
export type ShortNameMode = "disabled" | "enforcing" | "permissive";

/** An endpoint: a registry's own location or one of its mirrors. */
export interface Endpoint {
  /** `host[:port][/path]`, trailing slashes removed; `""` only for a wildcard table. */
  readonly location: string;
  readonly insecure: boolean;
  /** Always `""` on a `[[registry]]` table itself. */
  readonly pullFromMirror: PullFromMirror;
}

/** A `[[registry]]` table. */
export interface Registry extends Endpoint {
  /** What image names are matched against; `*.example.com` for subdomains. */
  readonly prefix: string;
  readonly blocked: boolean;
  readonly mirrorByDigestOnly: boolean;
  /** In file order. */
  readonly mirrors: readonly Endpoint[];
}

/** One file after the per-file pipeline; unset keys are `undefined`. */
export interface RegistriesFile {
  /** Sorted by prefix, one table per prefix (the first one in the file). */
  readonly registries: readonly Registry[];
  readonly unqualifiedSearchRegistries?: readonly string[];
  readonly credentialHelpers?: readonly string[];
  readonly shortNameMode?: ShortNameMode;
  readonly additionalLayerStoreAuthHelper: string;
  /** Alias → fully qualified repository, `undefined` where `""` erases an alias. */
  readonly aliases: ReadonlyMap<string, string | undefined>;
}

/** The merged configuration every query runs against. */
export interface RegistriesConf {
  /** Sorted by prefix (byte order), unique prefixes. */
  readonly registries: readonly Registry[];
  readonly unqualifiedSearchRegistries: readonly string[];
  /** `["containers-auth.json"]` when no file sets a non-empty list. */
  readonly credentialHelpers: readonly string[];
  /** `permissive` when no file sets it. */
  readonly shortNameMode: ShortNameMode;
  readonly additionalLayerStoreAuthHelper: string;
  readonly aliases: ReadonlyMap<string, string | undefined>;
}

/** The text of one configuration file and the path it came from (used in messages). */
export interface RegistriesSource {
  readonly path: string;
  readonly text: string;
}

/** What to load: the main file (absent when missing) and the drop-ins in load order. */
export interface RegistriesSources {
  readonly main?: RegistriesSource;
  readonly dropIns: readonly RegistriesSource[];
}
