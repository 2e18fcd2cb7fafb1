/**
 * Which Kubernetes Secrets are registry pull secrets and where their docker
 * config is, as kubelet's `MakeDockerKeyring` (kubernetes
 * `pkg/credentialprovider/secrets/secrets.go`) decides it, plus OpenShift's
 * documented `kubernetes.io/podmanconfigjson`, which kubelet does not read.
 *
 * @module
 */

import { type DockerConfigEntry, parseDockerConfig } from "./docker_config.ts";
import { goQuote } from "../text/go_quote.ts";
import type { PullSecret } from "../ports.ts";

const DATA_KEYS: Readonly<Record<string, { key: string; legacy: boolean }>> = {
  "kubernetes.io/dockerconfigjson": { key: ".dockerconfigjson", legacy: false },
  "kubernetes.io/dockercfg": { key: ".dockercfg", legacy: true },
  // OpenShift documents podman's auth.json under "auth.json"; any single key is accepted too.
  "kubernetes.io/podmanconfigjson": { key: "auth.json", legacy: false },
};

/** The secret types the provider reads credentials from. */
export const PULL_SECRET_TYPES: readonly string[] = Object.keys(DATA_KEYS);

/**
 * The entries of a pull secret, or why the secret is skipped (upstream's
 * wording where upstream has the case). A document kubelet would refuse
 * (wrong types, an undecodable `auth`) is skipped whole, as kubelet skips it.
 *
 * @example
 * ```ts
 * import { secretEntries } from "./pull_secret.ts";
 * secretEntries({ name: "s", type: "Opaque", data: {} });
 * // { problem: "secret is not a docker config JSON secret" }
 * ```
 */
export function secretEntries(
  secret: PullSecret,
): readonly DockerConfigEntry[] | { problem: string } {
  const format = DATA_KEYS[secret.type];
  if (format === undefined) return { problem: "secret is not a docker config JSON secret" };
  const keys = Object.keys(secret.data);
  const dataKey = format.key in secret.data
    ? format.key
    : secret.type === "kubernetes.io/podmanconfigjson" && keys.length === 1
    ? keys[0]
    : undefined;
  const text = dataKey === undefined ? undefined : secret.data[dataKey];
  const name = goQuote(secret.name);
  if (text === undefined) {
    return {
      problem: `skipping secret ${name} because it does not contain data key ${
        goQuote(format.key)
      }`,
    };
  }
  // kubelet passes over an empty value without a word; say why nothing came of it.
  if (text === "") {
    return { problem: `skipping secret ${name} because data key ${goQuote(dataKey!)} is empty` };
  }
  try {
    return parseDockerConfig(text, { legacy: format.legacy }).entries;
  } catch (error) {
    return {
      problem: `skipping secret ${name} because the docker config JSON is not parsable: ${
        (error as Error).message
      }`,
    };
  }
}
