/**
 * The part of a run that knows the pull (namespace, image, token, file):
 * match the image's mirrors, read the namespace's pull secrets with the
 * pod's token, merge them over the global auth file and write the result.
 * The caller removes a stale file whenever this writes none or throws.
 *
 * @module
 */

import { encodeAuthFile } from "./auth_file_json.ts";
import { mergeAuths } from "./auth_merge.ts";
import { credentialTargets } from "./credential_targets.ts";
import { beforeDeadline } from "./deadline.ts";
import { type DockerConfig, parseDockerConfig } from "./docker_config.ts";
import { errorChain } from "./error_chain.ts";
import { goQuote } from "./go_quote.ts";
import { cutText } from "./log_text.ts";
import type { ProviderDeps, ProviderOutcome } from "./provide_credentials.ts";
import { loadRegistriesConf } from "./registries_conf.ts";
import type { RegistriesSources } from "./registries_model.ts";
import { tokenValidity } from "./service_account_token.ts";
import { step } from "./step_error.ts";

/**
 * Files older than this were left behind: a temporary file by a killed run, an
 * auth file by a run no pull followed (a cached start that kubelet verified
 * through the provider). CRI-O consumes a file within the pull it was written
 * for; a later run writes a fresh one.
 */
const LEFT_BEHIND_MS = 10 * 60 * 1000;

/** One pull, as the run knows it after reading the request. */
export interface PullContext {
  readonly image: string;
  readonly namespace: string;
  readonly token: string;
  readonly authFile: string;
  readonly authDir: string;
  readonly registries: RegistriesSources;
}

/**
 * Writes the namespaced auth file for one pull, or says why there is none.
 *
 * @example
 * ```ts ignore
 * import { writePullAuthFile } from "./pull_auth_file.ts";
 * const outcome = await writePullAuthFile(deps, pull);
 * ```
 * @throws {Error} with upstream's `unable to …` chain; a 401 from the API server is one
 */
export async function writePullAuthFile(
  deps: ProviderDeps,
  pull: PullContext,
): Promise<ProviderOutcome> {
  const { logger, deadline } = deps;
  const log = (message: string) => logger.log("info", message);
  try {
    await beforeDeadline(
      deadline,
      deps.authStore.sweep(pull.authDir, deps.clock.now() - LEFT_BEHIND_MS),
    );
  } catch (error) {
    logger.log("warning", `Unable to sweep left-behind auth files: ${errorChain(error)}`);
  }
  log(`Matching mirrors for registry config: ${deps.registries.mainPath}`);
  let targets;
  try {
    targets = credentialTargets(loadRegistriesConf(pull.registries), pull.image);
  } catch (error) {
    throw step("unable to match mirrors", step("loading registries configuration", error));
  }
  if (targets.mirrors.length === 0) {
    log("No mirrors found, will not write any auth file");
    return { kind: "no-mirrors", authFile: pull.authFile };
  }
  log(`Got mirror(s) for ${goQuote(pull.image)}: ${goQuote(targets.mirrors.join(", "))}`);
  log(`Getting secrets from namespace: ${pull.namespace}`);
  let listing;
  try {
    listing = await beforeDeadline(
      deadline,
      deps.secrets.listPullSecrets(pull.namespace, pull.token),
    );
  } catch (error) {
    throw step("unable to get secrets", error);
  }
  if (listing.kind === "refused") {
    const status = `HTTP ${listing.status}${
      listing.message === undefined ? "" : `: ${cutText(listing.message)}`
    }`;
    if (listing.status === 401) {
      throw step("unable to get secrets", tokenRefused(deps, pull, status));
    }
    logger.log(
      "warning",
      `Not allowed to list secrets in namespace ${goQuote(pull.namespace)} (${status}): ` +
        `grant the pod's service account "get" and "list" on secrets; will not write any auth file`,
    );
    return { kind: "forbidden", authFile: pull.authFile };
  }
  log(`Got ${listing.secrets.length} secret(s)`);
  let global: DockerConfig;
  try {
    const text = await beforeDeadline(deadline, deps.globalAuth.read());
    global = text === undefined
      ? { entries: [], credHelpers: new Map() }
      : parseGlobal(text, deps.globalAuth.path);
  } catch (error) {
    throw step("unable to create auth file", step("unable to read global auth file", error));
  }
  if (global.credHelpersProblem !== undefined) {
    logger.log(
      "warning",
      `Not carrying over the credHelpers of ${
        goQuote(deps.globalAuth.path)
      }: ${global.credHelpersProblem}`,
    );
  }
  const merged = mergeAuths(
    { image: pull.image, targets: targets.targets, secrets: listing.secrets, global },
    logger,
  );
  if (merged.fromNamespace === 0) {
    log("No namespace credentials for the mirrors, will not write any auth file");
    return { kind: "nothing-to-write", authFile: pull.authFile };
  }
  try {
    await beforeDeadline(
      deadline,
      deps.authStore.write(
        pull.authFile,
        encodeAuthFile(merged.entries, { credHelpers: merged.credHelpers }),
      ),
    );
  } catch (error) {
    throw step("unable to create auth file", step("unable to write namespace auth file", error));
  }
  log(`Wrote auth file to ${pull.authFile} with ${merged.entries.size} number of entries`);
  log(`Auth file path: ${pull.authFile}`);
  return { kind: "written", authFile: pull.authFile, entries: merged.entries.size };
}

/**
 * A 401 means the API server did not accept the token at all: most often
 * kubelet asks for an audience the API server does not serve, or the token
 * expired. kubelet shows stderr only when the provider fails, so this fails.
 */
function tokenRefused(deps: ProviderDeps, pull: PullContext, status: string): Error {
  const { audiences, expiresAt } = tokenValidity(pull.token);
  const audience = audiences.length === 0
    ? "no audience"
    : `audience ${audiences.map((a) => goQuote(cutText(a))).join(", ")}`;
  let expiry = "";
  if (expiresAt !== undefined) {
    const when = new Date(expiresAt * 1000).toISOString();
    expiry = expiresAt * 1000 <= deps.clock.now() ? `, expired at ${when}` : `, expires at ${when}`;
  }
  return new Error(
    `the API server did not accept the service account token (${status}); the token has ` +
      `${audience}${expiry}: check that tokenAttributes.serviceAccountTokenAudience in kubelet's ` +
      `credential provider config is an audience the API server accepts (its --api-audiences), ` +
      `and that the token is still valid`,
  );
}

function parseGlobal(text: string, path: string): DockerConfig {
  try {
    return parseDockerConfig(text, { legacy: false, credHelpers: true });
  } catch (error) {
    throw new SyntaxError(`unmarshaling JSON at ${goQuote(path)}: ${errorChain(error)}`, {
      cause: error,
    });
  }
}
