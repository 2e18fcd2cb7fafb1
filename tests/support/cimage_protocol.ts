/**
 * What the containers/image oracle (`cimage_oracle.ts`) is asked and what it
 * answers: one JSON object per line each way (see the package comment of
 * `tests/cimage/cmd/cimage-oracle/main.go`).
 */

/**
 * Which table serves `image` (a reference as `docker://IMAGE` takes it: a bare
 * name gets `:latest`), its pull sources, and which of them are refused; or,
 * for `lookup`, only which table `FindRegistry` returns for that raw string.
 */
export type RegistriesRequest =
  & RegistriesPlaces
  & ({ readonly image: string } | { readonly lookup: string });

/** Where a registries request reads its configuration. */
export interface RegistriesPlaces {
  readonly op: "registries";
  /** `SystemRegistriesConfPath`; `null` for the default search. */
  readonly conf: string | null;
  /** `SystemRegistriesConfDirPath`; `null` for the default directories. */
  readonly confDir: string | null;
  /** `RootForImplicitAbsolutePaths`; an empty folder when absent. */
  readonly root?: string;
  /** `$HOME`; an empty folder when absent. */
  readonly home?: string;
  /** Ask this many times, each with a fresh cache, to see whether v5.38 is deterministic. */
  readonly repeat?: number;
}

/** What `pkg/docker/config` finds for an image (`GetCredentialsForRef`) or a raw key. */
export type CredentialsRequest =
  & { readonly op: "credentials"; readonly repeat?: number }
  & ({ readonly authFile: string } | { readonly legacyAuthFile: string })
  & ({ readonly image: string } | { readonly key: string });

export type CimageRequest = RegistriesRequest | CredentialsRequest;

export interface CimageEndpoint {
  readonly location: string;
  readonly insecure: boolean;
  readonly pullFromMirror: string;
}

export interface CimageRegistry extends CimageEndpoint {
  readonly prefix: string;
  readonly blocked: boolean;
  readonly mirrorByDigestOnly: boolean;
}

export interface CimageSource {
  /** The rewritten reference, tag or digest kept. */
  readonly reference: string;
  readonly name: string;
  readonly location: string;
  readonly insecure: boolean;
  /** Why the docker transport refuses the source before any network access, or `null`. */
  readonly refused: string | null;
}

/** `FindRegistry`'s table (`null`: none), its mirrors, and `PullSourcesFromReference`. */
export interface CimageResolution {
  readonly registry: CimageRegistry | null;
  readonly mirrors: readonly CimageEndpoint[];
  readonly sourcesError?: string;
  /** Absent for a `lookup` and when `sourcesError` is set. */
  readonly sources?: readonly CimageSource[];
}

export type RegistriesAnswer =
  | CimageResolution
  | { readonly error: string }
  | { readonly imageError: string };

export type CredentialsAnswer =
  | { readonly username: string; readonly password: string; readonly identityToken: string }
  | { readonly error: string }
  | { readonly imageError: string };

/** The distinct answers over the request's repeats; more than one: v5.38 is not deterministic. */
export interface Answers<T> {
  readonly answers: readonly T[];
}
