/**
 * Node layouts for `doctor` in temporary folders
 * (`tests/src/doctor_command*_test.ts`): a fake /proc with a kubelet's
 * command line, stand-ins for `kubelet --version` and `crio --version`,
 * CRI-O's configuration, the provider's config and binary, and the HTTPS API
 * stand-in. The node is right unless a {@linkcode Layout} changes it.
 */

import { type StandInOptions, startApiStandIn } from "./api_stand_in.ts";
import { MIRRORED, TOKEN } from "./provider_fixtures.ts";
import { type CliResult, runCli } from "./run_cli.ts";
import { withTempDir, writeTree } from "./temp_tree.ts";

const CA = new URL("../testdata/tls/ca.pem", import.meta.url).pathname;

export const CONFIG = `apiVersion: kubelet.config.k8s.io/v1
kind: CredentialProviderConfig
providers:
  - name: crio-credential-provider
    matchImages: ["docker.io"]
    defaultCacheDuration: "1s"
    apiVersion: credentialprovider.kubelet.k8s.io/v1
    tokenAttributes:
      serviceAccountTokenAudience: https://kubernetes.default.svc
      cacheType: Token
      requireServiceAccount: false
`;

/** What a layout changes from the node that is right. */
export interface Layout {
  readonly kubeletArgs?: (root: string) => string[] | undefined;
  readonly kubeletVersion?: string;
  readonly crioVersion?: string;
  readonly files?: Record<string, string>;
  readonly executableMode?: number;
  readonly authDirMode?: number;
  /** The uid in the kubelet process's status file. @default the test's own uid */
  readonly kubeletUid?: number;
  readonly staleFile?: boolean;
  readonly api?: Omit<StandInOptions, "token">;
  readonly token?: string;
  readonly args?: (root: string) => string[];
}

function kubeletArgs(root: string): string[] {
  return [
    "/usr/bin/kubelet",
    `--config=${root}/var/lib/kubelet/config.yaml`,
    `--root-dir=${root}/var/lib/kubelet`,
    `--image-credential-provider-config=${root}/etc/kubernetes/credential-providers/crio.yaml`,
    `--image-credential-provider-bin-dir=${root}/usr/libexec/plugins`,
  ];
}

/** A check of doctor's JSON report. */
export interface DoctorCheck {
  readonly name: string;
  readonly status: string;
  readonly evidence: string;
  readonly remedy?: string;
}

/** doctor's run on a layout: what it printed, the layout's root, and the checks it reported. */
export interface DoctorRun extends CliResult {
  readonly root: string;
  readonly checks: readonly DoctorCheck[];
}

/** Writes the node of `layout` into a temporary folder and runs `doctor --json` on it. */
/** The flags that point doctor at a node laid out under `root` (as `doctor()` lays it out). */
export function nodePathFlags(root: string): string[] {
  return [
    `--proc-root=${root}/proc`,
    `--kubelet-bin=${root}/bin/kubelet`,
    `--crio-bin=${root}/bin/crio`,
    `--crio-config=${root}/etc/crio/crio.conf`,
    `--crio-config-dir=${root}/etc/crio/crio.conf.d`,
    `--registries-conf=${root}/etc/containers/registries.conf`,
    `--registries-conf-dir=${root}/etc/containers/registries.conf.d`,
    `--auth-dir=${root}/etc/crio/auth`,
    `--global-auth-file=${root}/var/lib/kubelet/config.json`,
    `--kubernetes-config-dir=${root}/etc/kubernetes`,
  ];
}

export async function doctor(layout: Layout): Promise<DoctorRun> {
  return await withTempDir(async (root) => {
    await writeTree(root, {
      "etc/containers/registries.conf": MIRRORED,
      "etc/kubernetes/credential-providers/crio.yaml": CONFIG,
      "var/lib/kubelet/config.yaml":
        "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nimagePullCredentialsVerificationPolicy: AlwaysVerify\n",
      "etc/crio/crio.conf": `[crio.image]\nnamespaced_auth_dir = "${root}/etc/crio/auth"\n`,
      "etc/crio/crio.conf.d/10-auth.conf":
        `[crio.image]\nglobal_auth_file = "${root}/var/lib/kubelet/config.json"\n`,
      "usr/libexec/plugins/crio-credential-provider": "#!/bin/sh\n",
      "bin/kubelet": `#!/bin/sh\necho "${layout.kubeletVersion ?? "Kubernetes v1.35.4"}"\n`,
      "bin/crio": `#!/bin/sh\necho "crio version ${layout.crioVersion ?? "1.35.2"}"\n`,
      "token": layout.token ?? TOKEN,
      ...layout.files,
    });
    const args = (layout.kubeletArgs ?? kubeletArgs)(root);
    if (args !== undefined) {
      await Deno.mkdir(`${root}/proc/4242`, { recursive: true });
      await Deno.writeTextFile(`${root}/proc/4242/cmdline`, `${args.join("\0")}\0`);
      const uid = layout.kubeletUid ?? Deno.uid() ?? 0;
      await Deno.writeTextFile(
        `${root}/proc/4242/status`,
        `Name:\tkubelet\nUid:\t${uid}\t${uid}\t${uid}\t${uid}\n`,
      );
    } else {
      await Deno.mkdir(`${root}/proc/1`, { recursive: true });
      await Deno.writeTextFile(`${root}/proc/1/cmdline`, "/sbin/init\0");
    }
    for (const program of ["bin/kubelet", "bin/crio"]) {
      await Deno.chmod(`${root}/${program}`, 0o755);
    }
    await Deno.chmod(
      `${root}/usr/libexec/plugins/crio-credential-provider`,
      layout.executableMode ?? 0o755,
    );
    await Deno.mkdir(`${root}/etc/crio/auth`, { recursive: true });
    await Deno.chmod(`${root}/etc/crio/auth`, layout.authDirMode ?? 0o700);
    if (layout.staleFile) {
      const stale = `${root}/etc/crio/auth/default-${"a".repeat(64)}.json`;
      await Deno.writeTextFile(stale, "{}");
      const old = new Date(Date.now() - 3600_000);
      await Deno.utime(stale, old, old);
    }
    const api = startApiStandIn({ token: TOKEN, ...layout.api });
    try {
      const result = await runCli([
        "doctor",
        "--json",
        ...nodePathFlags(root),
        `--api-server=${api.url}`,
        `--ca-file=${CA}`,
        `--token-file=${root}/token`,
        ...(layout.args?.(root) ?? []),
      ], { permissions: ["--allow-all"], env: { HOME: `${root}/home` } });
      const report = JSON.parse(result.stdout || "{}") as {
        checks?: DoctorCheck[];
        failed?: boolean;
      };
      return { ...result, root, checks: report.checks ?? [] };
    } finally {
      await api.close();
    }
  });
}

export function statusOf(
  checks: readonly { name: string; status: string }[],
  name: string,
): string[] {
  return checks.filter((check) => check.name === name).map((check) => check.status);
}
