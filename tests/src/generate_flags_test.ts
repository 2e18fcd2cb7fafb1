/**
 * Which flags each kind of `generate` reads: one it would ignore is a usage
 * error, and those it reads reach the artifact.
 */

import assert from "node:assert/strict";
import { assertEquals } from "../support/assert.ts";
import { dataUrlContents } from "../../domain/deployment/data_url.ts";
import { runCli } from "../support/run_cli.ts";

const PERMISSIONS = [`--allow-read`, "--allow-write", "--allow-env"];

async function generate(args: readonly string[]) {
  return await runCli(["generate", ...args], { permissions: PERMISSIONS });
}

/** A MachineConfig request that is right, for rows that add one flag to it. */
const MACHINECONFIG = [
  "machineconfig",
  "--openshift-version",
  "4.21",
  "--platform",
  "aws",
  "--match-image",
  "a.io",
];

Deno.test("generate refuses a flag its kind would ignore", async (t) => {
  const rows: readonly [string, string[], number, string][] = [
    // A flag a kind would ignore is refused: the MachineConfig's file must be the platform's own.
    [
      "--merge for a MachineConfig",
      [
        ...MACHINECONFIG,
        "--merge",
        "/etc/kubernetes/credential-providers/ecr-credential-provider.yaml",
      ],
      2,
      "--merge does not apply to generate machineconfig",
    ],
    [
      "--kubernetes-version for a MachineConfig",
      [
        ...MACHINECONFIG,
        "--kubernetes-version",
        "1.35",
      ],
      2,
      "--kubernetes-version does not apply to generate machineconfig",
    ],
    [
      "--platform for kubelet-config",
      ["kubelet-config", "--match-image", "a.io", "--platform", "aws"],
      2,
      "--platform does not apply to generate kubelet-config",
    ],
    // Names every object has are no kinds or platforms.
    [
      "a kind named toString",
      ["toString", "--match-image", "a.io"],
      2,
      'A kind is required: kubelet-config, rbac, machineconfig or openshift-config, got "toString"',
    ],
    [
      "a platform named constructor",
      [
        "machineconfig",
        "--openshift-version",
        "4.21",
        "--platform",
        "constructor",
        "--match-image",
        "a.io",
      ],
      2,
      '--platform must be one of aws, azure, gcp, got "constructor"',
    ],
    [
      "an OpenShift platform misspelt",
      [
        "openshift-config",
        "--openshift-version",
        "4.23",
        "--platform",
        "azur",
        "--match-image",
        "a.io",
      ],
      2,
      '--platform must be one of aws, azure, gcp, baremetal, vsphere, openstack, nutanix, ovirt, none, external, powervs, kubevirt, libvirt, got "azur"',
    ],
    [
      "--match-image for rbac",
      ["rbac", "--match-image", "a.io"],
      2,
      "--match-image does not apply to generate rbac",
    ],
  ];
  for (const [name, args, code, line] of rows) {
    await t.step(`generate with ${name}`, async () => {
      const result = await generate(args);
      assertEquals([result.code, result.stdout, result.stderr.split("\n")[0]], [code, "", line]);
    });
  }
});

Deno.test("generate machineconfig asks kubelet for a token of the given audience", async () => {
  const result = await generate([
    "machineconfig",
    "--openshift-version",
    "4.21",
    "--platform",
    "aws",
    "--match-image",
    "a.io",
    "--audience",
    "https://api.cluster.example:6443",
    "-o",
    "json",
  ]);
  assertEquals(result.code, 0, result.stderr);
  const list = JSON.parse(result.stdout) as {
    items: {
      kind: string;
      spec: { config: { storage: { files: { contents: { source: string } }[] } } };
    }[];
  };
  const machineConfig = list.items.find((item) => item.kind === "MachineConfig")!;
  const file = new TextDecoder().decode(
    dataUrlContents(machineConfig.spec.config.storage.files[0]!.contents.source),
  );
  assert.match(file, /serviceAccountTokenAudience: https:\/\/api\.cluster\.example:6443\n/);
});
