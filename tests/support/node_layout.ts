/**
 * A node's file layout in a temporary directory, the provider flags that
 * point at it, and a way to run the provider there exactly as kubelet would:
 * the real entry point (or the compiled binary named by
 * CRIO_CREDENTIAL_PROVIDER_BIN) with the permission flags the binary carries.
 */

import { permissionFlags, type PermissionPaths } from "../../src/permissions.ts";
import { type CliResult, runCli } from "./run_cli.ts";
import { writeTree } from "./temp_tree.ts";

const TLS = new URL("../testdata/tls/", import.meta.url).pathname;

/** Paths of one temporary node. */
export interface NodeLayout {
  readonly root: string;
  readonly paths: PermissionPaths & { readonly caFile: string };
  /** The provider flags pointing at this layout. */
  readonly flags: readonly string[];
}

/** Creates the layout under `root`; `registriesConf` (when given) becomes the main file. */
export async function nodeLayout(
  root: string,
  files: Record<string, string> = {},
): Promise<NodeLayout> {
  const paths = {
    registriesConf: `${root}/etc/containers/registries.conf`,
    registriesConfDir: `${root}/etc/containers/registries.conf.d`,
    authDir: `${root}/etc/crio/auth`,
    globalAuthFile: `${root}/var/lib/kubelet/config.json`,
    kubernetesConfigDir: `${root}/etc/kubernetes`,
    kubeletKubeconfig: `${root}/var/lib/kubelet/kubeconfig`,
    journalSocket: `${root}/run/systemd/journal/socket`,
    home: `${root}/root`,
    caFile: `${root}/etc/kubernetes/ca.pem`,
  };
  const ca = await Deno.readTextFile(`${TLS}ca.pem`);
  // The cluster CA where kubeadm puts it (found without flags) and as an explicit --ca-file.
  await writeTree(root, { "etc/kubernetes/ca.pem": ca, "etc/kubernetes/pki/ca.crt": ca, ...files });
  await Deno.mkdir(`${root}/run/systemd/journal`, { recursive: true });
  const flags = [
    `--registries-conf=${paths.registriesConf}`,
    `--registries-conf-dir=${paths.registriesConfDir}`,
    `--auth-dir=${paths.authDir}`,
    `--global-auth-file=${paths.globalAuthFile}`,
    `--kubernetes-config-dir=${paths.kubernetesConfigDir}`,
    `--kubeconfig=${paths.kubeletKubeconfig}`,
    `--ca-file=${paths.caFile}`,
    `--journal-socket=${paths.journalSocket}`,
  ];
  return { root, paths, flags };
}

/** Options for {@linkcode runProvider}. */
export interface RunProviderOptions {
  /** Flags after the layout's own. */
  readonly args?: readonly string[];
  /** Environment over `HOME` of the layout. */
  readonly env?: Record<string, string>;
  /** Leave stdin open, as a kubelet that never finishes its request would. */
  readonly keepStdinOpen?: boolean;
}

/** Runs the provider against the layout, with `stdin` as kubelet's request. */
export async function runProvider(
  node: NodeLayout,
  stdin: string,
  options: RunProviderOptions = {},
): Promise<CliResult> {
  return await runCli([...node.flags, ...(options.args ?? [])], {
    permissions: permissionFlags(node.paths),
    env: { HOME: node.paths.home, ...options.env },
    stdin,
    ...(options.keepStdinOpen ? { keepStdinOpen: true } : {}),
  });
}
