/**
 * The Go harness `tests/kube/cmd/kubelet-image-manager`, built against
 * Kubernetes v1.35.4 (`go135.mod`) and v1.34.4 (`go134.mod`), runs kubelet's
 * image manager, pull manager and credential-provider plugin code, which
 * execs the real provider (`deno run <the binary's permissions> src/main.ts`)
 * through a wrapper that counts its runs. Only the container runtime is faked,
 * as CRI-O with namespaced auth files: the image is private, reachable only
 * through a mirror with the pod namespace's auth file (see the harness's
 * `crio.go`). A scenario is a list of pod starts on the node of
 * `cached_images_node.ts`; the harness answers one result per start.
 */

import assert from "node:assert/strict";
import { permissionFlags } from "../../src/permissions.ts";
import { startApiStandIn } from "./api_stand_in.ts";
import {
  acceptToken,
  IMAGE,
  PROVIDER,
  PROVIDER_CONFIG,
  REGISTRIES_CONF,
  SECRETS,
} from "./cached_images_node.ts";
import type { GoBuildOptions } from "./go_programs.ts";
import { runGoProgram } from "./go_oracle.ts";
import { type NodeLayout, nodeLayout } from "./node_layout.ts";
import { DENO_DIR, MAIN, PROVIDER_BIN } from "./run_cli.ts";
import { withTempDir } from "./temp_tree.ts";

// --- the harness's input and output ---

export type PullPolicy = "IfNotPresent" | "Never" | "Always";
export type Policy =
  | "NeverVerifyPreloadedImages"
  | "AlwaysVerify"
  | "NeverVerify"
  | "NeverVerifyAllowlistedImages";

export interface Step {
  readonly name: string;
  readonly namespace: string;
  readonly podName: string;
  readonly podUID: string;
  readonly serviceAccount: string;
  readonly serviceAccountUID: string;
  readonly image: string;
  readonly pullPolicy: PullPolicy;
}

/** A pod in `namespace` (service account `default` unless given) starting IMAGE. */
export function pod(
  name: string,
  namespace: string,
  pullPolicy: PullPolicy,
  serviceAccount = "default",
): Step {
  return {
    name,
    namespace,
    podName: `pod-${name}`,
    podUID: `pod-uid-${name}`,
    serviceAccount,
    serviceAccountUID: `sa-uid-${namespace}-${serviceAccount}`,
    image: IMAGE,
    pullPolicy,
  };
}

interface ServiceAccountCoordinates {
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
}

export interface PullRecord {
  readonly kind: string;
  readonly apiVersion: string;
  readonly imageRef: string;
  readonly credentialMapping?: Record<string, {
    readonly nodePodsAccessible?: boolean;
    readonly kubernetesSecrets?: readonly unknown[];
    readonly kubernetesServiceAccounts?: readonly ServiceAccountCoordinates[];
  }>;
}

export interface StepResult {
  readonly name: string;
  readonly started: boolean;
  readonly error: string | null;
  readonly message: string;
  readonly pulled: boolean;
  readonly pullAttempts: number;
  readonly authToCRI: { readonly username: string } | null;
  readonly dockerAuthConfig: boolean;
  readonly consumedAuthFile: boolean;
  readonly providerRuns: number;
  readonly events: readonly string[];
  readonly record: PullRecord | null;
}

// --- the node, the provider wrapper, one run of the harness ---

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** Drops `auth` from the provider's answer: the answer before the empty-credential change. */
const STRIP_AUTH = `const answer = JSON.parse(await new Response(Deno.stdin.readable).text());
delete answer.auth;
await Deno.stdout.write(new TextEncoder().encode(JSON.stringify(answer) + "\\n"));
`;

/**
 * The executable kubelet runs: appends a line to `runsFile`, then runs the
 * provider exactly as kubelet would run the binary (a clean environment, the
 * binary's permissions), its answer passed on as is, or without `auth`.
 */
function providerWrapper(
  node: NodeLayout,
  apiServer: string,
  runsFile: string,
  stripAuthScript: string | undefined,
): string {
  const environment = [
    "env",
    "-i",
    "NO_COLOR=1",
    `DENO_DIR=${DENO_DIR}`,
    `HOME=${node.paths.home}`,
  ];
  const flags = [...node.flags, `--api-server=${apiServer}`];
  const provider = PROVIDER_BIN === undefined
    ? [
      ...environment,
      Deno.execPath(),
      "run",
      "--no-prompt",
      "--cached-only",
      ...permissionFlags(node.paths),
      MAIN,
      ...flags,
    ]
    : [...environment, PROVIDER_BIN, ...flags];
  const command = provider.map(shellQuote).join(" ");
  const lines = ["#!/bin/sh", `printf 'run\\n' >> ${shellQuote(runsFile)}`];
  if (stripAuthScript === undefined) {
    lines.push(`exec ${command}`);
  } else {
    const strip = [...environment, Deno.execPath(), "run", "--no-prompt", stripAuthScript]
      .map(shellQuote).join(" ");
    lines.push(
      `answer=$(${command}) || exit $?`,
      `printf '%s\\n' "$answer" | exec ${strip}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

export interface Scenario {
  /** "fix": the provider as it is; "control": its answer without `auth`. */
  readonly provider: "fix" | "control";
  readonly policy: Policy;
  readonly gate: boolean;
  readonly steps: readonly Step[];
  /** Entries of kubelet's node keyring (its config.json), by registry. */
  readonly nodeKeyring?: Record<string, { readonly username: string; readonly password: string }>;
}

/** Runs the harness over a fresh node and API stand-in. */
export async function runScenario(harness: string, scenario: Scenario): Promise<StepResult[]> {
  return await withTempDir(async (root) => {
    const node = await nodeLayout(root, {
      "etc/containers/registries.conf": REGISTRIES_CONF,
      "var/lib/kubelet/config.json": '{"auths":{}}\n',
      "kubelet/provider-config.yaml": PROVIDER_CONFIG,
    });
    await Deno.mkdir(node.paths.authDir, { recursive: true, mode: 0o700 });
    await Deno.mkdir(`${root}/kubelet/plugins`, { recursive: true });
    await Deno.mkdir(`${root}/kubelet/root`, { recursive: true });
    const runsFile = `${root}/kubelet/provider-runs`;
    let stripAuth: string | undefined;
    if (scenario.provider === "control") {
      stripAuth = `${root}/kubelet/strip_auth.ts`;
      await Deno.writeTextFile(stripAuth, STRIP_AUTH);
    }
    const api = startApiStandIn({ token: "unused", acceptToken, secrets: SECRETS });
    try {
      const wrapper = `${root}/kubelet/plugins/${PROVIDER}`;
      await Deno.writeTextFile(wrapper, providerWrapper(node, api.url, runsFile, stripAuth), {
        mode: 0o755,
      });
      const input = {
        binDir: `${root}/kubelet/plugins`,
        providerConfig: `${root}/kubelet/provider-config.yaml`,
        recordsDir: `${root}/kubelet/root`,
        authDir: node.paths.authDir,
        providerRunsFile: runsFile,
        policy: scenario.policy,
        gate: scenario.gate,
        apiServer: api.url,
        steps: scenario.steps,
        ...(scenario.nodeKeyring === undefined ? {} : { nodeKeyring: scenario.nodeKeyring }),
      };
      const { lines, stderr } = await runGoProgram(harness, JSON.stringify(input));
      assert.equal(lines.length, scenario.steps.length, stderr);
      return lines as StepResult[];
    } finally {
      await api.close();
    }
  });
}

export interface Kubernetes {
  readonly title: string;
  readonly program: { readonly name: string } & GoBuildOptions;
  readonly version: string;
  /** KubeletEnsureSecretPulledImages by default. */
  readonly gateDefault: boolean;
  /** The version kubelet writes pull records in. */
  readonly recordVersion: string;
  /** Credentials are looked up (the provider runs) on every start, not only when needed. */
  readonly eagerLookup: boolean;
}

export const KUBERNETES: readonly Kubernetes[] = [
  {
    title: "Kubernetes v1.35.4",
    program: { name: "kubelet-image-manager", modfile: "go135.mod" },
    version: "v1.35.4",
    gateDefault: true,
    recordVersion: "kubelet.config.k8s.io/v1beta1",
    eagerLookup: false,
  },
  {
    title: "Kubernetes v1.34.4 with KubeletEnsureSecretPulledImages",
    program: { name: "kubelet-image-manager", modfile: "go134.mod" },
    version: "v1.34.4",
    gateDefault: false,
    recordVersion: "kubelet.config.k8s.io/v1alpha1",
    eagerLookup: true,
  },
];
