/**
 * `doctor` on node layouts in temporary folders: a fake /proc with a
 * kubelet's command line, stand-ins for `kubelet --version` and
 * `crio --version`, CRI-O's configuration, the provider's config and binary,
 * and the HTTPS API stand-in. One layout that is right, and each failure the
 * issue lists on a layout that has it.
 */

import assert from "node:assert/strict";
import { assertEquals } from "../support/assert.ts";
import {
  serviceAccountToken,
  type StandInOptions,
  startApiStandIn,
} from "../support/api_stand_in.ts";
import { MIRRORED, TOKEN } from "../support/provider_fixtures.ts";
import { runCli } from "../support/run_cli.ts";
import { withTempDir, writeTree } from "../support/temp_tree.ts";

const CA = new URL("../testdata/tls/ca.pem", import.meta.url).pathname;

const CONFIG = `apiVersion: kubelet.config.k8s.io/v1
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
interface Layout {
  readonly kubeletArgs?: (root: string) => string[] | undefined;
  readonly kubeletVersion?: string;
  readonly crioVersion?: string;
  readonly files?: Record<string, string>;
  readonly executableMode?: number;
  readonly authDirMode?: number;
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

async function doctor(layout: Layout) {
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
        `--api-server=${api.url}`,
        `--ca-file=${CA}`,
        `--token-file=${root}/token`,
        ...(layout.args?.(root) ?? []),
      ], { permissions: ["--allow-all"], env: { HOME: `${root}/home` } });
      const report = JSON.parse(result.stdout || "{}") as {
        checks?: { name: string; status: string; evidence: string; remedy?: string }[];
        failed?: boolean;
      };
      return { ...result, root, checks: report.checks ?? [] };
    } finally {
      await api.close();
    }
  });
}

function statusOf(checks: readonly { name: string; status: string }[], name: string) {
  return checks.filter((check) => check.name === name).map((check) => check.status);
}

Deno.test("doctor passes a node that is right", async () => {
  const result = await doctor({});
  assertEquals([result.code, result.stderr], [0, ""], result.stdout);
  assertEquals(result.checks.filter((c) => c.status !== "pass"), []);
  assert.ok(result.checks.length >= 10);
});

Deno.test("doctor reports each failure on a node that has it", async (t) => {
  const rows: readonly [string, Layout, string, string, RegExp][] = [
    [
      "no credential-provider flags, a config on disk",
      {
        kubeletArgs: (root) => ["/usr/bin/kubelet", `--config=${root}/var/lib/kubelet/config.yaml`],
      },
      "kubelet runs credential providers",
      "fail",
      /configured but not active: .*credential-providers.* exist/,
    ],
    [
      "no kubelet at all",
      { kubeletArgs: () => undefined },
      "kubelet runs credential providers",
      "fail",
      /no kubelet process found/,
    ],
    [
      "a provider named after another executable",
      {
        files: {
          "etc/kubernetes/credential-providers/crio.yaml": CONFIG.replace(
            "name: crio-credential-provider",
            "name: crio",
          ),
        },
      },
      "provider config",
      "fail",
      /no provider named "crio-credential-provider"/,
    ],
    [
      "a cacheType a 1.33 kubelet refuses",
      { kubeletVersion: "Kubernetes v1.33.5" },
      "provider config",
      "fail",
      /error decoding config .*unknown field "providers\[0\]\.tokenAttributes\.cacheType"/,
    ],
    [
      "no cacheType for a 1.34 kubelet",
      {
        files: {
          "etc/kubernetes/credential-providers/crio.yaml": CONFIG.replace(
            "      cacheType: Token\n",
            "",
          ),
        },
        kubeletVersion: "Kubernetes v1.34.2",
      },
      "provider config",
      "fail",
      /kubelet 1\.34 would refuse .*cacheType: Required value/,
    ],
    [
      "a binary that is not executable",
      { executableMode: 0o644 },
      "provider executable",
      "fail",
      /is not executable/,
    ],
    [
      "a platform provider that was dropped",
      {
        kubeletArgs: (root) => [
          "/usr/bin/kubelet",
          `--image-credential-provider-config=${root}/etc/kubernetes/credential-providers/ecr-credential-provider.yaml`,
          `--image-credential-provider-bin-dir=${root}/usr/libexec/plugins`,
        ],
        files: { "etc/kubernetes/credential-providers/ecr-credential-provider.yaml": CONFIG },
      },
      "platform provider",
      "fail",
      /no longer lists ecr-credential-provider/,
    ],
    [
      "matchImages that miss the mirrored registry",
      {
        files: {
          "etc/kubernetes/credential-providers/crio.yaml": CONFIG.replace(
            '["docker.io"]',
            '["quay.io"]',
          ),
        },
      },
      "matchImages cover the mirrors",
      "fail",
      /never runs the provider for docker\.io/,
    ],
    [
      "CRI-O without namespaced auth files",
      { crioVersion: "1.34.2" },
      "CRI-O version",
      "fail",
      /does not read namespaced auth files/,
    ],
    [
      "CRI-O reading another auth directory",
      {
        files: { "etc/crio/crio.conf": '[crio.image]\nnamespaced_auth_dir = "/run/crio/auth"\n' },
      },
      "auth directory agrees",
      "fail",
      /CRI-O reads "\/run\/crio\/auth"/,
    ],
    [
      "an auth directory others may write",
      { authDirMode: 0o777 },
      "auth directory",
      "fail",
      /writable by group or others/,
    ],
    [
      "a stale auth file",
      { staleFile: true },
      "auth directory",
      "warn",
      /older than 5 minutes that CRI-O never consumed/,
    ],
    [
      "an API server with another CA",
      {
        args:
          () => [`--ca-file=${new URL("../testdata/tls/other-ca.pem", import.meta.url).pathname}`],
      },
      "API server",
      "fail",
      /cannot reach it: .*UnknownIssuer/,
    ],
    [
      "a token the API server does not accept",
      { token: serviceAccountToken("default", { aud: ["https://wrong"] }) },
      "token accepted",
      "fail",
      /did not accept the token \(HTTP 401\)/,
    ],
    [
      "an expired token",
      { token: serviceAccountToken("default", { exp: 1700000000 }) },
      "token",
      "fail",
      /expired/,
    ],
    [
      "a token that may not list secrets",
      { api: { getOnly: ["my-secret"] } },
      "secrets readable",
      "warn",
      /may not list secrets in default/,
    ],
    [
      "CRI-O that defeats cached-image isolation",
      { crioVersion: "1.35.0" },
      "cached images stay per namespace",
      "warn",
      /CRI-O before 1\.35\.2/,
    ],
    [
      "a node keyring entry for a mirrored registry",
      {
        files: { "var/lib/kubelet/config.json": '{"auths":{"docker.io":{"auth":"dTpw"}}}' },
      },
      "cached images stay per namespace",
      "warn",
      /config\.json holds docker\.io/,
    ],
    [
      "NeverVerify",
      {
        files: {
          "var/lib/kubelet/config.yaml": "imagePullCredentialsVerificationPolicy: NeverVerify\n",
        },
      },
      "cached images stay per namespace",
      "warn",
      /NeverVerify/,
    ],
  ];
  for (const [name, layout, check, status, evidence] of rows) {
    await t.step(`doctor with ${name}`, async () => {
      const result = await doctor(layout);
      assertEquals(statusOf(result.checks, check), [status], result.stdout);
      const found = result.checks.find((c) => c.name === check)!;
      assert.match(found.evidence, evidence);
      assert.ok(found.remedy, "a remedy line");
      assertEquals(result.code, status === "fail" ? 1 : 0, result.stdout);
      // Never the token.
      assert.ok(!result.stdout.includes(TOKEN.split(".")[1]!));
    });
  }
});

Deno.test("doctor prints one line of evidence and one of remedy per check for people", () =>
  withTempDir(async (root) => {
    const result = await runCli([
      "doctor",
      `--proc-root=${root}`,
      `--kubernetes-config-dir=${root}`,
    ], {
      permissions: ["--allow-all"],
    });
    assertEquals(result.code, 1);
    assert.match(
      result.stdout,
      /^FAIL {2}kubelet runs credential providers: no kubelet process found\n {6}→ /,
    );
  }));
