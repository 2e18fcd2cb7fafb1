/**
 * One run of the provider, as kubelet runs it (the real entry point or the
 * compiled binary, the binary's permission flags, a request on stdin), on a
 * temporary node whose API server is the real one of a {@linkcode KubeFixture}:
 * what it answered, the auth file it left, and the requests the API server
 * received from it (its audit log).
 *
 * @module
 */

import { authFilePath } from "../../domain/credentials/auth_file_path.ts";
import { permissionFlags } from "../../src/permissions.ts";
import { kubeletRequest } from "./api_stand_in.ts";
import type { AuditEvent, KubeFixture } from "./kube_fixture.ts";
import { providerRequests } from "./kube_objects.ts";
import { type NodeLayout, nodeLayout } from "./node_layout.ts";
import { type CliResult, runCli } from "./run_cli.ts";
import { listDir } from "./provider_scenario.ts";
import { withTempDir } from "./temp_tree.ts";

/** docker.io mirrored to localhost:5000, as upstream's test node. */
export const MIRRORED =
  '[[registry]]\nlocation = "docker.io"\n[[registry.mirror]]\nlocation = "localhost:5000"\ninsecure = true\n';

export const IMAGE = "docker.io/library/nginx";

/** A stale auth file that every run writing nothing must remove. */
export const STALE = '{"auths":{"localhost:5000":{"auth":"c3RhbGU6c3RhbGU="}}}\n';

/** What a run is given. */
export interface RealRunOptions {
  /** The pod's namespace: names the auth file. */
  readonly namespace: string;
  /** The service-account token kubelet passes; none: a request without one. */
  readonly token?: string | undefined;
  readonly image?: string;
  readonly annotations?: Record<string, string>;
  /** Files of the node over the default (registries.conf, the CA at etc/kubernetes/ca.pem). */
  readonly files?: Record<string, string>;
  /**
   * How the provider finds the API server: given the node, the flags that
   * replace `--ca-file` and `--kubeconfig` of the layout.
   * @default `--api-server=<the fixture>`, `--ca-file` with the cluster CA
   */
  readonly connection?: (node: NodeLayout) => readonly string[];
  readonly args?: readonly string[];
  /** Environment over the node's HOME, as kubelet passes its own. */
  readonly env?: Record<string, string>;
  /** Put a stale file for the pull in place first. */
  readonly stale?: boolean;
}

/** What a run did. */
export interface RealRun extends CliResult {
  /** The pull's auth file, when the run left one. */
  readonly written: string | undefined;
  /** Other files left in the auth directory. */
  readonly leftovers: readonly string[];
  /** The requests the API server completed for the provider during the run. */
  readonly requests: readonly AuditEvent[];
}

/** The auth file's name for a pull in `namespace` of `image`. */
export async function authFileName(namespace: string, image = IMAGE): Promise<string> {
  return (await authFilePath("/", { namespace, image })).slice(1);
}

/** Runs the provider once on a fresh node against the fixture's API server. */
export async function runAgainst(kube: KubeFixture, options: RealRunOptions): Promise<RealRun> {
  return await withTempDir(async (root) => {
    const node = await nodeLayout(root, {
      "etc/containers/registries.conf": MIRRORED,
      "etc/kubernetes/ca.pem": kube.caPem,
      ...options.files,
    });
    const image = options.image ?? IMAGE;
    const name = await authFileName(options.namespace, image);
    if (options.stale) {
      await Deno.mkdir(node.paths.authDir, { recursive: true, mode: 0o700 });
      await Deno.writeTextFile(`${node.paths.authDir}/${name}`, STALE, { mode: 0o600 });
    }
    const connection = options.connection?.(node) ??
      [`--ca-file=${node.paths.caFile}`, `--api-server=${kube.server}`];
    const layoutFlags = node.flags.filter((flag) =>
      !flag.startsWith("--ca-file=") && !flag.startsWith("--kubeconfig=")
    );
    const offset = await kube.auditOffset();
    const result = await runCli([...layoutFlags, ...connection, ...(options.args ?? [])], {
      permissions: permissionFlags(node.paths),
      env: { HOME: node.paths.home, ...options.env },
      stdin: kubeletRequest(image, options.token, {
        ...(options.annotations === undefined ? {} : { annotations: options.annotations }),
      }),
    });
    const written = await Deno.readTextFile(`${node.paths.authDir}/${name}`).catch(() => undefined);
    return {
      ...result,
      written,
      leftovers: (await listDir(node.paths.authDir)).filter((file) => file !== name),
      requests: providerRequests(await kube.audit(offset)),
    };
  });
}

/** An auth file as the provider writes it (Go's indented JSON): one entry per registry. */
export function authFile(entries: Record<string, string>): string {
  return `${
    JSON.stringify(
      {
        auths: Object.fromEntries(
          Object.entries(entries).sort()
            .map(([registry, auth]) => [registry, { auth }]),
        ),
      },
      null,
      "\t",
    )
  }\n`;
}

/** The `auth` value of `user` with the password the fixtures give it. */
export function authOf(user: string): string {
  return btoa(`${user}:${user}-password`);
}
