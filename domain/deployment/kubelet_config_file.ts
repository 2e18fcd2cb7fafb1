/**
 * Reading an existing `CredentialProviderConfig` as kubelet reads it
 * (strict decoding: an unknown or misspelt field is an error), and building
 * this provider's entry and merging it into one: every other provider
 * (ECR, GCR, ACR, …) is kept as it is; an older entry of ours is replaced.
 *
 * @module
 */

import { parse as parseYaml } from "yaml";
import type {
  CredentialProvider,
  CredentialProviderConfig,
  TokenAttributes,
} from "./kubelet_config.ts";

const CONFIG_VERSIONS = [
  "kubelet.config.k8s.io/v1",
  "kubelet.config.k8s.io/v1beta1",
  "kubelet.config.k8s.io/v1alpha1",
];

const PROVIDER_FIELDS = [
  "name",
  "matchImages",
  "defaultCacheDuration",
  "apiVersion",
  "args",
  "env",
  "tokenAttributes",
];
const TOKEN_FIELDS = [
  "serviceAccountTokenAudience",
  "cacheType",
  "requireServiceAccount",
  "requiredServiceAccountAnnotationKeys",
  "optionalServiceAccountAnnotationKeys",
];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function unknownFields(
  value: Record<string, unknown>,
  known: readonly string[],
  path: string,
): string[] {
  return Object.keys(value).filter((key) => !known.includes(key)).map((key) =>
    `unknown field ${JSON.stringify(`${path}${key}`)}`
  );
}

function strings(value: unknown, path: string, problems: string[]): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
    problems.push(`${path}: expected a list of strings`);
    return [];
  }
  return value;
}

function text(value: unknown, path: string, problems: string[]): string {
  if (value === undefined || value === null) return "";
  if (typeof value !== "string") problems.push(`${path}: expected a string`);
  return typeof value === "string" ? value : "";
}

/** Options for {@linkcode parseCredentialProviderConfig}. */
export interface ConfigFileOptions {
  /** Kubernetes minor version: `cacheType` is an unknown field before 1.34. */
  readonly minor: number;
}

/**
 * Decodes a config file's text (YAML or JSON) as kubelet does.
 *
 * @example
 * ```ts
 * import { parseCredentialProviderConfig } from "./kubelet_config_file.ts";
 * const config = parseCredentialProviderConfig(
 *   "apiVersion: kubelet.config.k8s.io/v1\nkind: CredentialProviderConfig\nproviders: []\n",
 *   { minor: 34 },
 * );
 * config.providers.length; // 0
 * ```
 * @throws {SyntaxError} naming the problem: not YAML, the wrong kind or group, an unknown field, a value of the wrong type
 */
export function parseCredentialProviderConfig(
  text_: string,
  options: ConfigFileOptions,
): CredentialProviderConfig {
  let document: unknown;
  try {
    document = parseYaml(text_, { logLevel: "error", prettyErrors: false });
  } catch (error) {
    const { code } = error as { code?: unknown };
    throw new SyntaxError(`not YAML (${typeof code === "string" ? code : "parse error"})`);
  }
  if (!isObject(document)) throw new SyntaxError("not a CredentialProviderConfig object");
  const { apiVersion, kind } = document;
  if (kind !== "CredentialProviderConfig") {
    throw new SyntaxError(`failed to decode ${JSON.stringify(kind ?? "")} (wrong Kind)`);
  }
  if (typeof apiVersion !== "string" || !CONFIG_VERSIONS.includes(apiVersion)) {
    throw new SyntaxError(
      `failed to decode CredentialProviderConfig, unexpected Group: ${
        String(apiVersion).split("/")[0]
      }`,
    );
  }
  const problems = unknownFields(document, ["apiVersion", "kind", "providers"], "");
  const rawProviders = document.providers ?? [];
  if (!Array.isArray(rawProviders)) throw new SyntaxError("providers: expected a list");
  const tokenFields = options.minor >= 34
    ? TOKEN_FIELDS
    : TOKEN_FIELDS.filter((f) => f !== "cacheType");
  const providerFields = apiVersion === CONFIG_VERSIONS[0]
    ? PROVIDER_FIELDS
    : PROVIDER_FIELDS.filter((f) => f !== "tokenAttributes");
  const providers = rawProviders.map((raw, index): CredentialProvider => {
    const at = `providers[${index}].`;
    if (!isObject(raw)) {
      problems.push(`${at.slice(0, -1)}: expected an object`);
      return { name: "", matchImages: [], defaultCacheDuration: "", apiVersion: "" };
    }
    problems.push(...unknownFields(raw, providerFields, at));
    const env = raw.env === undefined || raw.env === null
      ? undefined
      : Array.isArray(raw.env)
      ? raw.env.map((entry, i) => {
        const item = isObject(entry) ? entry : {};
        return {
          name: text(item.name, `${at}env[${i}].name`, problems),
          value: text(item.value, `${at}env[${i}].value`, problems),
        };
      })
      : (problems.push(`${at}env: expected a list`), undefined);
    let tokenAttributes: TokenAttributes | undefined;
    if (isObject(raw.tokenAttributes)) {
      const token = raw.tokenAttributes;
      problems.push(...unknownFields(token, tokenFields, `${at}tokenAttributes.`));
      if (
        token.requireServiceAccount !== undefined &&
        typeof token.requireServiceAccount !== "boolean"
      ) {
        problems.push(`${at}tokenAttributes.requireServiceAccount: expected a boolean`);
      }
      tokenAttributes = {
        serviceAccountTokenAudience: text(
          token.serviceAccountTokenAudience,
          `${at}tokenAttributes.serviceAccountTokenAudience`,
          problems,
        ),
        ...(token.cacheType === undefined
          ? {}
          : { cacheType: text(token.cacheType, `${at}tokenAttributes.cacheType`, problems) }),
        requireServiceAccount: token.requireServiceAccount === true,
        ...(token.requiredServiceAccountAnnotationKeys === undefined ? {} : {
          requiredServiceAccountAnnotationKeys: strings(
            token.requiredServiceAccountAnnotationKeys,
            `${at}tokenAttributes.requiredServiceAccountAnnotationKeys`,
            problems,
          ),
        }),
        ...(token.optionalServiceAccountAnnotationKeys === undefined ? {} : {
          optionalServiceAccountAnnotationKeys: strings(
            token.optionalServiceAccountAnnotationKeys,
            `${at}tokenAttributes.optionalServiceAccountAnnotationKeys`,
            problems,
          ),
        }),
      };
      if (token.requireServiceAccount === undefined) {
        problems.push(`${at}tokenAttributes.requireServiceAccount: Required value`);
      }
    } else if (raw.tokenAttributes !== undefined && raw.tokenAttributes !== null) {
      problems.push(`${at}tokenAttributes: expected an object`);
    }
    const args = raw.args === undefined ? undefined : strings(raw.args, `${at}args`, problems);
    const duration = raw.defaultCacheDuration;
    return {
      name: text(raw.name, `${at}name`, problems),
      matchImages: strings(raw.matchImages, `${at}matchImages`, problems),
      defaultCacheDuration: typeof duration === "number"
        ? `${duration}`
        : text(duration, `${at}defaultCacheDuration`, problems),
      apiVersion: text(raw.apiVersion, `${at}apiVersion`, problems),
      ...(args === undefined ? {} : { args }),
      ...(env === undefined ? {} : { env }),
      ...(tokenAttributes === undefined ? {} : { tokenAttributes }),
    };
  });
  if (problems.length > 0) throw new SyntaxError(`strict decoding error: ${problems.join(", ")}`);
  return { apiVersion, kind, providers };
}

/** What this provider's entry is made of. */
export interface ProviderEntryOptions {
  /** The executable's file name in kubelet's bin dir. */
  readonly name: string;
  readonly matchImages: readonly string[];
  readonly minor: number;
  /** The token audience. @default "https://kubernetes.default.svc" */
  readonly audience?: string;
  /** Flags for the provider (kubelet passes them verbatim). */
  readonly args?: readonly string[];
  /** Service-account annotation keys kubelet should pass (least-privilege mode). */
  readonly optionalAnnotationKeys?: readonly string[];
}

/** The audience OpenShift and upstream use. */
export const DEFAULT_AUDIENCE = "https://kubernetes.default.svc";

/**
 * This provider's entry: credential provider API v1, a token for the audience
 * (`cacheType: Token` from 1.34 on, when kubelet requires it; absent before,
 * when kubelet would refuse it), `requireServiceAccount: false` (static pods
 * still pull), and a 1 s default cache (the answers say `0s` anyway).
 *
 * @example
 * ```ts
 * import { providerEntry } from "./kubelet_config_file.ts";
 * providerEntry({ name: "crio-credential-provider", matchImages: ["docker.io"], minor: 33 }).tokenAttributes;
 * // { serviceAccountTokenAudience: "https://kubernetes.default.svc", requireServiceAccount: false }
 * ```
 */
export function providerEntry(options: ProviderEntryOptions): CredentialProvider {
  const keys = options.optionalAnnotationKeys ?? [];
  return {
    name: options.name,
    matchImages: options.matchImages,
    defaultCacheDuration: "1s",
    apiVersion: "credentialprovider.kubelet.k8s.io/v1",
    ...(options.args && options.args.length > 0 ? { args: options.args } : {}),
    tokenAttributes: {
      serviceAccountTokenAudience: options.audience ?? DEFAULT_AUDIENCE,
      ...(options.minor >= 34 ? { cacheType: "Token" } : {}),
      requireServiceAccount: false,
      ...(keys.length > 0 ? { optionalServiceAccountAnnotationKeys: keys } : {}),
    },
  };
}

/**
 * `config` with `provider` in place of an entry of the same name, or appended
 * after the others (the platform's provider stays first, as the Machine Config
 * Operator also orders them).
 *
 * @example
 * ```ts
 * import { mergeProvider } from "./kubelet_config_file.ts";
 * const merged = mergeProvider(
 *   { apiVersion: "kubelet.config.k8s.io/v1", kind: "CredentialProviderConfig", providers: [] },
 *   { name: "p", matchImages: ["a.io"], defaultCacheDuration: "1s", apiVersion: "credentialprovider.kubelet.k8s.io/v1" },
 * );
 * merged.providers.length; // 1
 * ```
 */
export function mergeProvider(
  config: CredentialProviderConfig,
  provider: CredentialProvider,
): CredentialProviderConfig {
  const index = config.providers.findIndex((p) => p.name === provider.name);
  const providers = index === -1
    ? [...config.providers, provider]
    : config.providers.map((p, i) => i === index ? provider : p);
  return { ...config, apiVersion: "kubelet.config.k8s.io/v1", providers };
}
