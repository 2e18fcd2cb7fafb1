/**
 * Fakes for every effect provideCredentials() receives
 * (`domain/kubelet/provide_credentials.ts`), recording what it asked and
 * wrote, on a node whose registries.conf mirrors docker.io to localhost:5000
 * and whose namespace `default` has one pull secret for the mirror; for
 * `tests/domain/kubelet/provide_credentials*_test.ts`.
 */

import type { ProviderDeps } from "../../domain/kubelet/provide_credentials.ts";
import type { LogLevel, PullSecret, SecretListing, SecretLookup } from "../../domain/ports.ts";
import type { RegistriesSources } from "../../domain/registries/registries_model.ts";
import { kubeletRequest, serviceAccountToken } from "./api_stand_in.ts";

export const CONF_PATH = "/etc/containers/registries.conf";
export const AUTH_DIR = "/etc/crio/auth";
export const NGINX_FILE =
  `${AUTH_DIR}/default-7e59ad64326bc321517fb6fc6586de5ee149178394d9edfa2a877176cdf6fad5.json`;
const MIRROR_CONF =
  '[[registry]]\nlocation = "docker.io"\n[[registry.mirror]]\nlocation = "localhost:5000"\ninsecure = true\n';
export const MY_SECRET: PullSecret = {
  name: "my-secret",
  type: "kubernetes.io/dockerconfigjson",
  data: {
    ".dockerconfigjson":
      '{"auths":{"http://localhost:5000":{"username":"myuser","password":"mypassword","auth":"bXl1c2VyOm15cGFzc3dvcmQ="}}}\n',
  },
};
export const TOKEN = serviceAccountToken("default");
export const RESPONSE_WITHOUT_TOKEN =
  '{"kind":"CredentialProviderResponse","apiVersion":"credentialprovider.kubelet.k8s.io/v1","cacheKeyType":"Registry","cacheDuration":"0s"}\n';
/** With a token: an empty credential for the image, so kubelet records the pull per service account. */
export const RESPONSE = RESPONSE_WITHOUT_TOKEN.replace(
  /}\n$/,
  ',"auth":{"docker.io/library/nginx":{"username":"","password":""}}}\n',
);

export interface Fakes {
  readonly deps: ProviderDeps;
  readonly logs: [LogLevel, string][];
  readonly responses: string[];
  readonly files: Map<string, string>;
  readonly secretCalls: [string, string][];
  /** Secrets asked for by name: [namespace, names]. */
  readonly getCalls: [string, readonly string[]][];
  readonly sweeps: [string, number][];
}

/** A promise that never settles: a read that blocks (a FIFO, a hung mount). */
const BLOCKS = new Promise<never>(() => {});

export function fakes(options: {
  stdin?: string;
  conf?: RegistriesSources | Error;
  listing?: SecretListing | Error;
  lookup?: SecretLookup | Error;
  global?: string | "blocks";
  files?: Record<string, string>;
  writeFails?: boolean;
  deadline?: AbortSignal;
}): Fakes {
  const logs: [LogLevel, string][] = [];
  const responses: string[] = [];
  const files = new Map(Object.entries(options.files ?? {}));
  const secretCalls: [string, string][] = [];
  const getCalls: [string, readonly string[]][] = [];
  const sweeps: [string, number][] = [];
  const deps: ProviderDeps = {
    requests: {
      read: () =>
        Promise.resolve(options.stdin ?? kubeletRequest("docker.io/library/nginx", TOKEN)),
    },
    responses: { write: (text) => Promise.resolve(void responses.push(text)) },
    registries: {
      read: () =>
        options.conf instanceof Error ? Promise.reject(options.conf) : Promise.resolve({
          mainPath: CONF_PATH,
          ...(options.conf ?? { main: { path: CONF_PATH, text: MIRROR_CONF }, dropIns: [] }),
        }),
    },
    secrets: {
      listPullSecrets(namespace, token) {
        secretCalls.push([namespace, token]);
        const listing = options.listing ?? { kind: "listed", secrets: [MY_SECRET] };
        return listing instanceof Error ? Promise.reject(listing) : Promise.resolve(listing);
      },
      getSecrets(namespace, { names }) {
        getCalls.push([namespace, names]);
        const lookup = options.lookup ??
          { kind: "found", secrets: [MY_SECRET], unavailable: [] };
        return lookup instanceof Error ? Promise.reject(lookup) : Promise.resolve(lookup);
      },
    },
    globalAuth: {
      path: "/var/lib/kubelet/config.json",
      read: () => options.global === "blocks" ? BLOCKS : Promise.resolve(options.global),
    },
    authStore: {
      write(path, content) {
        if (options.writeFails) {
          return Promise.reject(new Error("rename temp auth file: disk full"));
        }
        files.set(path, content);
        return Promise.resolve();
      },
      remove: (path) => Promise.resolve(files.delete(path)),
      sweep(dir, olderThan) {
        sweeps.push([dir, olderThan]);
        return Promise.resolve(0);
      },
    },
    logger: { log: (level, message) => logs.push([level, message]) },
    clock: { now: () => 1_000_000_000 },
    deadline: options.deadline ?? new AbortController().signal,
  };
  return { deps, logs, responses, files, secretCalls, getCalls, sweeps };
}

export const S1_START = [
  "Running credential provider",
  "Reading from stdin",
  'Parsed credential provider request for image "docker.io/library/nginx"',
  "Parsing namespace from request",
];

export function messages(logs: readonly [LogLevel, string][]): string[] {
  return logs.map(([, message]) => message);
}
