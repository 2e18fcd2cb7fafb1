/**
 * The MachineConfigs `generate machineconfig` writes, read by the real
 * parsers: each stream split and converted as `oc apply -f` does, each
 * Ignition config parsed by coreos/ignition's config/v3_5 at the version
 * the Machine Config Operator of 4.21 and 4.22 vendors (no error, warning
 * or info allowed), each file decoded as Ignition's fetcher does
 * (`tests/ignition/cmd/ignition-check`). Every file must be exactly the
 * intended bytes: the platform's default provider config, verbatim, then
 * this provider's entry (see `support/openshift_provider_files.ts`).
 *
 * The article this project started from (its Butane config and the
 * MachineConfig Butane made of it, in `testdata/generate/article-*`) is the
 * calibration: its two gzip-compressed files decode to exactly its Butane
 * inline texts, and the same two texts fed to this generator's encoder
 * (`machineConfig()`, uncompressed data URLs) decode to the same bytes.
 */

import { Document, parse as parseYaml } from "yaml";
import { machineConfig } from "../domain/deployment/openshift.ts";
import { parseCredentialProviderConfig } from "../domain/deployment/kubelet_config_file.ts";
import { assertEquals } from "./support/assert.ts";
import { testWithGoProgram } from "./support/go_oracle.ts";
import {
  check,
  type CheckedMachineConfig,
  cleanParse,
  decoded,
  decodedMachineConfig,
  IGNITION_CHECK,
} from "./support/ignition_check.ts";
import {
  generate,
  intendedProviderFile,
  platformDefaultFile,
  type PlatformFile,
  PLATFORMS,
} from "./support/openshift_provider_files.ts";

const GOLDEN = new URL("./testdata/generate/", import.meta.url).pathname;

const ONE_PATTERN = ["--match-image", "docker.io"];
const FLAGS = [...ONE_PATTERN, "--match-image", "quay.io/team"];
const LEAST_PRIVILEGE = [
  "--match-image",
  "docker.io",
  "--secret-annotation",
  "--arg=--auth-dir=/run/crio/auth",
];

await testWithGoProgram(
  "generated MachineConfigs parse cleanly with Ignition v3_5 and write the intended file",
  IGNITION_CHECK,
  async (t, oracle) => {
    const rows: {
      name: string;
      openshift: string;
      platform: string;
      flags: string[];
      yaml: () => Promise<string>;
    }[] = [];
    // Every machineconfig golden, with the flags generate_command_test.ts writes it with.
    const goldenFlags: Readonly<Record<string, readonly string[]>> = {
      "4.21": FLAGS,
      "4.22": ONE_PATTERN,
    };
    const goldens = [];
    for await (const entry of Deno.readDir(GOLDEN)) {
      const match = /^machineconfig-(4\.\d+)-(\w+)\.yaml$/.exec(entry.name);
      if (match) goldens.push({ name: entry.name, openshift: match[1]!, platform: match[2]! });
    }
    assertEquals(
      goldens.map((g) => g.name).sort(),
      Object.keys(goldenFlags).flatMap((v) =>
        PLATFORMS.map(({ platform }) => `machineconfig-${v}-${platform}.yaml`)
      ).sort(),
    );
    for (const golden of goldens.sort((a, b) => a.name.localeCompare(b.name))) {
      rows.push({
        name: `golden ${golden.name}`,
        openshift: golden.openshift,
        platform: golden.platform,
        flags: [...goldenFlags[golden.openshift]!],
        yaml: () => Deno.readTextFile(`${GOLDEN}${golden.name}`),
      });
    }
    // Fresh output for every supported version and platform, also in least-privilege form.
    for (const { platform } of PLATFORMS) {
      for (const openshift of ["4.21", "4.22"]) {
        for (const flags of [FLAGS, LEAST_PRIVILEGE]) {
          rows.push({
            name: `generate machineconfig --openshift-version ${openshift} --platform ${platform} ${
              flags.join(" ")
            }`,
            openshift,
            platform,
            flags,
            yaml: async () => {
              const args = [
                "machineconfig",
                "--openshift-version",
                openshift,
                "--platform",
                platform,
              ];
              const result = await generate([...args, ...flags]);
              assertEquals([result.code, result.stderr], [0, ""]);
              return result.stdout;
            },
          });
        }
      }
    }
    const answers = await check(oracle, await Promise.all(rows.map((row) => row.yaml())));
    for (const [index, row] of rows.entries()) {
      await t.step(
        `${row.name} parses cleanly and writes the platform's file plus ours`,
        async () => {
          const answer = answers[index]!;
          const intended = await intendedProviderFile(row.openshift, row.platform, row.flags);
          assertEquals({
            error: answer.error,
            kinds: answer.kinds,
            machineConfigs: answer.machineConfigs.map(decodedMachineConfig),
          }, {
            error: undefined,
            // 4.22 ships the kubelet restart policy itself.
            kinds: row.openshift === "4.21"
              ? ["MachineConfig", "MachineConfiguration"]
              : ["MachineConfig"],
            machineConfigs: [cleanParse("99-worker-crio-credential-provider", [intended])],
          });
        },
      );
    }
  },
);

/** The article's Butane config: each file's path, mode and inline text. */
async function articleFiles(): Promise<PlatformFile[]> {
  // YAML 1.1, as Butane reads it (yaml.v3): `mode: 0644` is octal, 420.
  const text = await Deno.readTextFile(`${GOLDEN}article-machine-config.bu`);
  const butane = parseYaml(text, { version: "1.1" }) as {
    storage: { files: { path: string; mode: number; contents: { inline: string } }[] };
  };
  return butane.storage.files.map((f) => ({
    path: f.path,
    mode: f.mode,
    contents: f.contents.inline,
  }));
}

await testWithGoProgram(
  "the article's two files come out of Ignition exactly as written, from Butane's gzip and from our encoder",
  IGNITION_CHECK,
  async (t, oracle) => {
    const files = await articleFiles();
    const ours = files.map((file, index) =>
      new Document(
        machineConfig({
          name: `99-worker-article-${index}`,
          path: file.path,
          contents: file.contents,
        }),
      )
        .toString({ lineWidth: 0 })
    );
    const [article, ...encoded] = await check(oracle, [
      await Deno.readTextFile(`${GOLDEN}article-machine-config.yaml`),
      ...ours,
    ]);
    await t.step(
      "the article's MachineConfig parses cleanly and gunzips to its Butane inline texts",
      () => {
        assertEquals(
          article!.machineConfigs.map(decodedMachineConfig),
          [cleanParse("99-worker-crio-credential-provider-config", files, "gzip")],
        );
      },
    );
    for (const [index, file] of files.entries()) {
      await t.step(
        `machineConfig() with the article's ${file.path} decodes to the same bytes`,
        () => {
          assertEquals(
            encoded[index]!.machineConfigs.map(decodedMachineConfig),
            [cleanParse(`99-worker-article-${index}`, [{ ...file, mode: 420 }])],
          );
        },
      );
    }
    await t.step(
      "generate machineconfig for AWS writes the article's provider entry after ECR's",
      async () => {
        // The article's file drops the platform's provider; ours keeps it and adds the same entry.
        const result = await generate([
          "machineconfig",
          "--openshift-version",
          "4.21",
          "--platform",
          "aws",
          "--match-image",
          "docker.io",
        ]);
        const [answer] = await check(oracle, [result.stdout]);
        const written = decoded(answer!.machineConfigs[0]!.files![0]!).contents;
        const aws = await platformDefaultFile("aws");
        const kubelet = (text: string) =>
          parseCredentialProviderConfig(text, { minor: 34 }).providers;
        assertEquals(kubelet(written), [...kubelet(aws.contents), ...kubelet(files[0]!.contents)]);
      },
    );
  },
);

await testWithGoProgram(
  "ignition-check reports what the Machine Config Operator would refuse",
  IGNITION_CHECK,
  async (t, oracle) => {
    const golden = await Deno.readTextFile(`${GOLDEN}machineconfig-4.22-aws.yaml`);
    const article = await Deno.readTextFile(`${GOLDEN}article-machine-config.yaml`);
    // What matters of an answer here: the parse error, the report, and how the first file starts.
    const summary = (mc: CheckedMachineConfig) => ({
      error: mc.error,
      report: mc.report,
      start: mc.files?.[0]?.contents.slice(0, 4),
    });
    const rows: readonly [string, string, ReturnType<typeof summary>][] = [
      ["the golden as it is", golden, { error: undefined, report: [], start: "YXBp" }],
      [
        "a misspelt key",
        golden.replace("compression:", "compresion:"),
        {
          error: undefined,
          report: [
            "warning at $.storage.files.0.contents.compresion, line 1 col 66: Unused key compresion",
          ],
          start: "YXBp",
        },
      ],
      [
        "Ignition 3.6.0, which the 4.21 and 4.22 operator cannot read",
        golden.replace("version: 3.5.0", "version: 3.6.0"),
        { error: "unsupported config version", report: [], start: undefined },
      ],
      [
        "an unknown compression",
        golden.replace('compression: ""', "compression: xz"),
        {
          error: "config is not valid",
          report: [
            "error at $.storage.files.0.contents.compression, line 1 col 80: invalid compression method",
          ],
          start: undefined,
        },
      ],
      [
        "gzip contents declared uncompressed (the gzip bytes come out as they are)",
        article.replaceAll("compression: gzip", 'compression: ""'),
        { error: undefined, report: [], start: "H4sI" },
      ],
      [
        "a gzip stream whose length does not match",
        article.replace("tTtvdHwBAAA=", "tTtvdHwCAAA="),
        {
          error:
            "decoding /etc/kubernetes/credential-providers/ecr-credential-provider.yaml: gzip: invalid checksum",
          report: [],
          start: undefined,
        },
      ],
    ];
    const answers = await check(oracle, rows.map(([, yaml]) => yaml));
    for (const [index, [name, , expected]] of rows.entries()) {
      await t.step(`ignition-check reports ${name}`, () => {
        assertEquals(summary(answers[index]!.machineConfigs[0]!), expected);
      });
    }
  },
);
