/**
 * The provider's configuration: built once from defaults and flags (kubelet
 * passes flags through the provider's `args`), validated, then passed down.
 *
 * @module
 */

import { parseArgs } from "node:util";
import type { LogLevel } from "../domain/ports.ts";
import { BUILD, STANDARD_DEFAULTS } from "./build_config.ts";
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
  readonly timeoutSeconds: number;
  readonly logLevel: LogLevel;
  readonly journalSocket: string;
}

/** What the command line asks for. */
export type ProviderCommand =
  | { readonly kind: "run"; readonly config: ProviderConfig }
  | { readonly kind: "help" | "version" | "version-json" };

/** Usage text of the provider (no subcommand). */
export const PROVIDER_USAGE = `Usage: crio-credential-provider [flags] < CredentialProviderRequest
       crio-credential-provider mirrors [flags] IMAGE
       crio-credential-provider --version | --version-json

Run by kubelet as an image credential provider: reads a CredentialProviderRequest
on stdin, writes the namespace's registry credentials for the image's mirrors to
<auth-dir>/<namespace>-<sha256(image)>.json for CRI-O, and answers on stdout.

Flags (all paths absolute):
  --registries-conf PATH        main registries.conf (default: as CRI-O, ${BUILD.defaults.registriesConf})
  --registries-conf-dir PATH    drop-in directory (default: as CRI-O, ${BUILD.defaults.registriesConfDir})
  --auth-dir PATH               CRI-O's namespaced_auth_dir (default ${BUILD.defaults.authDir})
  --global-auth-file PATH       global credentials merged in; CRI-O's global_auth_file
                                (default ${BUILD.defaults.globalAuthFile})
  --kubernetes-config-dir PATH  holds apiserver-url.env and CA files (default ${BUILD.defaults.kubernetesConfigDir})
  --kubeconfig PATH             kubelet kubeconfig for the API server and its CA
                                (default <kubernetes-config-dir>/kubelet.conf, then ${BUILD.defaults.kubeletKubeconfig})
  --api-server URL              API server, e.g. https://api.example.com:6443
  --ca-file PATH                CA bundle to verify the API server with
  --insecure-skip-tls-verify    do not verify the API server's certificate (not recommended)
  --timeout SECONDS             deadline for the whole run (default 30; kubelet kills at 60)
  --log-level LEVEL             lowest level on stderr: debug, info, warning, error (default warning);
                                journald always receives info and above
  --journal-socket PATH         journald socket (default ${BUILD.defaults.journalSocket})
  --version, --version-json     print version information
  -h, --help                    print this help

Exit status: 0 answered (with or without an auth file), 1 failed, 2 bad arguments.
`;

const LEVELS: readonly LogLevel[] = ["debug", "info", "warning", "error"];

const OPTIONS = {
  "registries-conf": { type: "string" },
  "registries-conf-dir": { type: "string" },
  "auth-dir": { type: "string" },
  "global-auth-file": { type: "string" },
  "kubernetes-config-dir": { type: "string" },
  kubeconfig: { type: "string" },
  "api-server": { type: "string" },
  "ca-file": { type: "string" },
  "insecure-skip-tls-verify": { type: "boolean" },
  timeout: { type: "string" },
  "log-level": { type: "string" },
  "journal-socket": { type: "string" },
  version: { type: "boolean" },
  "version-json": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/**
 * Go's flag package, which upstream uses, also accepts `-flag`; kubelet
 * configurations written for upstream may rely on that.
 */
function goStyleFlags(args: readonly string[]): string[] {
  return args.map((arg) => {
    const name = /^-([a-z][a-z-]+)(?:=.*)?$/.exec(arg)?.[1];
    return name !== undefined && name in OPTIONS ? `-${arg}` : arg;
  });
}

function absolute(flag: string, value: string | undefined): string | undefined {
  if (value !== undefined && !value.startsWith("/")) {
    throw new UsageError(`--${flag} must be an absolute path, got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * Parses the provider's command line.
 *
 * @example
 * ```ts
 * import { parseProviderArgs } from "./config.ts";
 * parseProviderArgs(["--auth-dir", "/run/crio/auth"]);
 * ```
 * @throws {UsageError} for an unknown flag, a relative path or a bad value
 */
export function parseProviderArgs(args: readonly string[]): ProviderCommand {
  let values;
  try {
    ({ values } = parseArgs({ args: goStyleFlags(args), options: OPTIONS, strict: true }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return { kind: "help" };
  if (values.version) return { kind: "version" };
  if (values["version-json"]) return { kind: "version-json" };
  const defaults = BUILD.defaults;
  const timeoutSeconds = Number(values.timeout ?? 30);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
    throw new UsageError(
      `--timeout must be a positive number of seconds, got ${JSON.stringify(values.timeout)}`,
    );
  }
  const logLevel = (values["log-level"] ?? "warning") as LogLevel;
  if (!LEVELS.includes(logLevel)) {
    throw new UsageError(
      `--log-level must be one of ${LEVELS.join(", ")}, got ${JSON.stringify(logLevel)}`,
    );
  }
  const kubernetesConfigDir = absolute("kubernetes-config-dir", values["kubernetes-config-dir"]) ??
    defaults.kubernetesConfigDir;
  const kubeconfig = absolute("kubeconfig", values.kubeconfig);
  // A build whose default main file is not the standard one uses it explicitly, as upstream does.
  const registriesConf = absolute("registries-conf", values["registries-conf"]) ??
    (defaults.registriesConf === STANDARD_DEFAULTS.registriesConf
      ? undefined
      : defaults.registriesConf);
  const registriesConfDir = absolute("registries-conf-dir", values["registries-conf-dir"]) ??
    (defaults.registriesConfDir === STANDARD_DEFAULTS.registriesConfDir
      ? undefined
      : defaults.registriesConfDir);
  const caFile = absolute("ca-file", values["ca-file"]);
  return {
    kind: "run",
    config: {
      ...(registriesConf === undefined ? {} : { registriesConf }),
      ...(registriesConfDir === undefined ? {} : { registriesConfDir }),
      authDir: absolute("auth-dir", values["auth-dir"]) ?? defaults.authDir,
      globalAuthFile: absolute("global-auth-file", values["global-auth-file"]) ??
        defaults.globalAuthFile,
      kubernetesConfigDir,
      kubeconfigs: kubeconfig === undefined
        ? [`${kubernetesConfigDir}/kubelet.conf`, defaults.kubeletKubeconfig]
        : [kubeconfig],
      ...(values["api-server"] === undefined ? {} : { apiServer: values["api-server"] }),
      ...(caFile === undefined ? {} : { caFile }),
      insecureSkipTlsVerify: values["insecure-skip-tls-verify"] ?? false,
      timeoutSeconds,
      logLevel,
      journalSocket: absolute("journal-socket", values["journal-socket"]) ?? defaults.journalSocket,
    },
  };
}
