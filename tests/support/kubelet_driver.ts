/**
 * A kubelet node for the Go program `tests/kube/cmd/kubelet-driver`, which
 * runs kubelet's own credential-provider plugin code and token manager
 * against the real API server of a {@linkcode KubeFixture}, as
 * `system:node:<name>`. The provider is exec'd by kubelet's code through a
 * wrapper that counts its runs, records each request with the token
 * replaced by `<redacted>`, and runs the real entry point (or the compiled
 * binary) exactly as kubelet would run the binary: a clean environment and
 * the binary's permission flags, on a node layout of its own.
 *
 * @module
 */

import { permissionFlags } from "../../src/permissions.ts";
import type { KubeFixture } from "./kube_fixture.ts";
import { type NodeLayout, nodeLayout } from "./node_layout.ts";
import { DENO_DIR, MAIN, PROVIDER_BIN } from "./run_cli.ts";
import { MIRRORED } from "./real_kube_run.ts";

export const PROVIDER = "crio-credential-provider";

/** One pull kubelet prepares: a pod and the image its container names. */
export interface Lookup {
  readonly name: string;
  readonly namespace: string;
  readonly podName: string;
  readonly podUID: string;
  /** "" for a pod without one (a static pod). */
  readonly serviceAccount: string;
  readonly image: string;
}

/** What kubelet got for one lookup (see the Go program's documentation). */
export interface LookupResult {
  readonly name: string;
  readonly repository: string;
  readonly found: boolean;
  readonly credentials: readonly {
    readonly username: string;
    readonly password: string;
    readonly serviceAccount: string | null;
  }[];
  readonly errors: readonly string[];
  readonly tokenRequests: readonly {
    readonly namespace: string;
    readonly serviceAccount: string;
    readonly audiences: readonly string[];
    readonly boundPod: string;
    readonly claims?: Record<string, unknown>;
    readonly error?: string;
  }[];
  readonly providerRuns: number;
  readonly providerRequests: readonly Record<string, unknown>[];
}

/** A node kubelet runs on. */
export interface KubeletNode {
  readonly layout: NodeLayout;
  readonly binDir: string;
  readonly providerConfig: string;
  readonly kubeconfig: string;
  readonly runsFile: string;
  readonly requestsFile: string;
  /** kubelet's --feature-gates over the release's defaults. */
  readonly featureGates: Readonly<Record<string, boolean>>;
}

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** How the wrapper runs the provider. */
export interface WrapperOptions {
  /** Flags after the layout's (and `--api-server`, `--ca-file` of the cluster). */
  readonly args?: readonly string[];
  /** A sed script applied to the provider's answer: the control rows' older or broken answers. */
  readonly editAnswer?: string;
}

function wrapper(node: KubeletNode, server: string, options: WrapperOptions): string {
  const environment = ["env", "-i", "NO_COLOR=1", `DENO_DIR=${DENO_DIR}`];
  environment.push(`HOME=${node.layout.paths.home}`);
  const flags = [...node.layout.flags, `--api-server=${server}`, ...(options.args ?? [])];
  const provider = PROVIDER_BIN === undefined
    ? [Deno.execPath(), "run", "--no-prompt", "--cached-only"]
      .concat(permissionFlags(node.layout.paths), [MAIN])
    : [PROVIDER_BIN];
  const command = [...environment, ...provider, ...flags].map(shellQuote).join(" ");
  // kubelet writes one compact JSON line; a JWT holds no quote, so sed finds its end.
  const redact = `s/"serviceAccountToken":"[^"]*"/"serviceAccountToken":"<redacted>"/`;
  const lines = [
    "#!/bin/sh",
    `printf 'run\\n' >> ${shellQuote(node.runsFile)}`,
    "request=$(cat)",
    `printf '%s\\n' "$request" | sed ${shellQuote(redact)} >> ${shellQuote(node.requestsFile)}`,
  ];
  if (options.editAnswer === undefined) {
    lines.push(`printf '%s\\n' "$request" | exec ${command}`);
  } else {
    lines.push(
      `answer=$(printf '%s\\n' "$request" | ${command}) || exit $?`,
      `printf '%s\\n' "$answer" | sed ${shellQuote(options.editAnswer)}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/**
 * Lays out a node under `root`: registries.conf mirroring docker.io, the
 * cluster CA, the node's kubeconfig (`system:node:<name>`), the provider
 * config kubelet reads (`providerConfig`) and the wrapper in the bin dir.
 */
export async function kubeletNode(
  root: string,
  kube: KubeFixture,
  options: {
    readonly name: string;
    readonly providerConfig: string;
    /** The CA the provider verifies the API server with. @default the cluster's */
    readonly caPem?: string;
    readonly featureGates?: Readonly<Record<string, boolean>>;
    /** @default docker.io mirrored to localhost:5000 */
    readonly registriesConf?: string;
  } & WrapperOptions,
): Promise<KubeletNode> {
  const layout = await nodeLayout(root, {
    "etc/containers/registries.conf": options.registriesConf ?? MIRRORED,
    "etc/kubernetes/ca.pem": options.caPem ?? kube.caPem,
    "kubelet/provider-config.yaml": options.providerConfig,
  });
  await Deno.mkdir(layout.paths.authDir, { recursive: true, mode: 0o700 });
  await Deno.mkdir(`${root}/kubelet/plugins`, { recursive: true });
  const node: KubeletNode = {
    layout,
    binDir: `${root}/kubelet/plugins`,
    providerConfig: `${root}/kubelet/provider-config.yaml`,
    kubeconfig: `${root}/kubelet/kubeconfig`,
    runsFile: `${root}/kubelet/provider-runs`,
    requestsFile: `${root}/kubelet/provider-requests`,
    featureGates: options.featureGates ?? {},
  };
  await kube.nodeKubeconfig(options.name, node.kubeconfig);
  await Deno.writeTextFile(`${node.binDir}/${PROVIDER}`, wrapper(node, kube.server, options), {
    mode: 0o755,
  });
  return node;
}

/** A running kubelet driver: one lookup at a time. */
export interface KubeletDriver {
  lookup(lookup: Lookup): Promise<LookupResult>;
  close(): Promise<void>;
}

/** Starts the driver (`path`) on `node`; close it in `finally`. */
export function startKubeletDriver(path: string, node: KubeletNode): KubeletDriver {
  const child = new Deno.Command(path, { stdin: "piped", stdout: "piped", stderr: "piped" })
    .spawn();
  const writer = child.stdin.getWriter();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const stderr = new Response(child.stderr).text();
  const encoder = new TextEncoder();
  let pending = "";
  const send = (value: unknown) => writer.write(encoder.encode(`${JSON.stringify(value)}\n`));
  const ready = send({
    kubeconfig: node.kubeconfig,
    providerConfig: node.providerConfig,
    binDir: node.binDir,
    providerRunsFile: node.runsFile,
    providerRequestsFile: node.requestsFile,
    featureGates: node.featureGates,
  });
  let closed = false;
  return {
    async lookup(lookup) {
      await ready;
      await send(lookup);
      while (!pending.includes("\n")) {
        const { value, done } = await reader.read();
        if (done) {
          await child.status;
          throw new Error(`kubelet-driver exited during lookup ${lookup.name}: ${await stderr}`);
        }
        pending += value;
      }
      const end = pending.indexOf("\n");
      const line = pending.slice(0, end);
      pending = pending.slice(end + 1);
      return JSON.parse(line) as LookupResult;
    },
    async close() {
      if (closed) return;
      closed = true;
      await writer.close().catch(() => {});
      const status = await child.status;
      await reader.cancel().catch(() => {});
      const errors = await stderr;
      if (!status.success) throw new Error(`kubelet-driver failed: ${errors}`);
    },
  };
}

/** Runs `lookups` in one kubelet (one driver process) and returns what it got. */
export async function driveKubelet(
  path: string,
  node: KubeletNode,
  lookups: readonly Lookup[],
): Promise<LookupResult[]> {
  const driver = startKubeletDriver(path, node);
  try {
    const results: LookupResult[] = [];
    for (const lookup of lookups) results.push(await driver.lookup(lookup));
    return results;
  } finally {
    await driver.close();
  }
}
