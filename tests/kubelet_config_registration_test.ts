/**
 * The kubelet configs `generate` writes, shown to kubelet's own start-up
 * code (`plugin.RegisterCredentialProviderPlugins`, which makes kubelet exit
 * when it fails) of each Kubernetes release, with the feature gates as that
 * release defaults them, or as the generator's notes tell users to set them:
 * `generate kubelet-config` and its `--merge` and least-privilege outputs,
 * the goldens, and the provider file of every MachineConfig (4.21 runs
 * Kubernetes 1.34, 4.22 runs 1.35; `machineconfig_ignition_test.ts` shows
 * that each MachineConfig writes exactly that file). A config made for
 * another release is refused, in kubelet's words: `cacheType` is an
 * unknown field to 1.33 and required by 1.34+.
 */

import { goProgram } from "./support/go_programs.ts";
import { testWithGoProgram } from "./support/go_oracle.ts";
import { assertEquals } from "./support/assert.ts";
import { kubeletVerdict, TOKEN_GATE } from "./support/kubelet_config_check.ts";
import { withTempDir } from "./support/temp_tree.ts";
import {
  generate,
  intendedProviderFile,
  platformDefaultFile,
  PLATFORMS,
} from "./support/openshift_provider_files.ts";

const GOLDEN = new URL("./testdata/generate/", import.meta.url).pathname;
const OURS = "crio-credential-provider";

const RELEASES = [
  {
    minor: "1.33",
    module: "v1.33.13",
    modfile: "go133.mod",
    gateDefault: false,
    openshift: undefined,
  },
  { minor: "1.34", module: "v1.34.4", modfile: "go134.mod", gateDefault: true, openshift: "4.21" },
  { minor: "1.35", module: "v1.35.4", modfile: "go135.mod", gateDefault: true, openshift: "4.22" },
] as const;

/** The refusals, as kubelet words them. */
const CACHE_TYPE_REQUIRED =
  "failed to validate credential provider config: providers.tokenAttributes.cacheType: Required value: cacheType is required to be set when tokenAttributes is specified. Supported values are: ServiceAccount, Token";
// 1.33 names the file unquoted (1.34 quotes it, and reads directories too).
const cacheTypeUnknown = (provider: number) =>
  `error decoding config {config}: strict decoding error: unknown field "providers[${provider}].tokenAttributes.cacheType"`;
const GATE_OFF =
  "failed to validate credential provider config: providers.tokenAttributes: Forbidden: tokenAttributes is not supported when KubeletServiceAccountTokenForCredentialProviders feature gate is disabled";
// Go's exec.LookPath returns an empty path with its error, so kubelet names none.
const NO_EXECUTABLE = "plugin binary executable  did not exist";

interface Row {
  readonly name: string;
  readonly config: () => Promise<string>;
  readonly executables: readonly string[];
  readonly gates?: Readonly<Record<string, boolean>>;
  /** kubelet's error, or undefined when it accepts the config. */
  readonly error?: string;
}

async function generated(args: readonly string[]): Promise<string> {
  const result = await generate(["kubelet-config", ...args]);
  assertEquals([result.code, result.stderr], [0, ""]);
  return result.stdout;
}

const golden = (name: string) => () => Deno.readTextFile(`${GOLDEN}${name}`);

/** The kubelet-config goldens and their providers, in order (the executables they need). */
const GOLDENS: readonly (readonly [string, readonly string[]])[] = [
  ["kubelet-config-1.33.yaml", [OURS]],
  ["kubelet-config-1.34.yaml", [OURS]],
  ["kubelet-config-1.35.yaml", [OURS]],
  ["kubelet-config-least-privilege.yaml", [OURS]],
  ["kubelet-config-merged.yaml", ["ecr-credential-provider", OURS]],
];

function rows(release: (typeof RELEASES)[number]): Row[] {
  const version = ["--kubernetes-version", release.minor];
  const flags = ["--match-image", "docker.io", "--match-image", "quay.io/team"];
  // 1.33 runs with the gate on, as the 1.33 config's note says; the first row shows why.
  const gates = release.gateDefault ? undefined : { [TOKEN_GATE]: true };
  const made = (args: string[]) => () => generated([...version, ...args]);
  const own: Row[] = [
    {
      name: release.gateDefault
        ? `generate kubelet-config ${version.join(" ")} with the gate turned off`
        : `generate kubelet-config ${version.join(" ")} without the gate the note asks for`,
      config: made(flags),
      executables: [OURS],
      gates: release.gateDefault ? { [TOKEN_GATE]: false } : {},
      error: GATE_OFF,
    },
    {
      name: `generate kubelet-config ${version.join(" ")}`,
      config: made(flags),
      executables: [OURS],
    },
    {
      name: `generate kubelet-config ${version.join(" ")} in least-privilege form`,
      config: made([
        "--match-image",
        "docker.io",
        "--secret-annotation",
        "--arg=--auth-dir=/run/crio/auth",
      ]),
      executables: [OURS],
    },
    {
      name: `generate kubelet-config ${version.join(" ")} --merge ecr-with-old-entry.yaml`,
      config: made(["--match-image", "docker.io", "--merge", `${GOLDEN}ecr-with-old-entry.yaml`]),
      executables: [OURS, "ecr-credential-provider"],
    },
    ...PLATFORMS.map(({ platform, provider }) => ({
      name: `generate kubelet-config ${version.join(" ")} --merge OpenShift's ${platform} file`,
      config: () =>
        withTempDir(async (dir) => {
          const file = `${dir}/${provider}.yaml`;
          await Deno.writeTextFile(file, (await platformDefaultFile(platform)).contents);
          return await generated([...version, ...flags, "--merge", file]);
        }),
      executables: [OURS, provider],
    })),
    {
      name: `generate kubelet-config ${version.join(" ")} on a node without the executable`,
      config: made(flags),
      executables: ["ecr-credential-provider"],
      error: NO_EXECUTABLE,
    },
  ];
  // The goldens: only kubelet-config-1.33.yaml is made for 1.33.
  const goldens: Row[] = GOLDENS.map(([name, executables]) => {
    const error = (name === "kubelet-config-1.33.yaml") === (release.minor === "1.33")
      ? undefined
      : release.minor === "1.33"
      ? cacheTypeUnknown(executables.indexOf(OURS))
      : CACHE_TYPE_REQUIRED;
    return {
      name: `golden ${name}`,
      config: golden(name),
      executables,
      ...(error === undefined ? {} : { error }),
    };
  });
  // The other releases' configs: the cacheType trap, both ways.
  const others: Row[] = RELEASES.filter((other) => other.minor !== release.minor).map((other) => ({
    name: `generate kubelet-config --kubernetes-version ${other.minor}`,
    config: () => generated(["--kubernetes-version", other.minor, ...flags]),
    executables: [OURS],
    ...(release.minor === "1.33"
      ? { error: cacheTypeUnknown(0) }
      : other.minor === "1.33"
      ? { error: CACHE_TYPE_REQUIRED }
      : {}),
  }));
  const machineConfigs: Row[] = release.openshift === undefined ? [] : PLATFORMS.flatMap((
    { platform, provider },
  ) =>
    [flags, ["--match-image", "docker.io", "--secret-annotation"]].map((args) => ({
      name:
        `the file of generate machineconfig --openshift-version ${release.openshift} --platform ${platform} ${
          args.join(" ")
        }`,
      config: async () => (await intendedProviderFile(release.openshift, platform, args)).contents,
      executables: [OURS, provider],
    }))
  );
  return [...own, ...goldens, ...others, ...machineConfigs].map((row) => ({
    ...(gates === undefined ? {} : { gates }),
    ...row,
  }));
}

// Build the three releases side by side before the tests are declared.
await Promise.allSettled(
  RELEASES.map((release) => goProgram("kubelet-config-check", { modfile: release.modfile })),
);

for (const release of RELEASES) {
  await testWithGoProgram(
    `kubelet ${release.minor}'s start-up code accepts what generate writes for it`,
    { name: "kubelet-config-check", modfile: release.modfile },
    async (t, program) => {
      for (const row of rows(release)) {
        const verb = row.error === undefined ? "accepts" : "refuses";
        await t.step(`kubelet ${release.minor} ${verb} ${row.name}`, async () => {
          const verdict = await kubeletVerdict(program, {
            config: await row.config(),
            executables: row.executables,
            ...(row.gates ? { gates: row.gates } : {}),
          });
          const gate = row.gates?.[TOKEN_GATE] ?? release.gateDefault;
          assertEquals(verdict, {
            kubernetes: release.module,
            defaultGates: { [TOKEN_GATE]: release.gateDefault },
            gates: { [TOKEN_GATE]: gate },
            accepted: row.error === undefined,
            ...(row.error === undefined ? {} : { error: row.error }),
          });
        });
      }
    },
  );
}
