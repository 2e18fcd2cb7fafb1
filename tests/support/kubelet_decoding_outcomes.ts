/**
 * Kubelet's answer and the provider's for one document in the same terms
 * (`ignored`, `rejected` or the accepted entries), and the three places a
 * document can be in: a `kubernetes.io/dockerconfigjson` Secret, a
 * `kubernetes.io/dockercfg` Secret, or the node's config.json. Shared by the
 * kubelet decoding differential tests (`tests/kubelet_decoding_*_test.ts`).
 */

import { parseDockerConfig } from "../../domain/credentials/docker_config.ts";
import { secretEntries } from "../../domain/credentials/pull_secret.ts";
import { goJsonString, type KubeletAnswer, type KubeletRequest } from "./kubelet_decode_oracle.ts";

export const DOCKERCONFIGJSON = "kubernetes.io/dockerconfigjson";
export const DOCKERCFG = "kubernetes.io/dockercfg";
const DATA_KEY: Readonly<Record<string, string>> = {
  [DOCKERCONFIGJSON]: ".dockerconfigjson",
  [DOCKERCFG]: ".dockercfg",
};

// --- one comparable shape for both sides ---

/** `[registry key, username, password]`, as Go strings print. */
export type Entry = readonly [string, string, string];

/** What came of a document: kubelet's answer and ours in the same terms. */
export type Outcome =
  | { readonly ignored: true }
  | { readonly rejected: true }
  | { readonly accepted: readonly Entry[] };

export const bytes = (text: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(text);

function sorted(entries: Entry[]): Entry[] {
  return entries.sort((a, b) =>
    a.join("\0") < b.join("\0") ? -1 : a.join("\0") > b.join("\0") ? 1 : 0
  );
}

export function kubeletOutcome(answer: KubeletAnswer): Outcome {
  if ("ignored" in answer) return { ignored: true };
  if (!answer.accepted) return { rejected: true };
  // Email is not read by the provider.
  return {
    accepted: sorted(
      Object.entries(answer.entries).map(([key, e]) => [key, e.username, e.password] as const),
    ),
  };
}

/** Our entries with Go's view of their bytes; two keys Go cannot tell apart stay two entries. */
function ourEntries(
  entries: readonly { key: string; username: Uint8Array; password: Uint8Array }[],
): Outcome {
  return {
    accepted: sorted(entries.map((e) => [
      goJsonString(bytes(e.key)),
      goJsonString(e.username),
      goJsonString(e.password),
    ])),
  };
}

/** A secret of `type` with `data`, as the provider decodes it (secretEntries). */
export function ourSecret(type: string, data: Record<string, string>): Outcome {
  const found = secretEntries({ name: "s", type, data });
  if (!("problem" in found)) return ourEntries(found);
  return /is not parsable/.test(found.problem) ? { rejected: true } : { ignored: true };
}

/** A node config.json, as the provider decodes its global auth file (pull_auth_file.ts). */
export function ourFile(text: string): Outcome {
  try {
    return ourEntries(parseDockerConfig(text, { legacy: false, credHelpers: true }).entries);
  } catch {
    return { rejected: true };
  }
}

export function shapeName(outcome: Outcome): string {
  return "accepted" in outcome ? "accepted" : "rejected" in outcome ? "rejected" : "ignored";
}

// --- cases: a document in one of three places ---

export type Mode = "dockerconfigjson" | "dockercfg" | "file";
export const MODES: readonly Mode[] = ["dockerconfigjson", "dockercfg", "file"];

/** A secret's type and data; the data values are documents. */
export interface Envelope {
  readonly type: string;
  readonly data: Readonly<Record<string, string>>;
}

export function envelope(mode: Mode, text: string): Envelope | undefined {
  if (mode === "file") return undefined;
  const type = mode === "dockercfg" ? DOCKERCFG : DOCKERCONFIGJSON;
  return { type, data: { [DATA_KEY[type]!]: text } };
}

export function request(mode: Mode, text: string, secret = envelope(mode, text)): KubeletRequest {
  if (secret === undefined) return { file: bytes(text) };
  return {
    type: secret.type,
    data: Object.fromEntries(Object.entries(secret.data).map(([k, v]) => [k, bytes(v)])),
  };
}

export function ours(mode: Mode, text: string, secret = envelope(mode, text)): Outcome {
  return secret === undefined ? ourFile(text) : ourSecret(secret.type, { ...secret.data });
}
