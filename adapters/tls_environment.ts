/**
 * Variables through which Deno's TLS stack would change what the provider
 * trusts or reveals. Deno reads `DENO_CERT` and `DENO_TLS_CA_STORE` when it
 * builds its first HTTP client, so they are taken out of the environment
 * before any: the API server is verified as documented (the cluster CA),
 * whatever kubelet's environment says. `SSLKEYLOGFILE` is read when the
 * process starts, so it cannot be taken back: with it set, every TLS
 * session key, and so the service account token in transit, would be
 * written to that file, and the provider refuses to talk to the API.
 *
 * @module
 */

/** Variables that widen or replace Deno's trusted roots; removed and never used. */
export const TRUST_VARIABLES = ["DENO_CERT", "DENO_TLS_CA_STORE"] as const;

/** The variable that makes Deno write TLS session keys to a file. */
export const KEY_LOG_VARIABLE = "SSLKEYLOGFILE";

/** What {@linkcode takeTlsEnvironment} found. */
export interface TlsEnvironment {
  /** The trust variables that were set, and are now removed. */
  readonly ignored: readonly string[];
  /** Whether `SSLKEYLOGFILE` is set (to a non-empty value). */
  readonly keyLog: boolean;
}

/**
 * Removes {@linkcode TRUST_VARIABLES} from the process's environment and
 * says which were set, and whether TLS keys would be logged.
 *
 * @example
 * ```ts ignore
 * import { takeTlsEnvironment } from "./tls_environment.ts";
 * const { ignored, keyLog } = takeTlsEnvironment(); // { ignored: ["DENO_CERT"], keyLog: false }
 * ```
 */
export function takeTlsEnvironment(): TlsEnvironment {
  const ignored: string[] = [];
  for (const name of TRUST_VARIABLES) {
    if (Deno.env.get(name) !== undefined) ignored.push(name);
    Deno.env.delete(name);
  }
  return { ignored, keyLog: (Deno.env.get(KEY_LOG_VARIABLE) ?? "") !== "" };
}
