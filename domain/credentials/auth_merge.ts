/**
 * Which credentials go into the namespaced auth file: the namespace's pull
 * secrets whose registry keys match a repository CRI-O will contact, merged
 * over the global auth file.
 *
 * Precedence is deterministic: secrets in name order (or in the order a
 * service account's annotation names them), and the first secret
 * (and within a secret the first entry) that provides a key wins; namespace
 * entries replace global entries with the same key, and a global credential
 * helper for a registry the namespace provides is left out (containers/image
 * asks a helper before it reads `auths`). Helpers come only from the global
 * file: a tenant's secret must never name a program the node runs.
 *
 * Logs keep upstream's wording for the secrets and keys that are used; what
 * is passed over is logged at debug, and problems are summed up in one
 * warning each, so a pull logs a bounded number of records whatever the
 * number of secrets, keys or global entries.
 *
 * @module
 */

import type { CredentialTarget } from "./credential_targets.ts";
import { type Credential, type DockerConfig, entryCredential } from "./docker_config.ts";
import { goQuote } from "../text/go_quote.ts";
import { loggedKey } from "../text/log_text.ts";
import type { Logger, PullSecret } from "../ports.ts";
import { secretEntries } from "./pull_secret.ts";
import { formatRegistryKey, matchRegistryKey, normalizeRegistryKey } from "./registry_key.ts";

/** What to merge. */
export interface MergeInput {
  readonly image: string;
  readonly targets: readonly CredentialTarget[];
  readonly secrets: readonly PullSecret[];
  /** The global auth file. */
  readonly global: DockerConfig;
  /**
   * Precedence among secrets: by name (listed secrets), or as given (the
   * order a service account's annotation names them in). @default "name"
   */
  readonly order?: "name" | "given";
  /**
   * Called every so often during the merge; throws to stop it (the run's
   * deadline cannot fire while synchronous work runs).
   */
  readonly checkpoint?: () => void;
}

/** Secrets and entries merged between two checkpoints. */
const CHECKPOINT_EVERY = 256;

/** The merged file and how many of its `auths` came from the namespace. */
export interface MergeResult {
  readonly entries: ReadonlyMap<string, Credential>;
  readonly credHelpers: ReadonlyMap<string, string>;
  readonly fromNamespace: number;
}

/** Names shown in one summary warning before "and N more". */
const SUMMARY_NAMES = 5;

/** Collects passed-over items for one bounded warning. */
class Summary {
  readonly #items: string[] = [];
  constructor(readonly what: string) {}
  add(item: string): void {
    this.#items.push(item);
  }
  report(logger: Logger): void {
    const count = this.#items.length;
    if (count === 0) return;
    const shown = this.#items.slice(0, SUMMARY_NAMES).join(", ");
    const more = count > SUMMARY_NAMES ? `, and ${count - SUMMARY_NAMES} more` : "";
    logger.log("warning", `${this.what} (${count}): ${shown}${more}`);
  }
}

/** The host[:port] a written key belongs to, as containers/image looks up `credHelpers`. */
function registryOf(key: string): string {
  const slash = key.indexOf("/");
  return slash === -1 ? key : key.slice(0, slash);
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
 *   global: { entries: [], credHelpers: new Map() },
 * }, { log() {} });
 * [...result.entries.keys()]; // ["localhost:5000"]
 * ```
 */
export function mergeAuths(input: MergeInput, logger: Logger): MergeResult {
  const entries = new Map<string, Credential>();
  let work = 0;
  const checkpoint = () => {
    if (++work % CHECKPOINT_EVERY === 0) input.checkpoint?.();
  };
  for (const entry of input.global.entries) {
    checkpoint();
    const credential = entryCredential(entry);
    if ("problem" in credential) {
      logger.log(
        "debug",
        `Skipping global auth entry ${unmatchedKey(entry.key)}: ${credential.problem}`,
      );
    } else {
      entries.set(entry.key, credential);
    }
  }
  const unreadable = new Summary("Skipped pull secrets that cannot be read");
  const empty = new Summary("Skipped registry entries without credentials");
  const nameless = new Summary("Skipped registry keys that name no registry");
  const providedBy = new Map<string, string>();
  const secrets = input.order === "given"
    ? input.secrets
    : [...input.secrets].sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  for (const secret of secrets) {
    checkpoint();
    const name = goQuote(secret.name);
    const found = secretEntries(secret);
    if ("problem" in found) {
      logger.log("debug", `Skipping secret ${name}: ${found.problem}`);
      unreadable.add(`${name} (${found.problem.replace(/^skipping secret "[^"]*" because /, "")})`);
      continue;
    }
    let announced = false;
    for (const entry of found) {
      checkpoint();
      const key = normalizeRegistryKey(entry.key);
      const matches = key === undefined ? [] : input.targets.flatMap((target) => {
        const written = matchRegistryKey(key, target.repository);
        return written === undefined ? [] : [{ target, written }];
      });
      // A key that names one of the image's registries names a host of registries.conf; any
      // other is shown by its length only: a damaged one may hold a password glued to a host.
      const raw = matches.length > 0 ? goQuote(loggedKey(entry.key)) : unmatchedKey(entry.key);
      const fresh = matches.filter(({ written }) => !providedBy.has(written));
      // Upstream's lines, for what is used; the rest at debug so that a pull logs a bounded amount.
      const level = fresh.length > 0 ? "info" : "debug";
      if (level === "info" && !announced) {
        logger.log("info", `Parsing secret: ${secret.name}`);
        announced = true;
      }
      logger.log(level, `Found docker config JSON auth in secret ${name} for ${raw}`);
      if (key === undefined) {
        nameless.add(`${raw} of secret ${name}`);
        continue;
      }
      const credential = entryCredential(entry);
      if ("problem" in credential) {
        if (matches.length > 0) empty.add(`${raw} of secret ${name}`);
        logger.log("debug", `Skipping registry ${raw} of secret ${name}: ${credential.problem}`);
        continue;
      }
      const registry = goQuote(loggedKey(formatRegistryKey(key)));
      const used = new Set<string>();
      for (const { target, written } of matches) {
        const earlier = providedBy.get(written);
        if (earlier !== undefined || used.has(written)) {
          if (earlier !== undefined) {
            logger.log(
              "debug",
              `Ignoring registry ${goQuote(loggedKey(written))} of secret ${name}: secret ${
                goQuote(earlier)
              } provides it first`,
            );
          }
          continue;
        }
        used.add(written);
        if (target.mirror) {
          logger.log(
            "info",
            `Checking if mirror ${goQuote(target.endpoint)} matches registry ${registry}`,
          );
          logger.log(
            "info",
            `Using mirror auth ${goQuote(target.endpoint)} for registry from secret ${registry}`,
          );
        } else {
          logger.log(
            "info",
            `Using auth for registry ${registry} matching image ${goQuote(input.image)}`,
          );
        }
      }
      for (const written of used) {
        providedBy.set(written, secret.name);
        entries.set(written, credential);
      }
    }
  }
  unreadable.report(logger);
  empty.report(logger);
  nameless.report(logger);
  if (providedBy.size === 0) logger.log("info", "No docker auth found for any available secret");
  const namespaceRegistries = new Set([...providedBy.keys()].map(registryOf));
  const credHelpers = new Map<string, string>();
  for (const [registry, helper] of input.global.credHelpers) {
    if (namespaceRegistries.has(registry)) {
      logger.log(
        "info",
        `Leaving out the global credential helper for ${
          goQuote(loggedKey(registry))
        }: the namespace provides its credentials`,
      );
    } else {
      credHelpers.set(registry, helper);
    }
  }
  return { entries, credHelpers, fromNamespace: providedBy.size };
}

/**
 * A key that names none of the image's registries, as logs show it: its
 * length only, since it is neither a host the provider was configured with
 * nor certain to be a name at all.
 */
function unmatchedKey(key: string): string {
  return `<key of ${key.length} characters>`;
}
