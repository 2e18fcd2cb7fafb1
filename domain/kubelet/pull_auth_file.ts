/**
 * The part of a run that knows the pull (namespace, image, token, file):
 * match the image's mirrors, read the namespace's pull secrets with the
 * pod's token, merge them over the global auth file and write the result.
 * The caller removes a stale file whenever this writes none or throws.
 *
 * @module
 */

import { encodeAuthFile } from "../credentials/auth_file_json.ts";
import { mergeAuths } from "../credentials/auth_merge.ts";
import { credentialTargets } from "../credentials/credential_targets.ts";
import { beforeDeadline, DeadlineError } from "../errors/deadline.ts";
import { type DockerConfig, parseDockerConfig } from "../credentials/docker_config.ts";
import { errorChain } from "../errors/error_chain.ts";
import { goQuote } from "../text/go_quote.ts";
import { cutText, withoutSecret } from "../text/log_text.ts";
import type { PullSecret } from "../ports.ts";
import type { ProviderDeps, ProviderOutcome } from "./provide_credentials.ts";
import { PULL_SECRETS_ANNOTATION, secretSelection } from "../credentials/pull_secret_annotation.ts";
import { loadRegistriesConf } from "../registries/registries_conf.ts";
import type { RegistriesFound } from "../ports.ts";
import { tokenValidity } from "./service_account_token.ts";
import { step } from "../errors/step_error.ts";

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
  readonly registries: RegistriesFound;
  /** The service account's annotations kubelet passed (v1 requests). */
  readonly annotations: Readonly<Record<string, string>> | undefined;
  /** Whether listing the namespace's Secrets is refused (`--require-secret-annotation`). */
  readonly requireSecretAnnotation: boolean;
  /** When the run's deadline passes, epoch ms on `deps.clock`. */
  readonly deadlineAt?: number;
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
  log(`Matching mirrors for registry config: ${pull.registries.mainPath}`);
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
  const found = await pullSecrets(deps, pull);
  if (found.kind !== "secrets") return { kind: found.kind, authFile: pull.authFile };
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
    {
      image: pull.image,
      targets: targets.targets,
      secrets: found.secrets,
      global,
      order: found.named ? "given" : "name",
      checkpoint: () => {
        if (pull.deadlineAt !== undefined && deps.clock.now() >= pull.deadlineAt) {
          throw step("unable to create auth file", new DeadlineError());
        }
      },
    },
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

/** The pull secrets to merge, or why there are none. */
type Found =
  | { readonly kind: "secrets"; readonly secrets: readonly PullSecret[]; readonly named: boolean }
  | { readonly kind: "forbidden" | "no-named-secrets" };

/**
 * The namespace's pull secrets: the ones the service account names in its
 * annotation, fetched by name (no `list`), else the listed ones, unless
 * listing is refused.
 */
async function pullSecrets(deps: ProviderDeps, pull: PullContext): Promise<Found> {
  const { logger, deadline } = deps;
  const log = (message: string) => logger.log("info", message);
  const selection = secretSelection(pull.annotations);
  const namespace = goQuote(pull.namespace);
  if (selection.kind === "malformed") {
    logger.log(
      "warning",
      `Not using the pull secrets named by annotation ${PULL_SECRETS_ANNOTATION}=${
        goQuote(cutText(selection.value))
      } of the service account in namespace ${namespace}: ${selection.problem}; ` +
        "will not write any auth file",
    );
    return { kind: "no-named-secrets" };
  }
  if (selection.kind === "list" && pull.requireSecretAnnotation) {
    logger.log(
      "warning",
      `The service account in namespace ${namespace} names no pull secrets (annotation ` +
        `${PULL_SECRETS_ANNOTATION}) and listing secrets is refused ` +
        "(--require-secret-annotation); will not write any auth file",
    );
    return { kind: "no-named-secrets" };
  }
  if (selection.kind === "named") {
    log(
      `Getting secrets ${
        selection.names.map((n) => goQuote(n)).join(", ")
      } from namespace: ${pull.namespace} (annotation ${PULL_SECRETS_ANNOTATION})`,
    );
    let lookup;
    try {
      lookup = await beforeDeadline(
        deadline,
        deps.secrets.getSecrets(pull.namespace, { token: pull.token, names: selection.names }),
      );
    } catch (error) {
      throw step("unable to get secrets", error);
    }
    if (lookup.kind === "refused") {
      throw step("unable to get secrets", tokenRefused(deps, pull, refusal(lookup, pull.token)));
    }
    for (const { name, status } of lookup.unavailable) {
      logger.log(
        "warning",
        `Secret ${goQuote(name)} named by the service account in namespace ${namespace} ` +
          (status === 404
            ? "does not exist"
            : `may not be read (HTTP 403): grant the pod's service account "get" on it`),
      );
    }
    log(`Got ${lookup.secrets.length} secret(s)`);
    // The annotation's order is the order of precedence.
    const rank = (secret: PullSecret) => selection.names.indexOf(secret.name);
    const secrets = [...lookup.secrets].sort((a, b) => rank(a) - rank(b));
    return { kind: "secrets", secrets, named: true };
  }
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
    if (listing.status === 401) {
      throw step("unable to get secrets", tokenRefused(deps, pull, refusal(listing, pull.token)));
    }
    logger.log(
      "warning",
      `Not allowed to list secrets in namespace ${namespace} (${refusal(listing, pull.token)}): ` +
        `grant the pod's service account "get" and "list" on secrets, or name its pull ` +
        `secrets in the annotation ${PULL_SECRETS_ANNOTATION}; will not write any auth file`,
    );
    return { kind: "forbidden" };
  }
  log(`Got ${listing.secrets.length} secret(s)`);
  return { kind: "secrets", secrets: listing.secrets, named: false };
}

/** `HTTP 401: <Status message>`. */
function refusal(
  answer: { readonly status: number; readonly message?: string },
  token: string,
): string {
  return `HTTP ${answer.status}${
    answer.message === undefined ? "" : `: ${cutText(withoutSecret(answer.message, token))}`
  }`;
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
