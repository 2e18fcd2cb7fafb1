/**
 * The Deno permissions the provider needs, derived from the paths it is
 * configured with. `build.ts` bakes exactly these into the compiled binary,
 * and the black-box tests run `src/main.ts` with exactly these, so what is
 * tested is what ships.
 *
 * - read: the registries files (and the user-level ones under the home
 *   directory), the auth directory, the global auth file, the Kubernetes
 *   config directory, the kubelet kubeconfig, an extra CA file, /etc/passwd
 *   (the home directory when HOME is unset) and the journal socket;
 * - write: the auth directory and the journal socket;
 * - net: unrestricted, because the API server is discovered at run time
 *   (only it is contacted, with TLS verified);
 * - env: {@linkcode ENV_VARIABLES}; sys: the uid (to check the auth
 *   directory's owner);
 * - `--unstable-net` for journald's datagram socket.
 *
 * @module
 */

import { IGNORED_PROXY_VARIABLES } from "../adapters/proxy_environment.ts";
import { KEY_LOG_VARIABLE, TRUST_VARIABLES } from "../adapters/tls_environment.ts";
import { PROXY_VARIABLES } from "../domain/api_server/proxy_for_url.ts";
import type { BuildDefaults } from "./build_config.ts";

/**
 * The variables the provider reads or clears: HOME, the YAML library's two
 * debug switches (cleared so they never print to stdout), and the proxy
 * variables (read, applied as client-go applies them, and cleared so Deno's
 * own client does not apply them differently), Deno's TLS trust variables
 * (cleared, see `adapters/tls_environment.ts`) and `SSLKEYLOGFILE` (checked).
 */
export const ENV_VARIABLES: readonly string[] = [
  "HOME",
  "LOG_TOKENS",
  "LOG_STREAM",
  ...PROXY_VARIABLES,
  ...IGNORED_PROXY_VARIABLES,
  ...TRUST_VARIABLES,
  KEY_LOG_VARIABLE,
];

/** The paths to grant; defaults or a test's temporary paths. */
export interface PermissionPaths extends BuildDefaults {
  /** A CA file outside the Kubernetes config directory. */
  readonly caFile?: string;
  /**
   * A directory also granted for reading and writing: only for a test build,
   * whose test suites keep their temporary nodes there.
   */
  readonly testRoot?: string;
}

/**
 * The permission flags for `deno run` / `deno compile` (and {@linkcode V8_FLAGS}).
 *
 * @example
 * ```ts
 * import { permissionFlags } from "./permissions.ts";
 * import { STANDARD_DEFAULTS } from "./build_config.ts";
 * permissionFlags(STANDARD_DEFAULTS).includes("--allow-net"); // true
 * ```
 */
export function permissionFlags(paths: PermissionPaths): string[] {
  const read = [
    paths.registriesConf,
    paths.registriesConfDir,
    `${paths.home}/.config/containers`,
    paths.authDir,
    paths.globalAuthFile,
    paths.kubernetesConfigDir,
    paths.kubeletKubeconfig,
    ...(paths.caFile === undefined ? [] : [paths.caFile]),
    "/etc/passwd",
    paths.journalSocket,
  ];
  const write = [paths.authDir, paths.journalSocket];
  if (paths.testRoot !== undefined) {
    read.push(paths.testRoot);
    write.push(paths.testRoot);
  }
  return [
    `--allow-read=${read.join(",")}`,
    `--allow-write=${write.join(",")}`,
    "--allow-net",
    `--allow-env=${ENV_VARIABLES.join(",")}`,
    "--allow-sys=uid",
    "--unstable-net",
    V8_FLAGS,
  ];
}

/**
 * The young generation capped at 1 MiB per semi-space (V8 grows it to
 * 16 MiB): a pull is short, so what survives a collection is the run's data
 * anyway. Measured at 5,000 secrets, tables and global entries (one bench
 * run each, `--v8-flags=--max-semi-space-size=16` against none): peak RSS
 * 113 → 107 MiB, 0.96× → 0.80× upstream's time. Baked into the executable
 * by `deno compile`, like the permissions, and passed to every `deno run`
 * that verifies it.
 */
export const V8_FLAGS = "--v8-flags=--max-semi-space-size=1";
