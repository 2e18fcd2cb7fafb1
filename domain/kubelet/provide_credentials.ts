/**
 * The credential provider's use case: one kubelet request in, at most one
 * namespaced auth file and exactly one response line out.
 *
 * The steps and their log lines follow upstream (so runbooks and log checks
 * keep working); the deliberate differences are upstream's weaknesses fixed:
 * a request without token is a no-op, nothing-to-write is a success, a 403
 * from the API server means "no namespace secrets", and the run fails closed.
 * Failing closed means: the request is read and its namespace derived before
 * anything else can fail, so that every later failure (registries.conf that
 * cannot be read, a refused token, the deadline passing during a blocking
 * read or `fsync`) and every run that writes nothing removes a file left by
 * an earlier run for the same pull, which CRI-O would otherwise use.
 *
 * @module
 */

import { authFilePath } from "../credentials/auth_file_path.ts";
import { beforeDeadline } from "../errors/deadline.ts";
import { errorChain } from "../errors/error_chain.ts";
import { goQuote } from "../text/go_quote.ts";
import {
  type CredentialProviderRequest,
  encodeResponse,
  parseRequest,
} from "./kubelet_protocol.ts";
import type {
  AuthStore,
  Clock,
  GlobalAuthSource,
  Logger,
  RegistriesFound,
  RegistriesReader,
  RequestSource,
  ResponseSink,
  SecretSource,
} from "../ports.ts";
import { writePullAuthFile } from "./pull_auth_file.ts";
import { namespaceFromToken } from "./service_account_token.ts";
import { step } from "../errors/step_error.ts";

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
  /** Aborts when the run must end (`--timeout`); every awaited step is raced against it. */
  readonly deadline: AbortSignal;
}

/** Settings of one run. */
export interface ProviderOptions {
  /** Absolute directory CRI-O reads namespaced auth files from. */
  readonly authDir: string;
  /**
   * Refuse to list a namespace's Secrets: only service accounts that name
   * their pull secrets in the annotation get credentials. @default false
   */
  readonly requireSecretAnnotation?: boolean;
  /**
   * When the deadline passes (epoch ms, on `clock`): long synchronous work
   * (merging thousands of secrets) checks it, since no timer can fire then.
   */
  readonly deadlineAt?: number;
}

/** How a successful run ended. */
export type ProviderOutcome =
  | { readonly kind: "no-registries-conf" | "no-token" }
  | {
    readonly kind: "no-mirrors" | "forbidden" | "nothing-to-write" | "no-named-secrets";
    readonly authFile: string;
  }
  | { readonly kind: "written"; readonly authFile: string; readonly entries: number };

/** The pull a request is for, once its namespace is known. */
interface Pull {
  readonly image: string;
  readonly namespace: string;
  readonly token: string;
  readonly authFile: string;
}

/**
 * Runs the provider once and writes the response.
 *
 * @example
 * ```ts ignore
 * import { provideCredentials } from "./provide_credentials.ts";
 * const outcome = await provideCredentials(deps, { authDir: "/etc/crio/auth" });
 * ```
 * @throws {Error} with upstream's `unable to …` chain on any fault; no response is written then, and no auth file for the pull is left
 */
export async function provideCredentials(
  deps: ProviderDeps,
  options: ProviderOptions,
): Promise<ProviderOutcome> {
  const { logger, deadline } = deps;
  const log = (message: string) => logger.log("info", message);
  log("Running credential provider");
  let text: string;
  try {
    text = await beforeDeadline(deadline, deps.requests.read());
  } catch (error) {
    throw step("unable to parse credential provider request from stdin", error);
  }
  // A failure here is reported once the pull is known, so that its stale file goes too.
  let registries: RegistriesFound | undefined;
  let registriesError: unknown;
  try {
    registries = await beforeDeadline(deadline, deps.registries.read());
  } catch (error) {
    registriesError = error;
  }
  if (registries?.main === undefined && registries?.dropIns.length === 0) {
    log(`Registries conf path ${goQuote(registries.mainPath)} does not exist, stopping`);
    const request = parseRequestText(text);
    // A file written while there was a configuration must not outlive it.
    const token = request.serviceAccountToken;
    const pull = token === undefined
      ? undefined
      : await pullOf(request.image, token, options).catch(() => undefined);
    if (pull !== undefined) await removeStale(deps, pull.authFile);
    await respond(deps, request);
    return { kind: "no-registries-conf" };
  }
  log("Reading from stdin");
  const request = parseRequestText(text);
  log(`Parsed credential provider request for image ${goQuote(request.image)}`);
  log("Parsing namespace from request");
  if (request.serviceAccountToken === undefined) {
    log("No service account token in the request, will not write any auth file");
    if (registriesError !== undefined) {
      // Nothing depends on it for this pull, but the next pull with a token will fail.
      logger.log(
        "warning",
        errorChain(step("loading registries configuration", registriesError)),
      );
    }
    await respond(deps, request);
    return { kind: "no-token" };
  }
  const pull = await pullOf(request.image, request.serviceAccountToken, options);
  try {
    if (registriesError !== undefined) {
      throw step(
        "unable to match mirrors",
        step("loading registries configuration", registriesError),
      );
    }
    const outcome = await writePullAuthFile(deps, {
      ...pull,
      authDir: options.authDir,
      registries: registries!,
      annotations: request.serviceAccountAnnotations,
      requireSecretAnnotation: options.requireSecretAnnotation ?? false,
      ...(options.deadlineAt === undefined ? {} : { deadlineAt: options.deadlineAt }),
    });
    if (outcome.kind !== "written") await removeStale(deps, pull.authFile);
    await respond(deps, request);
    return outcome;
  } catch (error) {
    // Fail closed: CRI-O must not use an older file with possibly revoked credentials.
    await removeStale(deps, pull.authFile);
    throw error;
  }
}

function parseRequestText(text: string): CredentialProviderRequest {
  try {
    return parseRequest(text);
  } catch (error) {
    throw step("unable to parse credential provider request from stdin", error);
  }
}

/** The namespace and auth file of a request with a token. */
async function pullOf(
  image: string,
  token: string,
  options: Pick<ProviderOptions, "authDir">,
): Promise<Pull> {
  let namespace: string;
  try {
    namespace = namespaceFromToken(token);
  } catch (error) {
    throw step("unable to extract namespace", error);
  }
  const authFile = await authFilePath(options.authDir, { namespace, image });
  return { image, namespace, token, authFile };
}

/** The answer; with a token, it lets kubelet record the pull under the pod's service account. */
async function respond(deps: ProviderDeps, request: CredentialProviderRequest): Promise<void> {
  const image = request.serviceAccountToken === undefined ? {} : { image: request.image };
  await beforeDeadline(
    deps.deadline,
    deps.responses.write(encodeResponse(request.apiVersion, image)),
  );
}

/**
 * When the run cannot go on before it starts (a flag in kubelet's config the
 * provider refuses): reads the request and removes the pull's auth file, so
 * that CRI-O never pulls with an older one, possibly revoked; answers
 * nothing. Best effort: a request that cannot be read names no file.
 *
 * @example
 * ```ts ignore
 * import { withdrawCredentials } from "./provide_credentials.ts";
 * await withdrawCredentials(deps, { authDir: "/etc/crio/auth" });
 * ```
 */
export async function withdrawCredentials(
  deps: Pick<ProviderDeps, "requests" | "authStore" | "logger" | "deadline">,
  options: Pick<ProviderOptions, "authDir">,
): Promise<void> {
  let pull: Pull;
  try {
    const request = parseRequest(await beforeDeadline(deps.deadline, deps.requests.read()));
    if (request.serviceAccountToken === undefined) return;
    pull = await pullOf(request.image, request.serviceAccountToken, options);
  } catch {
    return; // no request, no file to name
  }
  await removeStale(deps, pull.authFile);
}

/** Removes an earlier run's file for the pull; never throws, the run's own outcome matters more. */
async function removeStale(
  deps: Pick<ProviderDeps, "authStore" | "logger">,
  authFile: string,
): Promise<void> {
  try {
    if (await deps.authStore.remove(authFile)) {
      deps.logger.log("info", `Removed stale auth file ${authFile}`);
    }
  } catch (error) {
    deps.logger.log("error", `Unable to remove stale auth file ${authFile}: ${errorChain(error)}`);
  }
}
