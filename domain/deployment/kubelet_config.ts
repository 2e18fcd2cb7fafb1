/**
 * kubelet's `CredentialProviderConfig` (`kubelet.config.k8s.io/v1`): the
 * provider entry this program needs, merged into an existing config, and the
 * checks kubelet runs at start-up (kubernetes
 * `pkg/credentialprovider/plugin/config.go`, `validateCredentialProviderConfig`;
 * wording as kubelet's `field.Error`s), for the Kubernetes minor version the
 * config is for. A config kubelet refuses makes kubelet exit at start.
 *
 * @module
 */

import { kubeletMatchImageProblem } from "./match_images.ts";

/** One `providers[]` entry. */
export interface CredentialProvider {
  readonly name: string;
  readonly matchImages: readonly string[];
  readonly defaultCacheDuration: string;
  readonly apiVersion: string;
  readonly args?: readonly string[];
  readonly env?: readonly { readonly name: string; readonly value: string }[];
  readonly tokenAttributes?: TokenAttributes;
}

/** `tokenAttributes` (credential provider API v1 only; Kubernetes 1.33+). */
export interface TokenAttributes {
  readonly serviceAccountTokenAudience: string;
  /** Kubernetes 1.34+ only (required there, unknown to 1.33). */
  readonly cacheType?: string;
  readonly requireServiceAccount: boolean;
  readonly requiredServiceAccountAnnotationKeys?: readonly string[];
  readonly optionalServiceAccountAnnotationKeys?: readonly string[];
}

/** A whole config. */
export interface CredentialProviderConfig {
  readonly apiVersion: string;
  readonly kind: "CredentialProviderConfig";
  readonly providers: readonly CredentialProvider[];
}

/** The credential provider API versions kubelet can speak. */
export const PROVIDER_API_VERSIONS = [
  "credentialprovider.kubelet.k8s.io/v1",
  "credentialprovider.kubelet.k8s.io/v1alpha1",
  "credentialprovider.kubelet.k8s.io/v1beta1",
] as const;

/** What the checks depend on. */
export interface KubeletTarget {
  /** Kubernetes minor version, e.g. 34 for 1.34. */
  readonly minor: number;
  /** `KubeletServiceAccountTokenForCredentialProviders`: off by default in 1.33, on from 1.34. */
  readonly tokenGate: boolean;
}

/** The gate's default for a Kubernetes minor version. */
export function tokenGateDefault(minor: number): boolean {
  return minor >= 34;
}

// Go's time.ParseDuration: an optional sign, then numbers with units, or "0".
const GO_DURATION = /^[-+]?(?:0|(?:[0-9]*\.?[0-9]+(?:ns|us|µs|μs|ms|s|m|h))+)$/;

function durationNegative(value: string): boolean {
  return value.startsWith("-") && /[1-9]/.test(value);
}

// Kubernetes IsQualifiedName: [prefix/]name, prefix a DNS-1123 subdomain, name ≤ 63.
const QUALIFIED_NAME = /^[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;

function qualifiedNameProblem(key: string): string | undefined {
  const parts = key.split("/");
  const name = parts.at(-1) ?? "";
  if (parts.length > 2) return "a qualified name must consist of an optional prefix and a name";
  if (
    parts.length === 2 &&
    (parts[0] === "" || parts[0]!.length > 253 || !DNS_SUBDOMAIN.test(parts[0]!))
  ) {
    return "prefix part must be a lowercase RFC 1123 subdomain";
  }
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME.test(name)) {
    return "name part must consist of alphanumeric characters, '-', '_' or '.', at most 63";
  }
  return undefined;
}

function validateTokenAttributes(
  token: TokenAttributes,
  provider: CredentialProvider,
  target: KubeletTarget,
): string[] {
  const path = "providers.tokenAttributes";
  const errors: string[] = [];
  if (!target.tokenGate) {
    return [
      `${path}: Forbidden: tokenAttributes is not supported when KubeletServiceAccountTokenForCredentialProviders feature gate is disabled`,
    ];
  }
  if (token.serviceAccountTokenAudience === "") {
    errors.push(`${path}.serviceAccountTokenAudience: Required value`);
  }
  if (provider.apiVersion !== PROVIDER_API_VERSIONS[0]) {
    errors.push(
      `${path}: Forbidden: tokenAttributes is only supported for credentialprovider.kubelet.k8s.io/v1 API version`,
    );
  }
  const required = token.requiredServiceAccountAnnotationKeys ?? [];
  const optional = token.optionalServiceAccountAnnotationKeys ?? [];
  if (!token.requireServiceAccount && required.length > 0) {
    errors.push(
      `${path}.requiredServiceAccountAnnotationKeys: Forbidden: requireServiceAccount cannot be false when requiredServiceAccountAnnotationKeys is set`,
    );
  }
  for (const [field, keys] of [["required", required], ["optional", optional]] as const) {
    const seen = new Set<string>();
    for (const key of keys) {
      const problem = qualifiedNameProblem(key.toLowerCase());
      const at = `${path}.${field}ServiceAccountAnnotationKeys`;
      if (problem) errors.push(`${at}: Invalid value: ${JSON.stringify(key)}: ${problem}`);
      if (seen.has(key)) errors.push(`${at}: Duplicate value: ${JSON.stringify(key)}`);
      seen.add(key);
    }
  }
  const both = required.filter((key) => optional.includes(key));
  if (both.length > 0) {
    errors.push(
      `${path}: Invalid value: ${
        JSON.stringify(both)
      }: annotation keys cannot be both required and optional`,
    );
  }
  if (target.minor >= 34) {
    if (token.cacheType === undefined || token.cacheType === "") {
      errors.push(
        `${path}.cacheType: Required value: cacheType is required to be set when tokenAttributes is specified. Supported values are: ServiceAccount, Token`,
      );
    } else if (!["ServiceAccount", "Token"].includes(token.cacheType)) {
      errors.push(
        `${path}.cacheType: Unsupported value: ${
          JSON.stringify(token.cacheType)
        }: supported values: "ServiceAccount", "Token"`,
      );
    }
  }
  return errors;
}

/**
 * kubelet's start-up checks of a config, as its error list (empty: kubelet
 * accepts it). In 1.33 `cacheType` is an unknown field, refused by strict
 * decoding before validation.
 *
 * @example
 * ```ts
 * import { validateCredentialProviderConfig } from "./kubelet_config.ts";
 * validateCredentialProviderConfig({ apiVersion: "kubelet.config.k8s.io/v1", kind: "CredentialProviderConfig", providers: [] }, { minor: 34, tokenGate: true });
 * // ["providers: Required value: at least 1 item in plugins is required"]
 * ```
 */
export function validateCredentialProviderConfig(
  config: CredentialProviderConfig,
  target: KubeletTarget,
): string[] {
  if (config.providers.length === 0) {
    return ["providers: Required value: at least 1 item in plugins is required"];
  }
  const errors: string[] = [];
  const names = new Set<string>();
  for (const provider of config.providers) {
    const name = JSON.stringify(provider.name);
    if (provider.name === "") errors.push("providers.name: Required value");
    if (provider.name.includes("/")) {
      errors.push(`providers.name: Invalid value: ${name}: provider name cannot contain '/'`);
    }
    if (provider.name.includes(" ")) {
      errors.push(`providers.name: Invalid value: ${name}: provider name cannot contain spaces`);
    }
    if (provider.name === "." || provider.name === "..") {
      errors.push(
        `providers.name: Invalid value: ${name}: provider name cannot be '${provider.name}'`,
      );
    }
    if (names.has(provider.name)) errors.push(`providers.name: Duplicate value: ${name}`);
    names.add(provider.name);
    if (provider.apiVersion === "") {
      errors.push("providers.apiVersion: Required value");
    } else if (!(PROVIDER_API_VERSIONS as readonly string[]).includes(provider.apiVersion)) {
      errors.push(
        `providers.apiVersion: Unsupported value: ${JSON.stringify(provider.apiVersion)}: ` +
          `supported values: ${PROVIDER_API_VERSIONS.map((v) => JSON.stringify(v)).join(", ")}`,
      );
    }
    if (provider.matchImages.length === 0) {
      errors.push(
        "providers.matchImages: Required value: at least 1 item in matchImages is required",
      );
    }
    for (const image of provider.matchImages) {
      const problem = kubeletMatchImageProblem(image);
      if (problem) {
        errors.push(
          `providers.matchImages: Invalid value: ${
            JSON.stringify(image)
          }: match image is invalid: ${problem}`,
        );
      }
    }
    if (provider.defaultCacheDuration === "") {
      errors.push("providers.defaultCacheDuration: Required value");
    } else if (!GO_DURATION.test(provider.defaultCacheDuration)) {
      errors.push(
        `providers.defaultCacheDuration: Invalid value: ${
          JSON.stringify(provider.defaultCacheDuration)
        }: not a duration`,
      );
    } else if (durationNegative(provider.defaultCacheDuration)) {
      errors.push(
        `providers.defaultCacheDuration: Invalid value: ${
          JSON.stringify(provider.defaultCacheDuration)
        }: must be greater than or equal to 0`,
      );
    }
    if (provider.tokenAttributes) {
      errors.push(...validateTokenAttributes(provider.tokenAttributes, provider, target));
    }
  }
  return errors;
}
