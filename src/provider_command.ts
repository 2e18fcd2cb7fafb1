/**
 * The provider run as kubelet executes it: wires the Deno adapters to the
 * use case, bounds the run by the deadline, and reports failures the way
 * upstream does (`Failed to run credential provider: …`).
 *
 * @module
 */

import { createAuthStore } from "../adapters/auth_store.ts";
import { delay } from "../adapters/delay.ts";
import { systemClock } from "../adapters/clock.ts";
import { openJournal } from "../adapters/journald.ts";
import { createLogger } from "../adapters/logger.ts";
import { readRegistriesFiles, registriesLocations } from "../adapters/registries_files.ts";
import { readStdin, type TextSink } from "../adapters/stdio.ts";
import { readTextIfExists } from "../adapters/text_files.ts";
import { errorChain } from "../domain/errors/error_chain.ts";
import { goDecodeUtf8 } from "../domain/text/go_text.ts";
import type { ProxyEnvironment } from "../domain/api_server/proxy_for_url.ts";
import type { ProviderDeps } from "../domain/kubelet/provide_credentials.ts";
import { provideCredentials, withdrawCredentials } from "../domain/kubelet/provide_credentials.ts";
import { BUILD } from "./build_config.ts";
import type { ProviderConfig } from "./provider_config.ts";
import { userAgent } from "./version.ts";

/** The process surroundings the command needs. */
export interface ProviderIo {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  /** Home directory for user-level registries files (HOME, or the account's home). */
  readonly home?: string;
  /** A home directory whose user-level files this build may not read, to warn about. */
  readonly unreadableHome?: string;
  /** The process's uid, which must own the auth directory. */
  readonly uid?: number;
  /** The proxy variables kubelet passed, taken out of the environment at start. */
  readonly proxies?: ProxyEnvironment;
  /** Variables that were set but are ignored (Deno's TLS trust variables), to warn about. */
  readonly ignoredVariables?: readonly string[];
  /**
   * Why no TLS connection may be made (`SSLKEYLOGFILE` set): the run fails
   * when it would reach the API server, once the request is read, like any
   * other failure.
   */
  readonly refuseTls?: string;
}

/** The identifier journald entries carry. */
export const SYSLOG_IDENTIFIER = "crio-credential-provider";

/**
 * Runs the provider once; returns the exit status.
 *
 * @example
 * ```ts ignore
 * import { runProvider } from "./provider_command.ts";
 * const status = await runProvider(config, { stdout, stderr, home: "/root", uid: 0 });
 * ```
 */
export async function runProvider(config: ProviderConfig, io: ProviderIo): Promise<number> {
  const journal = await openJournal({
    socket: config.journalSocket,
    identifier: SYSLOG_IDENTIFIER,
  });
  const logger = createLogger({
    stderr: io.stderr,
    stderrLevel: config.logLevel,
    ...(journal ? { journal } : {}),
  });
  const deadlineAt = Date.now() + config.timeoutSeconds * 1000;
  const deadline = AbortSignal.timeout(config.timeoutSeconds * 1000);
  for (const name of io.ignoredVariables ?? []) {
    logger.log(
      "warning",
      `Ignoring ${name} from the environment: the API server is verified with the ` +
        "cluster CA (see --ca-file), not with roots the environment names",
    );
  }
  if (io.unreadableHome !== undefined) {
    logger.log(
      "warning",
      `Not reading user registries configuration under ${
        JSON.stringify(`${io.unreadableHome}/.config/containers`)
      }: this build may only read the home directory it was built for`,
    );
  }
  // Loaded on first use: most runs (no mirror, no token) never talk to the API,
  // and the YAML and HTTP code would otherwise slow every start.
  const secretSource = async () => {
    const [{ createSecretSource }, { resolveApiConnection }] = await Promise.all([
      import("../adapters/kube_api.ts"),
      import("./api_connection.ts"),
    ]);
    return createSecretSource({
      connect: () =>
        io.refuseTls === undefined
          ? resolveApiConnection(config, { logger, proxies: io.proxies ?? {} })
          : Promise.reject(new Error(io.refuseTls)),
      signal: deadline,
      userAgent: userAgent(),
    });
  };
  const deps: ProviderDeps = {
    requests: { read: readStdin },
    responses: io.stdout,
    registries: {
      // Decided when read, after the request: whether the user's registries.conf exists
      // takes a stat that can fail, and a failure must be reported as the run's.
      async read() {
        const locations = await registriesLocations({
          ...(config.registriesConf === undefined ? {} : { confPath: config.registriesConf }),
          ...(config.registriesConfDir === undefined
            ? {}
            : { confDirPath: config.registriesConfDir }),
          ...(io.home === undefined ? {} : { home: io.home }),
        });
        return { mainPath: locations.main, ...await readRegistriesFiles(locations) };
      },
    },
    secrets: {
      listPullSecrets: async (namespace, token) =>
        await (await secretSource()).listPullSecrets(namespace, token),
      getSecrets: async (namespace, request) =>
        await (await secretSource()).getSecrets(namespace, request),
    },
    globalAuth: {
      path: config.globalAuthFile,
      // Read as kubelet's Go code reads it.
      read: () =>
        readTextIfExists(config.globalAuthFile, "global auth file", { decode: goDecodeUtf8 }),
    },
    authStore: createAuthStore({ ...(io.uid === undefined ? {} : { owner: io.uid }), deadline }),
    logger,
    clock: systemClock,
    deadline,
  };
  try {
    await Promise.race([
      provideCredentials(deps, {
        authDir: config.authDir,
        requireSecretAnnotation: config.requireSecretAnnotation,
        deadlineAt,
      }),
      // The core gives up at the deadline and cleans up; this is the backstop for a cleanup
      // that itself blocks.
      new Promise<never>((_, reject) =>
        deadline.addEventListener("abort", () => {
          delay(BACKSTOP_MS).then(() =>
            reject(new Error(`The run did not finish within ${config.timeoutSeconds}s`))
          );
        }, { once: true })
      ),
    ]);
    return 0;
  } catch (error) {
    logger.log("error", `Failed to run credential provider: ${errorChain(error)}`);
    return 1;
  } finally {
    // The process exits within a second of the deadline, whatever the journal does.
    const left = deadlineAt + 1000 - BACKSTOP_MS / 2 - Date.now();
    await logger.flush({ timeoutMs: Math.max(100, Math.min(FLUSH_MS, left)) });
    journal?.close();
  }
}

/** How long after the deadline the run is abandoned if the core has not ended it. */
const BACKSTOP_MS = 500;

/** The longest wait for pending log records before exiting. */
const FLUSH_MS = 1000;

/**
 * How long a refused run waits for kubelet's request, to name the file to
 * remove: kubelet writes it at once; a person's pipe should not wait long.
 */
const WITHDRAW_MS = 1000;

/**
 * After a refusal before the run (a flag the provider refuses, exit 2):
 * reads kubelet's request and removes the pull's auth file, so that CRI-O
 * does not pull with an older one while every run is refused. The auth
 * directory is the `--auth-dir` given, if it is absolute, else the build's.
 * Nothing is read from a terminal: there a person typed the command.
 */
export async function withdrawAfterRefusal(
  args: readonly string[],
  io: Pick<ProviderIo, "stderr" | "uid">,
): Promise<void> {
  if (Deno.stdin.isTerminal()) return;
  const deadline = AbortSignal.timeout(WITHDRAW_MS);
  await withdrawCredentials({
    requests: { read: readStdin },
    authStore: createAuthStore({ ...(io.uid === undefined ? {} : { owner: io.uid }), deadline }),
    logger: createLogger({ stderr: io.stderr, stderrLevel: "error" }),
    deadline,
  }, { authDir: authDirOf(args) ?? BUILD.defaults.authDir });
}

/** The last absolute `--auth-dir` (or Go's `-auth-dir`) in `args`, read leniently. */
function authDirOf(args: readonly string[]): string | undefined {
  let found: string | undefined;
  for (const [index, arg] of args.entries()) {
    const match = /^--?auth-dir(?:=([^]*))?$/.exec(arg);
    if (match === null) continue;
    const value = match[1] ?? args[index + 1];
    if (value?.startsWith("/")) found = value;
  }
  return found;
}
