/**
 * The provider's command line: every flag of `provider_config.ts`, in GNU
 * (`--flag value`, `--flag=value`) and Go (`-flag`) style, plus help and
 * version flags.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { cutText } from "../domain/text/log_text.ts";
import { PULL_SECRETS_ANNOTATION } from "../domain/credentials/pull_secret_annotation.ts";
import { BUILD } from "./build_config.ts";
import { type ProviderConfig, providerConfig } from "./provider_config.ts";
import { UsageError } from "./usage_error.ts";

/** What the command line asks for. */
export type ProviderCommand =
  | { readonly kind: "run"; readonly config: ProviderConfig }
  | { readonly kind: "help" | "version" | "version-json" };

/** Usage text of the provider (no subcommand). */
export const PROVIDER_USAGE = `Usage: crio-credential-provider [flags] < CredentialProviderRequest
       crio-credential-provider mirrors [flags] IMAGE
       crio-credential-provider generate KIND [flags]   (deployment artifacts; generate --help)
       crio-credential-provider doctor [flags]          (why pulls lack credentials; doctor --help)
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
  --require-secret-annotation   never list a namespace's Secrets: only service accounts that name
                                their pull secrets (annotation ${PULL_SECRETS_ANNOTATION}) get credentials
  --timeout SECONDS             deadline for the whole run (default 30; kubelet kills at 60)
  --log-level LEVEL             lowest level on stderr: debug, info, warning, error (default warning);
                                journald always receives info and above
  --journal-socket PATH         journald socket (default ${BUILD.defaults.journalSocket})
  --version, --version-json     print version information
  -h, --help                    print this help

Exit status: 0 answered (with or without an auth file), 1 failed, 2 bad arguments.
`;

export const PROVIDER_OPTIONS = {
  "registries-conf": { type: "string" },
  "registries-conf-dir": { type: "string" },
  "auth-dir": { type: "string" },
  "global-auth-file": { type: "string" },
  "kubernetes-config-dir": { type: "string" },
  kubeconfig: { type: "string" },
  "api-server": { type: "string" },
  "ca-file": { type: "string" },
  "insecure-skip-tls-verify": { type: "boolean" },
  "require-secret-annotation": { type: "boolean" },
  timeout: { type: "string" },
  "log-level": { type: "string" },
  "journal-socket": { type: "string" },
  version: { type: "boolean" },
  "version-json": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** Go's `strconv.ParseBool`, which its flag package uses for `-flag=value`. */
const GO_BOOLEANS: Readonly<Record<string, boolean>> = {
  "1": true,
  t: true,
  T: true,
  TRUE: true,
  true: true,
  True: true,
  "0": false,
  f: false,
  F: false,
  FALSE: false,
  false: false,
  False: false,
};

/**
 * Go's flag package, which upstream uses, also accepts `-flag` and
 * `-flag=false` for a boolean (the last one given wins); kubelet
 * configurations written for upstream may rely on both.
 *
 * @throws {UsageError} for a boolean value Go would refuse
 */
export function goStyleFlags(
  args: readonly string[],
  options: Readonly<Record<string, { readonly type: "string" | "boolean" }>>,
): string[] {
  const out: string[] = [];
  for (const [index, arg] of args.entries()) {
    if (arg === "--") {
      out.push(...args.slice(index));
      break;
    }
    const match = /^--?([a-z][a-z-]+)(?:=([^]*))?$/.exec(arg);
    const name = match?.[1];
    if (name === undefined || !(name in options)) {
      out.push(arg);
      continue;
    }
    const value = match?.[2];
    if (options[name]?.type !== "boolean" || value === undefined) {
      out.push(arg.startsWith("--") ? arg : `-${arg}`);
      continue;
    }
    // Own keys only: "toString" must not read as true.
    const flag = Object.hasOwn(GO_BOOLEANS, value) ? GO_BOOLEANS[value] : undefined;
    if (flag === undefined) {
      throw new UsageError(
        `Invalid boolean value ${JSON.stringify(cutText(value, 64))} for --${name}: ` +
          "expected true or false",
      );
    }
    // The last one given wins, as in Go: a "false" takes back an earlier "--flag".
    for (let i = out.length - 1; i >= 0; i--) {
      if (out[i] === `--${name}`) out.splice(i, 1);
    }
    if (flag) out.push(`--${name}`);
  }
  return out;
}

/**
 * Parses the provider's command line.
 *
 * @example
 * ```ts
 * import { parseProviderArgs } from "./flags.ts";
 * parseProviderArgs(["--auth-dir", "/run/crio/auth"]);
 * ```
 * @throws {UsageError} for an unknown flag, a relative path or a bad value
 */
export function parseProviderArgs(args: readonly string[]): ProviderCommand {
  let values;
  try {
    const goArgs = goStyleFlags(args, PROVIDER_OPTIONS);
    ({ values } = parseArgs({ args: goArgs, options: PROVIDER_OPTIONS, strict: true }));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError((error as Error).message);
  }
  if (values.help) return { kind: "help" };
  if (values.version) return { kind: "version" };
  if (values["version-json"]) return { kind: "version-json" };
  return { kind: "run", config: providerConfig(values) };
}
