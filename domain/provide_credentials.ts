/**
 * The credential provider's use case: one kubelet request in, at most one
 * namespaced auth file and exactly one response line out.
 *
 * The steps and their log lines follow upstream (so runbooks and log checks
 * keep working); the deliberate differences are upstream's weaknesses fixed:
 * a request without token is a no-op, nothing-to-write is a success, every
 * path that writes nothing or fails removes a stale file for the same pull,
 * and a 401/403 from the API server means "no namespace secrets".
 *
 * @module
 */

import { authFilePath } from "./auth_file_path.ts";
import { encodeAuthFile } from "./auth_file_json.ts";
import { errorChain } from "./error_chain.ts";
import { mergeAuths } from "./auth_merge.ts";
import { credentialTargets } from "./credential_targets.ts";
import { parseDockerConfig } from "./docker_config.ts";
import { goQuote } from "./go_quote.ts";
import { encodeResponse, parseRequest } from "./kubelet_protocol.ts";
import type {
  AuthStore,
  Clock,
  GlobalAuthSource,
  Logger,
  RegistriesReader,
  RequestSource,
  ResponseSink,
  SecretSource,
} from "./ports.ts";
import { loadRegistriesConf } from "./registries_conf.ts";
import type { RegistriesSources } from "./registries_model.ts";
import { namespaceFromToken } from "./service_account_token.ts";

/** Every effect the use case needs. */
export interface ProviderDeps {
  readonly requests: RequestSource;
  readonly responses: ResponseSink;
  readonly registries: RegistriesReader;
  readonly secrets: SecretSource;
  readonly globalAuth: GlobalAuthSource;
  readonly authStore: AuthStore;
  readonly logger: Logger;
  readonly clock: Clock;
}

/** Settings of one run. */
export interface ProviderOptions {
  /** Absolute directory CRI-O reads namespaced auth files from. */
  readonly authDir: string;
}

/** How a successful run ended. */
export type ProviderOutcome =
  | { readonly kind: "no-registries-conf" | "no-token" }
  | {
    readonly kind: "no-mirrors" | "forbidden" | "nothing-to-write";
    readonly authFile: string;
  }
  | { readonly kind: "written"; readonly authFile: string; readonly entries: number };

/** Temporary files older than this were left by a killed run. */
const STALE_TEMPORARY_FILE_MS = 10 * 60 * 1000;

function step(action: string, error: unknown): Error {
  return new Error(`${action}: ${errorChain(error)}`, { cause: error });
}

/**
 * Runs the provider once and writes the response.
 *
 * @example
 * ```ts ignore
 * import { provideCredentials } from "./provide_credentials.ts";
 * const outcome = await provideCredentials(deps, { authDir: "/etc/crio/auth" });
 * ```
 * @throws {Error} with upstream's `unable to …` chain on any fault; no response is written then
 */
export async function provideCredentials(
  deps: ProviderDeps,
  options: ProviderOptions,
): Promise<ProviderOutcome> {
  const { logger } = deps;
  const log = (message: string) => logger.log("info", message);
  log("Running credential provider");
  const registries = await deps.registries.read();
  if (registries.main === undefined && registries.dropIns.length === 0) {
    log(`Registries conf path ${goQuote(deps.registries.mainPath)} does not exist, stopping`);
    const request = await readRequest(deps);
    await deps.responses.write(encodeResponse(request.apiVersion));
    return { kind: "no-registries-conf" };
  }
  log("Reading from stdin");
  const request = await readRequest(deps);
  log(`Parsed credential provider request for image ${goQuote(request.image)}`);
  log("Parsing namespace from request");
  if (request.serviceAccountToken === undefined) {
    log("No service account token in the request, will not write any auth file");
    await deps.responses.write(encodeResponse(request.apiVersion));
    return { kind: "no-token" };
  }
  let namespace: string;
  try {
    namespace = namespaceFromToken(request.serviceAccountToken);
  } catch (error) {
    throw step("unable to extract namespace", error);
  }
  const authFile = await authFilePath(options.authDir, { namespace, image: request.image });
  try {
    const outcome = await writeAuthFile(deps, {
      image: request.image,
      namespace,
      token: request.serviceAccountToken,
      authFile,
      authDir: options.authDir,
      registries,
    });
    await deps.responses.write(encodeResponse(request.apiVersion));
    return outcome;
  } catch (error) {
    // Fail closed: CRI-O must not use an older file with possibly revoked credentials.
    await removeStale(deps, authFile);
    throw error;
  }
}

async function readRequest(deps: ProviderDeps) {
  try {
    return parseRequest(await deps.requests.read());
  } catch (error) {
    throw step("unable to parse credential provider request from stdin", error);
  }
}

async function removeStale(deps: ProviderDeps, authFile: string): Promise<void> {
  try {
    if (await deps.authStore.remove(authFile)) {
      deps.logger.log("info", `Removed stale auth file ${authFile}`);
    }
  } catch (error) {
    deps.logger.log("error", `Unable to remove stale auth file ${authFile}: ${errorChain(error)}`);
  }
}

interface Pull {
  readonly image: string;
  readonly namespace: string;
  readonly token: string;
  readonly authFile: string;
  readonly authDir: string;
  readonly registries: RegistriesSources;
}

async function writeAuthFile(deps: ProviderDeps, pull: Pull): Promise<ProviderOutcome> {
  const { logger } = deps;
  const log = (message: string) => logger.log("info", message);
  try {
    await deps.authStore.sweep(pull.authDir, deps.clock.now() - STALE_TEMPORARY_FILE_MS);
  } catch (error) {
    logger.log("warning", `Unable to sweep temporary auth files: ${errorChain(error)}`);
  }
  log(`Matching mirrors for registry config: ${deps.registries.mainPath}`);
  let targets;
  try {
    targets = credentialTargets(loadRegistriesConf(pull.registries), pull.image);
  } catch (error) {
    const inner = step("loading registries configuration", error);
    throw step("unable to match mirrors", inner);
  }
  if (targets.mirrors.length === 0) {
    log("No mirrors found, will not write any auth file");
    await removeStale(deps, pull.authFile);
    return { kind: "no-mirrors", authFile: pull.authFile };
  }
  log(`Got mirror(s) for ${goQuote(pull.image)}: ${goQuote(targets.mirrors.join(", "))}`);
  log(`Getting secrets from namespace: ${pull.namespace}`);
  let listing;
  try {
    listing = await deps.secrets.listPullSecrets(pull.namespace, pull.token);
  } catch (error) {
    throw step("unable to get secrets", error);
  }
  if (listing.kind === "forbidden") {
    logger.log(
      "warning",
      `Not allowed to list secrets in namespace ${
        goQuote(pull.namespace)
      } (HTTP ${listing.status}): ` +
        `grant the pod's service account "get" and "list" on secrets; will not write any auth file`,
    );
    await removeStale(deps, pull.authFile);
    return { kind: "forbidden", authFile: pull.authFile };
  }
  log(`Got ${listing.secrets.length} secret(s)`);
  let global;
  try {
    const text = await deps.globalAuth.read();
    global = text === undefined ? [] : parseGlobal(text, deps.globalAuth.path);
  } catch (error) {
    throw step("unable to create auth file", step("unable to read global auth file", error));
  }
  const merged = mergeAuths(
    { image: pull.image, targets: targets.targets, secrets: listing.secrets, global },
    logger,
  );
  if (merged.fromNamespace === 0) {
    log("No namespace credentials for the mirrors, will not write any auth file");
    await removeStale(deps, pull.authFile);
    return { kind: "nothing-to-write", authFile: pull.authFile };
  }
  try {
    await deps.authStore.write(pull.authFile, encodeAuthFile(merged.entries));
  } catch (error) {
    throw step("unable to create auth file", step("unable to write namespace auth file", error));
  }
  log(`Wrote auth file to ${pull.authFile} with ${merged.entries.size} number of entries`);
  log(`Auth file path: ${pull.authFile}`);
  return { kind: "written", authFile: pull.authFile, entries: merged.entries.size };
}

function parseGlobal(text: string, path: string) {
  try {
    return parseDockerConfig(text, { legacy: false });
  } catch (error) {
    throw new SyntaxError(`unmarshaling JSON at ${goQuote(path)}: ${errorChain(error)}`, {
      cause: error,
    });
  }
}
