/**
 * Canary credentials for leak tests: random secrets placed wherever the
 * provider's inputs carry credentials (the token of kubelet's request, the
 * passwords, `auth` values and identity tokens of pull secrets and of the
 * global file, a kubeconfig's client key and token), documents built around
 * them and then damaged, and the check that no 6-character piece of any
 * canary, raw or in the base64 forms the inputs carry it in, shows up in
 * what the provider says.
 */

import { Random } from "./random_registries.ts";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** One set of canaries and the documents that carry them. */
export interface CanaryInputs {
  /** Every canary, in every form an input carries it in. */
  readonly forms: readonly string[];
  readonly request: string;
  readonly secret: string;
  readonly global: string;
  readonly kubeconfig: string;
  readonly token: string;
}

function canary(random: Random): string {
  return Array.from({ length: 24 }, () => random.pick([...ALPHABET])).join("");
}

function base64(text: string): string {
  return new TextEncoder().encode(text).toBase64();
}

function base64url(text: string): string {
  return new TextEncoder().encode(text).toBase64({ alphabet: "base64url", omitPadding: true });
}

/** Characters that break JSON and YAML in interesting ways. */
const DAMAGE = [..."\"'{}[]:,\\\n\r\t #-|>&*!%@`\u0000\u001b\u2028", "\\u12", "null", "1e999"];

/**
 * `text` damaged by one to three edits: cut short, a character inserted,
 * removed or replaced (never touching the canaries' own letters on purpose,
 * but anywhere, so a canary may be split).
 */
export function damage(random: Random, text: string): string {
  let damaged = text;
  const edits = 1 + random.int(3);
  for (let edit = 0; edit < edits; edit++) {
    const at = random.int(damaged.length + 1);
    switch (random.int(4)) {
      case 0:
        damaged = damaged.slice(0, at);
        break;
      case 1:
        damaged = damaged.slice(0, at) + random.pick(DAMAGE) + damaged.slice(at);
        break;
      case 2:
        damaged = damaged.slice(0, at) + damaged.slice(at + 1);
        break;
      default:
        damaged = damaged.slice(0, at) + random.pick(DAMAGE) + damaged.slice(at + 1);
    }
  }
  return damaged;
}

/** Fresh canaries and the (intact) documents that carry them. */
export function canaryInputs(random: Random, namespace = "default"): CanaryInputs {
  const [password, identity, globalPassword, clientKey, kubeconfigToken, signature, userinfo] =
    Array.from({ length: 7 }, () => canary(random));
  const auth = base64(`user:${password}`);
  const globalAuth = base64(`g:${globalPassword}`);
  const token = `${base64url(JSON.stringify({ alg: "RS256" }))}.${
    base64url(
      JSON.stringify({ "kubernetes.io": { namespace }, aud: ["https://kubernetes.default.svc"] }),
    )
  }.${signature}`;
  const secret = JSON.stringify({
    auths: {
      "mirror.example:5000": { username: "user", password, auth, identitytoken: identity },
      [`https://user:${userinfo}@mirror.example:5000`]: { auth },
    },
  });
  const global = JSON.stringify({
    auths: { "quay.io": { auth: globalAuth } },
    credHelpers: { "mirror-b.example:5000": "examplehelper" },
  });
  const kubeconfig = [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "- name: c",
    "  cluster:",
    "    server: https://127.0.0.1:6443",
    "users:",
    "- name: u",
    "  user:",
    `    client-key-data: ${base64(clientKey!)}`,
    `    token: ${kubeconfigToken}`,
    "",
  ].join("\n");
  const request = JSON.stringify({
    kind: "CredentialProviderRequest",
    apiVersion: "credentialprovider.kubelet.k8s.io/v1",
    image: "docker.io/library/nginx",
    serviceAccountToken: token,
  });
  const raw = [password, identity, globalPassword, clientKey, kubeconfigToken, signature, userinfo]
    .map((c) => c!);
  return {
    forms: [...raw, ...raw.map(base64), ...raw.map(base64url), auth, globalAuth],
    request,
    secret,
    global,
    kubeconfig,
    token,
  };
}

/**
 * The 6-character pieces of `forms` found in `text`. Pieces of base64 forms
 * that are all letters of ordinary words could match by chance; the canaries
 * are random, so a match is a leak.
 */
export function leakedPieces(text: string, forms: readonly string[]): string[] {
  const leaked = new Set<string>();
  for (const form of forms) {
    for (let at = 0; at + 6 <= form.length; at++) {
      const piece = form.slice(at, at + 6);
      if (text.includes(piece)) leaked.add(piece);
    }
  }
  return [...leaked];
}
