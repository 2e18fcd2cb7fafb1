/**
 * `doctor` on node layouts in temporary folders (`support/doctor_node.ts`):
 * each failure the issue lists, on a layout that has it, with its evidence and
 * a remedy, and never the token.
 */

import assert from "node:assert/strict";
import { assertEquals } from "../support/assert.ts";
import { serviceAccountToken } from "../support/api_stand_in.ts";
import { CONFIG, doctor, type Layout, statusOf } from "../support/doctor_node.ts";
import { TOKEN } from "../support/provider_fixtures.ts";

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
      "a matchImages pattern no mirrored registry falls under",
      {
        files: {
          "etc/kubernetes/credential-providers/crio.yaml": CONFIG.replace(
            '["docker.io"]',
            '["docker.io", "quay.io"]',
          ),
        },
      },
      "matchImages have mirrors",
      "warn",
      /^quay\.io match no registry with mirrors: the provider runs for nothing$/,
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
      "CRI-O reading another global auth file",
      {
        files: {
          "etc/crio/crio.conf.d/10-auth.conf":
            '[crio.image]\nglobal_auth_file = "/etc/other.json"\n',
        },
      },
      "global auth file agrees",
      "warn",
      /^CRI-O's global_auth_file is "\/etc\/other\.json", the provider merges "\/.*\/var\/lib\/kubelet\/config\.json"$/,
    ],
    [
      "a CRI-O drop-in that does not parse",
      { files: { "etc/crio/crio.conf.d/10-auth.conf": "[crio.image\n" } },
      "CRI-O configuration",
      "warn",
      /^cannot read ".*10-auth\.conf": .*; auth directory and global auth file not compared$/,
    ],
    [
      "CRI-O without a global auth file",
      { files: { "etc/crio/crio.conf.d/10-auth.conf": "[crio.image]\n" } },
      "global auth file agrees",
      "warn",
      /^CRI-O has no global_auth_file/,
    ],
    [
      "an auth directory another user owns",
      { kubeletUid: (Deno.uid() ?? 0) + 1 },
      "auth directory",
      "fail",
      /is owned by uid \d+, but kubelet runs its plugins as uid \d+; the provider refuses it$/,
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
      /config\.json holds an entry under matchImages "docker\.io", which kubelet tries first/,
    ],
    [
      // kubelet decodes config.json as Go does: "auths" in any letter case.
      'a node keyring entry under "AUTHS"',
      {
        files: { "var/lib/kubelet/config.json": '{"AUTHS":{"docker.io":{"auth":"dTpw"}}}' },
      },
      "cached images stay per namespace",
      "warn",
      /config\.json holds an entry under matchImages "docker\.io"/,
    ],
    [
      "node keyring keys that carry a password (never shown)",
      {
        files: {
          "etc/kubernetes/credential-providers/crio.yaml": CONFIG.replace(
            'matchImages: ["docker.io"]',
            'matchImages: ["docker.io", "*.example.com"]',
          ),
          "var/lib/kubelet/config.json": JSON.stringify({
            auths: {
              "user1e999Hunter2Secretmirror.example.com": { auth: "dTpw" },
              "Hunter2Secret@mirror.example.com": { auth: "dTpw" },
              "docker.io/user:Hunter2Secret@x": { auth: "dTpw" },
            },
          }),
        },
      },
      "cached images stay per namespace",
      "warn",
      /^(?!.*Hunter2).*config\.json holds 3 entries under matchImages "docker\.io", "\*\.example\.com",/,
    ],
    [
      "a kubelet whose version cannot be read",
      { kubeletVersion: "no version here" },
      "cached images stay per namespace",
      "warn",
      /^kubelet's version is unknown, so whether KubeletEnsureSecretPulledImages is on is unknown$/,
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
