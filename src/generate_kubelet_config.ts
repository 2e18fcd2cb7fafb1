/**
 * `generate kubelet-config`: kubelet's `CredentialProviderConfig` with this
 * provider, for a Kubernetes version, optionally merged into the node's
 * config file or directory (`--merge`), which is read as kubelet reads it.
 *
 * @module
 */

import { readTextIfExists } from "../adapters/text_files.ts";
import {
  type CredentialProviderConfig,
  tokenGateDefault,
  validateCredentialProviderConfig,
} from "../domain/deployment/kubelet_config.ts";
import {
  mergeProvider,
  parseCredentialProviderConfig,
  providerEntry,
} from "../domain/deployment/kubelet_config_file.ts";
import type { Manifest } from "../domain/deployment/rbac.ts";
import { PULL_SECRETS_ANNOTATION } from "../domain/credentials/pull_secret_annotation.ts";
import {
  type Artifacts,
  audienceOf,
  type GenerateIo,
  kubernetesMinor,
  matchImages,
  type ParsedValues,
} from "./generate_flags.ts";

/**
 * The providers of the config file at `path`, or of every `*.json`,
 * `*.yaml` and `*.yml` file of the directory at `path` in name order (as
 * kubelet 1.34+ reads a config directory), decoded strictly for Kubernetes
 * 1.`minor`.
 *
 * @throws {Error} naming `path` when it does not exist, holds no config file, or a file does not decode
 */
async function readConfigs(path: string, minor: number): Promise<CredentialProviderConfig> {
  let names: string[] = [];
  try {
    if ((await Deno.stat(path)).isDirectory) {
      for await (const entry of Deno.readDir(path)) {
        if (entry.isFile && /\.(json|ya?ml)$/.test(entry.name)) names.push(entry.name);
      }
      names = names.sort().map((name) => `${path}/${name}`);
      if (names.length === 0) {
        // kubelet's own words for this, so the failure reads as kubelet would report it.
        throw new Error(
          `Cannot merge into ${JSON.stringify(path)}: no configuration files found in directory`,
        );
      }
    } else {
      names = [path];
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Error(`Cannot merge into ${JSON.stringify(path)}: it does not exist`, {
        cause: error,
      });
    }
    throw error;
  }
  const providers = [];
  for (const name of names) {
    const text = await readTextIfExists(name, "credential provider config");
    try {
      providers.push(...parseCredentialProviderConfig(text ?? "", { minor }).providers);
    } catch (error) {
      throw new Error(
        `Cannot merge into ${JSON.stringify(path)}: error decoding config ${
          JSON.stringify(name)
        }: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
  return { apiVersion: "kubelet.config.k8s.io/v1", kind: "CredentialProviderConfig", providers };
}

/**
 * The kubelet config for the flags in `values`, checked by kubelet's
 * start-up rules for that Kubernetes version.
 *
 * @throws {UsageError} for bad flags; {Error} when `--merge` cannot be read or kubelet would refuse the result
 */
export async function kubeletConfig(values: ParsedValues, io: GenerateIo): Promise<Artifacts> {
  const minor = kubernetesMinor(values["kubernetes-version"]);
  const provider = providerEntry({
    name: io.executableName,
    matchImages: matchImages(values["match-image"]),
    minor,
    audience: audienceOf(values.audience),
    args: values.arg ?? [],
    ...(values["secret-annotation"] ? { optionalAnnotationKeys: [PULL_SECRETS_ANNOTATION] } : {}),
  });
  const base = values.merge === undefined
    ? {
      apiVersion: "kubelet.config.k8s.io/v1",
      kind: "CredentialProviderConfig" as const,
      providers: [],
    }
    : await readConfigs(values.merge, minor);
  const config = mergeProvider(base, provider);
  const errors = validateCredentialProviderConfig(config, { minor, tokenGate: true });
  if (errors.length > 0) {
    throw new Error(
      `Cannot generate the kubelet config: failed to validate credential provider config: [${
        errors.join(", ")
      }]`,
    );
  }
  const notes = [
    `For Kubernetes 1.${minor}: kubelet --image-credential-provider-config=<this file>` +
    ` --image-credential-provider-bin-dir=<the directory of ${io.executableName}>.`,
    ...(tokenGateDefault(minor) ? [] : [
      "Kubernetes 1.33: start kubelet with --feature-gates=KubeletServiceAccountTokenForCredentialProviders=true.",
    ]),
  ];
  return { manifests: [config as unknown as Manifest], notes, warnings: [] };
}
