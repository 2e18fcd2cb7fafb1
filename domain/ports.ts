/**
 * The effects the credential provider's core needs, each shaped by what the
 * core asks for rather than by what an API offers. `src/` wires Deno
 * implementations from `adapters/`; tests pass their own.
 *
 * @module
 */

import type { RegistriesSources } from "./registries/registries_model.ts";

/** Severity of a log record, as journald priorities name them. */
export type LogLevel = "debug" | "info" | "warning" | "error";

/** Where log records go. Messages never contain tokens, passwords or `auth` values. */
export interface Logger {
  log(level: LogLevel, message: string): void;
}

/** The kubelet's request: all of stdin as text. */
export interface RequestSource {
  read(): Promise<string>;
}

/** Where the one response line goes (stdout, nothing else). */
export interface ResponseSink {
  write(text: string): Promise<void>;
}

/** registries.conf and its drop-ins, as found on the node, and where the main file is looked for. */
export interface RegistriesFound extends RegistriesSources {
  /** The main file's path, for messages (also when it does not exist). */
  readonly mainPath: string;
}

/** registries.conf and its drop-ins, as found on the node. */
export interface RegistriesReader {
  /**
   * Decides where the files are (the user's or the system's) and reads them;
   * `main` is absent when the main file does not exist.
   */
  read(): Promise<RegistriesFound>;
}

/** A registry pull secret of the pod's namespace, its data base64-decoded. */
export interface PullSecret {
  readonly name: string;
  readonly type: string;
  readonly data: Readonly<Record<string, string>>;
}

/**
 * Either the namespace's pull secrets, or the API server's refusal: 401 (it
 * did not accept the token) or 403 (the token may not list secrets), with the
 * `Status` message, which names the user and the verb.
 */
export type SecretListing =
  | { readonly kind: "listed"; readonly secrets: readonly PullSecret[] }
  | { readonly kind: "refused"; readonly status: 401 | 403; readonly message?: string };

/**
 * Secrets read one by one: those found, those the API server did not give
 * (404 absent, 403 not allowed), or the refusal of the token itself (401).
 */
export type SecretLookup =
  | {
    readonly kind: "found";
    readonly secrets: readonly PullSecret[];
    readonly unavailable: readonly { readonly name: string; readonly status: 403 | 404 }[];
  }
  | { readonly kind: "refused"; readonly status: 401; readonly message?: string };

/** The namespace's registry pull secrets, read with the pod's own token. */
export interface SecretSource {
  /** @throws {Error} when the API cannot be reached or answers with an error other than 401/403 */
  listPullSecrets(namespace: string, token: string): Promise<SecretListing>;
  /**
   * The named Secrets, fetched with `get` (no `list`), whatever their type.
   * @throws {Error} when the API cannot be reached or answers with an error other than 401/403/404
   */
  getSecrets(namespace: string, request: { token: string; names: readonly string[] }): Promise<
    SecretLookup
  >;
}

/** The kubelet's (or CRI-O's) global auth file. */
export interface GlobalAuthSource {
  /** The file's text, `undefined` when it does not exist. */
  read(): Promise<string | undefined>;
  readonly path: string;
}

/** The namespaced auth files CRI-O consumes. */
export interface AuthStore {
  /** Writes `content` to `path` atomically, creating the private directory if needed. */
  write(path: string, content: string): Promise<void>;
  /** Removes `path`; `false` when there was nothing to remove. */
  remove(path: string): Promise<boolean>;
  /**
   * Removes what earlier runs left in `dir` before `olderThan` (epoch ms):
   * temporary files of killed runs, and auth files CRI-O never consumed (a
   * cached start runs the provider without a pull following).
   */
  sweep(dir: string, olderThan: number): Promise<number>;
}

/** The current time, in epoch milliseconds. */
export interface Clock {
  now(): number;
}
