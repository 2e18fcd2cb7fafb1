/**
 * The provider's configuration: built once from build-time defaults and the
 * flags (kubelet passes flags through the provider's `args`), validated, then
 * passed down. Parsing the command line lives in `flags.ts`, so that a run
 * without arguments, the usual case, never loads the flag parser.
 *
 * @module
 */

import { ApiServerError, apiServerUrl } from "../domain/api_server/api_server.ts";
import type { LogLevel } from "../domain/ports.ts";
import { BUILD, STANDARD_DEFAULTS } from "./build_config.ts";
import { cutText } from "../domain/text/log_text.ts";
import { UsageError } from "./usage_error.ts";

/** Everything one run needs to know. */
export interface ProviderConfig {
  /** Explicit main registries.conf; classic discovery when absent. */
  readonly registriesConf?: string;
  readonly registriesConfDir?: string;
  readonly authDir: string;
  readonly globalAuthFile: string;
  readonly kubernetesConfigDir: string;
  /** Kubeconfigs to look in, first existing wins. */
  readonly kubeconfigs: readonly string[];
  readonly apiServer?: string;
  readonly caFile?: string;
  readonly insecureSkipTlsVerify: boolean;
  /** Refuse to list Secrets; only annotated service accounts get credentials. */
  readonly requireSecretAnnotation: boolean;
  readonly timeoutSeconds: number;
  readonly logLevel: LogLevel;
  readonly journalSocket: string;
}

/** Flag values by long name, as parsed from the command line. */
export type FlagValues = Readonly<Record<string, string | boolean | undefined>>;

const LEVELS: readonly LogLevel[] = ["debug", "info", "warning", "error"];

/** The shortest deadline: one millisecond, the timers' resolution. */
export const MIN_TIMEOUT_SECONDS = 0.001;

/** The longest timer JavaScript can hold (2^31 - 1 ms), in whole seconds. */
export const MAX_TIMEOUT_SECONDS = 2147483;

function text(values: FlagValues, flag: string): string | undefined {
  const value = values[flag];
  return typeof value === "string" ? value : undefined;
}

function absolute(values: FlagValues, flag: string): string | undefined {
  const value = text(values, flag);
  if (value !== undefined && !value.startsWith("/")) {
    throw new UsageError(`--${flag} must be an absolute path, got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * The configuration for the given flag values (none: the build's defaults).
 *
 * @example
 * ```ts
 * import { providerConfig } from "./provider_config.ts";
 * providerConfig({ "auth-dir": "/run/crio/auth" }).authDir; // "/run/crio/auth"
 * ```
 * @throws {UsageError} for a relative path or a bad value
 */
export function providerConfig(values: FlagValues = {}): ProviderConfig {
  const defaults = BUILD.defaults;
  const timeout = text(values, "timeout") ?? "30";
  const timeoutSeconds = Number(timeout);
  // Decimal seconds only ("1e3", "0x10" and "Infinity" are typos, not timeouts), and no more
  // than a timer can hold: a longer one would fire at once.
  if (
    !/^[0-9]+(?:\.[0-9]+)?$/.test(timeout) || timeoutSeconds < MIN_TIMEOUT_SECONDS ||
    timeoutSeconds > MAX_TIMEOUT_SECONDS
  ) {
    throw new UsageError(
      `--timeout must be a number of seconds from ${MIN_TIMEOUT_SECONDS} to ${MAX_TIMEOUT_SECONDS}, got ${
        JSON.stringify(cutText(timeout, 64))
      }`,
    );
  }
  const logLevel = (text(values, "log-level") ?? "warning") as LogLevel;
  if (!LEVELS.includes(logLevel)) {
    throw new UsageError(
      `--log-level must be one of ${LEVELS.join(", ")}, got ${JSON.stringify(logLevel)}`,
    );
  }
  const kubernetesConfigDir = absolute(values, "kubernetes-config-dir") ??
    defaults.kubernetesConfigDir;
  const kubeconfig = absolute(values, "kubeconfig");
  // A build whose default main file is not the standard one uses it explicitly, as upstream does.
  const registriesConf = absolute(values, "registries-conf") ??
    (defaults.registriesConf === STANDARD_DEFAULTS.registriesConf
      ? undefined
      : defaults.registriesConf);
  const registriesConfDir = absolute(values, "registries-conf-dir") ??
    (defaults.registriesConfDir === STANDARD_DEFAULTS.registriesConfDir
      ? undefined
      : defaults.registriesConfDir);
  const caFile = absolute(values, "ca-file");
  const apiServer = text(values, "api-server");
  // Checked here, so that a typo is a usage error (exit 2) before any pull, not a failed pull.
  if (apiServer !== undefined) {
    try {
      apiServerUrl(apiServer);
    } catch (error) {
      if (error instanceof ApiServerError) throw new UsageError(`--api-server: ${error.message}`);
      throw error;
    }
  }
  return {
    ...(registriesConf === undefined ? {} : { registriesConf }),
    ...(registriesConfDir === undefined ? {} : { registriesConfDir }),
    authDir: absolute(values, "auth-dir") ?? defaults.authDir,
    globalAuthFile: absolute(values, "global-auth-file") ??
      defaults.globalAuthFile,
    kubernetesConfigDir,
    kubeconfigs: kubeconfig === undefined
      ? [`${kubernetesConfigDir}/kubelet.conf`, defaults.kubeletKubeconfig]
      : [kubeconfig],
    ...(apiServer === undefined ? {} : { apiServer }),
    ...(caFile === undefined ? {} : { caFile }),
    insecureSkipTlsVerify: values["insecure-skip-tls-verify"] === true,
    requireSecretAnnotation: values["require-secret-annotation"] === true,
    timeoutSeconds,
    logLevel,
    journalSocket: absolute(values, "journal-socket") ?? defaults.journalSocket,
  };
}
