/**
 * `generate` through the real entry point: golden output per platform and
 * version, JSON and file output, and one clear line for bad input.
 */

import assert from "node:assert/strict";
import { assertEquals } from "../support/assert.ts";
import { runCli } from "../support/run_cli.ts";
import { withTempDir } from "../support/temp_tree.ts";

const GOLDEN = new URL("../testdata/generate/", import.meta.url).pathname;
const PERMISSIONS = [`--allow-read`, "--allow-write", "--allow-env"];

async function generate(args: readonly string[]) {
  return await runCli(["generate", ...args], { permissions: PERMISSIONS });
}

Deno.test("generate writes the golden artifacts", async (t) => {
  const rows: readonly [string, string[]][] = [
    ["kubelet-config-1.34.yaml", [
      "kubelet-config",
      "--match-image",
      "docker.io",
      "--match-image",
      "quay.io/team",
    ]],
    ["kubelet-config-1.33.yaml", [
      "kubelet-config",
      "--match-image",
      "docker.io",
      "--kubernetes-version",
      "1.33",
    ]],
    ["kubelet-config-1.35.yaml", [
      "kubelet-config",
      "--match-image",
      "docker.io",
      "--kubernetes-version",
      "1.35",
    ]],
    ["kubelet-config-least-privilege.yaml", [
      "kubelet-config",
      "--match-image",
      "docker.io",
      "--secret-annotation",
      "--arg=--auth-dir=/run/crio/auth",
    ]],
    ["kubelet-config-merged.yaml", [
      "kubelet-config",
      "--match-image",
      "docker.io",
      "--merge",
      `${GOLDEN}ecr-with-old-entry.yaml`,
    ]],
    ["rbac.yaml", [
      "rbac",
      "--namespace",
      "team-a",
      "--secret",
      "mirror-creds",
      "--secret",
      "cache-creds",
      "--namespace",
      "team-b",
      "--service-account",
      "puller",
    ]],
    ...["aws", "gcp", "azure"].map((platform): [string, string[]] => [
      `machineconfig-4.21-${platform}.yaml`,
      [
        "machineconfig",
        "--openshift-version",
        "4.21",
        "--platform",
        platform,
        "--match-image",
        "docker.io",
        "--match-image",
        "quay.io/team",
      ],
    ]),
    ...["aws", "gcp", "azure"].map((platform): [string, string[]] => [
      `machineconfig-4.22-${platform}.yaml`,
      [
        "machineconfig",
        "--openshift-version",
        "4.22",
        "--platform",
        platform,
        "--match-image",
        "docker.io",
      ],
    ]),
    ["openshift-config-4.22.yaml", [
      "openshift-config",
      "--openshift-version",
      "4.22",
      "--match-image",
      "docker.io",
    ]],
    ["openshift-config-4.23.yaml", [
      "openshift-config",
      "--openshift-version",
      "4.23",
      "--match-image",
      "docker.io",
      "--namespace",
      "team-a",
      "--secret",
      "mirror-creds",
    ]],
  ];
  for (const [golden, args] of rows) {
    await t.step(`generate ${golden}`, async () => {
      const result = await generate(args);
      assertEquals([result.code, result.stderr], [0, ""]);
      assertEquals(result.stdout, await Deno.readTextFile(`${GOLDEN}${golden}`));
    });
  }
});

Deno.test("generate refuses bad input with one line naming the flag", async (t) => {
  const rows: readonly [string, string[], number, string][] = [
    [
      "no kind",
      [],
      2,
      'A kind is required: kubelet-config, rbac, machineconfig or openshift-config, got ""',
    ],
    ["no pattern", ["kubelet-config"], 2, "--match-image is required (at least one)"],
    [
      "a pattern kubelet refuses",
      ["kubelet-config", "--match-image", "r:x"],
      2,
      '--match-image "r:x": match image is invalid: invalid port ":x" after host',
    ],
    [
      "Kubernetes 1.32",
      ["kubelet-config", "--match-image", "a.io", "--kubernetes-version", "1.32"],
      2,
      '--kubernetes-version must be 1.33 or later (service-account tokens for credential providers), got "1.32"',
    ],
    [
      "an unknown platform",
      [
        "machineconfig",
        "--openshift-version",
        "4.21",
        "--platform",
        "mars",
        "--match-image",
        "a.io",
      ],
      2,
      '--platform must be one of aws, azure, gcp, got "mars"',
    ],
    [
      "OpenShift 4.23 for a MachineConfig",
      [
        "machineconfig",
        "--openshift-version",
        "4.23",
        "--platform",
        "aws",
        "--match-image",
        "a.io",
      ],
      2,
      '--openshift-version must be one of 4.21, 4.22, got "4.23"',
    ],
    [
      "a pattern OpenShift refuses",
      ["openshift-config", "--openshift-version", "4.23", "--match-image", "*"],
      2,
      "--match-image: the global wildcard '*' is not allowed",
    ],
    [
      "a secret before its namespace",
      ["rbac", "--secret", "s"],
      2,
      "--secret must follow the --namespace it belongs to",
    ],
    [
      "a bare-metal cluster on 4.21",
      [
        "machineconfig",
        "--openshift-version",
        "4.21",
        "--platform",
        "baremetal",
        "--match-image",
        "a.io",
      ],
      1,
      'Cannot deploy through a MachineConfig on OpenShift 4.21 platform "baremetal": its kubelet runs without credential-provider flags (only AWS, GCP and Azure have them); use OpenShift 4.23 or later with generate openshift-config, whose operator wires the kubelet up',
    ],
    [
      "a config kubelet refuses",
      ["kubelet-config", "--match-image", "a.io", "--merge", `${GOLDEN}misspelt-field.yaml`],
      1,
      `Cannot merge into "${GOLDEN}misspelt-field.yaml": error decoding config "${GOLDEN}misspelt-field.yaml": strict decoding error: unknown field "providers[0].matchImage"`,
    ],
  ];
  for (const [name, args, code, line] of rows) {
    await t.step(`generate with ${name}`, async () => {
      const result = await generate(args);
      assertEquals([result.code, result.stdout, result.stderr.split("\n")[0]], [code, "", line]);
    });
  }
});

Deno.test("generate warns about patterns the operator drops", async () => {
  const result = await generate([
    "openshift-config",
    "--openshift-version",
    "4.23",
    "--platform",
    "azure",
    "--match-image",
    "myreg.azurecr.io",
  ]);
  assertEquals(result.code, 0);
  assertEquals(
    result.stderr,
    'warning: --match-image "myreg.azurecr.io" overlaps "*.azurecr.io" of the azure platform provider: the Machine Config Operator drops it there\n',
  );
});

Deno.test("generate writes JSON and one file per object", async (t) => {
  await t.step("generate -o json writes a List for several objects", async () => {
    const result = await generate(["rbac", "--namespace", "team-a", "-o", "json"]);
    assertEquals(result.code, 0);
    const list = JSON.parse(result.stdout);
    assertEquals([list.kind, list.items.map((i: { kind: string }) => i.kind)], [
      "List",
      ["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"],
    ]);
  });
  await t.step(
    "generate --output-dir writes one file per object",
    () =>
      withTempDir(async (dir) => {
        const result = await generate(["rbac", "--namespace", "team-a", "--output-dir", dir]);
        assertEquals([result.code, result.stdout], [0, ""]);
        const names = [];
        for await (const entry of Deno.readDir(dir)) names.push(entry.name);
        assertEquals(names.sort(), [
          "01-clusterrole-crio-credential-provider-node.yaml",
          "02-clusterrolebinding-crio-credential-provider-node.yaml",
          "03-role-team-a-crio-credential-provider-pull-secrets-default.yaml",
          "04-rolebinding-team-a-crio-credential-provider-pull-secrets-default.yaml",
        ]);
        assert.match(
          await Deno.readTextFile(
            `${dir}/03-role-team-a-crio-credential-provider-pull-secrets-default.yaml`,
          ),
          /^apiVersion: rbac/,
        );
      }),
  );
});
