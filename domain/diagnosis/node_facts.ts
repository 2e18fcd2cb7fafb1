/**
 * What `doctor` finds on a node, gathered by the adapters and judged by the
 * pure checks. Every field is a fact or the reason it could not be had.
 *
 * @module
 */

import type { CredentialProviderConfig } from "../deployment/kubelet_config.ts";
import type { RegistriesSources } from "../registries/registries_model.ts";

/** A value, or why there is none. */
export type Found<T> = { readonly value: T } | { readonly problem: string };

/** The running kubelet. */
export interface KubeletFacts {
  /** The process's arguments, when a kubelet runs. */
  readonly args?: readonly string[];
  /** The running kubelet's effective uid: its plugins, the provider included, run as it. */
  readonly uid?: number;
  /** Why the processes could not be looked at (permissions), when they could not. */
  readonly argsProblem?: string;
  /** `kubelet --version` output, e.g. `Kubernetes v1.34.2`. */
  readonly version?: Found<string>;
  /** The provider config given with `--kubelet-config`, when kubelet is not asked. */
  readonly configOverride?: string;
  /** Credential provider configs present on disk, whether or not kubelet reads them. */
  readonly configsOnDisk: readonly string[];
}

/** kubelet's credential provider config, as read from its path. */
export interface ProviderConfigFacts {
  readonly path: string;
  readonly config: Found<CredentialProviderConfig>;
}

/** The executable kubelet would run for this provider. */
export interface ExecutableFacts {
  readonly path: string;
  readonly exists: boolean;
  readonly executable: boolean;
}

/** kubelet's own settings that decide whether cached images are checked. */
export interface ImagePullFacts {
  /** `imagePullCredentialsVerificationPolicy` from kubelet's `--config`, when set. */
  readonly verificationPolicy?: string;
  /** `KubeletEnsureSecretPulledImages` from `featureGates`, when set. */
  readonly ensureSecretPulledImages?: boolean;
  /** Registry keys of kubelet's own `config.json` (the node keyring). */
  readonly nodeKeyringKeys: readonly string[];
}

/** CRI-O's version and the settings the provider must agree with. */
export interface CrioFacts {
  readonly version: Found<string>;
  /** `namespaced_auth_dir` (CRI-O's default when no file sets it). */
  readonly namespacedAuthDir: string;
  /** `global_auth_file` ("" when unset). */
  readonly globalAuthFile: string;
  /** A CRI-O configuration file that could not be read. */
  readonly configProblem?: string;
}

/** The auth directory CRI-O reads. */
export interface AuthDirFacts {
  readonly path: string;
  readonly exists: boolean;
  readonly symlink: boolean;
  readonly owner?: number;
  readonly mode?: number;
  /** `<ns>-<hash>.json` files and their age in seconds. */
  readonly authFiles: readonly { readonly name: string; readonly ageSeconds: number }[];
}

/** The API server, found the way the provider finds it. */
export interface ApiFacts {
  readonly server: Found<string>;
  /** `GET /version` over verified TLS. */
  readonly reachable?: Found<string>;
}

/** A service-account token given with `--token-file`. */
export interface TokenFacts {
  readonly namespace: Found<string>;
  readonly audiences: readonly string[];
  readonly expiresAt?: number;
  /** The API server's SelfSubjectAccessReview for listing secrets in the namespace. */
  readonly listSecrets?: Found<{ readonly allowed: boolean; readonly reason: string }>;
}

/** Everything `doctor` looks at. */
export interface NodeFacts {
  /** The name kubelet's config must give this provider. */
  readonly executableName: string;
  /** The provider's own settings (`--auth-dir`, `--global-auth-file`). */
  readonly authDir: string;
  readonly globalAuthFile: string;
  readonly kubelet: KubeletFacts;
  readonly providerConfig?: ProviderConfigFacts;
  readonly executable?: ExecutableFacts;
  readonly imagePull: ImagePullFacts;
  readonly registries: Found<RegistriesSources>;
  readonly crio: CrioFacts;
  readonly authDirectory: AuthDirFacts;
  readonly api: ApiFacts;
  readonly token?: TokenFacts;
  /** The current time, epoch seconds. */
  readonly now: number;
}
