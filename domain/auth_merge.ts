/**
 * Which credentials go into the namespaced auth file: the namespace's pull
 * secrets whose registry keys match a repository CRI-O will contact, merged
 * over the global auth file.
 *
 * Precedence is deterministic: secrets in name order, and the first secret
 * (and within a secret the first entry) that provides a key wins; namespace
 * entries replace global entries with the same key. Logs keep upstream's
 * wording for the steps upstream has.
 *
 * @module
 */

import type { CredentialTarget } from "./credential_targets.ts";
import {
  type Credential,
  type DockerConfigEntry,
  entryCredential,
  secretEntries,
} from "./docker_config.ts";
import { goQuote } from "./go_quote.ts";
import type { Logger, PullSecret } from "./ports.ts";
import { formatRegistryKey, matchRegistryKey, normalizeRegistryKey } from "./registry_key.ts";

/** What to merge. */
export interface MergeInput {
  readonly image: string;
  readonly targets: readonly CredentialTarget[];
  readonly secrets: readonly PullSecret[];
  /** Entries of the global auth file, in file order. */
  readonly global: readonly DockerConfigEntry[];
}

/** The merged `auths` and how many of them came from the namespace. */
export interface MergeResult {
  readonly entries: ReadonlyMap<string, Credential>;
  readonly fromNamespace: number;
}

/** The keys an entry's credentials are written under, one per distinct match. */
function matchedKeys(
  raw: string,
  targets: readonly CredentialTarget[],
  image: string,
  logger: Logger,
): string[] | undefined {
  const key = normalizeRegistryKey(raw);
  if (key === undefined) return undefined;
  const registry = formatRegistryKey(key);
  const written = new Set<string>();
  for (const target of targets) {
    if (target.mirror) {
      logger.log(
        "info",
        `Checking if mirror ${goQuote(target.endpoint)} matches registry ${goQuote(registry)}`,
      );
    }
    const match = matchRegistryKey(key, target.repository);
    if (match === undefined || written.has(match)) continue;
    written.add(match);
    logger.log(
      "info",
      target.mirror
        ? `Using mirror auth ${goQuote(target.endpoint)} for registry from secret ${
          goQuote(registry)
        }`
        : `Using auth for registry ${goQuote(registry)} matching image ${goQuote(image)}`,
    );
  }
  return [...written];
}

/**
 * Merges the namespace's pull secrets over the global auth file.
 *
 * @example
 * ```ts
 * import { mergeAuths } from "./auth_merge.ts";
 * const result = mergeAuths({
 *   image: "docker.io/library/nginx",
 *   targets: [{ repository: "localhost:5000/library/nginx", endpoint: "localhost:5000", mirror: true }],
 *   secrets: [{ name: "s", type: "kubernetes.io/dockerconfigjson",
 *     data: { ".dockerconfigjson": '{"auths":{"http://localhost:5000":{"auth":"dTpw"}}}' } }],
 *   global: [],
 * }, { log() {} });
 * [...result.entries.keys()]; // ["localhost:5000"]
 * ```
 */
export function mergeAuths(input: MergeInput, logger: Logger): MergeResult {
  const entries = new Map<string, Credential>();
  for (const entry of input.global) {
    const credential = entryCredential(entry);
    if ("problem" in credential) {
      logger.log("info", `Skipping global auth entry ${goQuote(entry.key)}: ${credential.problem}`);
    } else {
      entries.set(entry.key, credential);
    }
  }
  const providedBy = new Map<string, string>();
  const secrets = [...input.secrets].sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  for (const secret of secrets) {
    logger.log("info", `Parsing secret: ${secret.name}`);
    const found = secretEntries(secret);
    if ("problem" in found) {
      logger.log("info", `Skipping secret ${goQuote(secret.name)}: ${found.problem}`);
      continue;
    }
    for (const entry of found) {
      const name = goQuote(secret.name);
      logger.log(
        "info",
        `Found docker config JSON auth in secret ${name} for ${goQuote(entry.key)}`,
      );
      const credential = entryCredential(entry);
      if ("problem" in credential) {
        logger.log(
          "warning",
          `Skipping registry ${goQuote(entry.key)} of secret ${name}: ${credential.problem}`,
        );
        continue;
      }
      const keys = matchedKeys(entry.key, input.targets, input.image, logger);
      if (keys === undefined) {
        logger.log(
          "warning",
          `Skipping registry ${goQuote(entry.key)} of secret ${name}: it names no registry`,
        );
        continue;
      }
      for (const key of keys) {
        const earlier = providedBy.get(key);
        if (earlier !== undefined) {
          logger.log(
            "info",
            `Ignoring registry ${goQuote(key)} of secret ${name}: secret ${
              goQuote(earlier)
            } provides it first`,
          );
          continue;
        }
        providedBy.set(key, secret.name);
        entries.set(key, credential);
      }
    }
  }
  if (providedBy.size === 0) logger.log("info", "No docker auth found for any available secret");
  return { entries, fromNamespace: providedBy.size };
}
