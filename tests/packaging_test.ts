/**
 * `deno task dist` and the RPM spec: reproducible artifacts with checksums
 * and an SBOM, a spec rpm parses, a source RPM built without network from
 * dist's output, and a tarball whose vendored cache builds and tests offline.
 */

import assert from "node:assert/strict";
import { assertEquals } from "./support/assert.ts";
import denoJson from "../deno.json" with { type: "json" };
import { dist } from "../packaging/dist.ts";
import { lockedPackages } from "../packaging/spdx.ts";
import { withTempDir } from "./support/temp_tree.ts";
import { testWithTools } from "./support/tools.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const NAME = `crio-credential-provider-${denoJson.version}`;
const LOCK = JSON.parse(await Deno.readTextFile(`${ROOT}deno.lock`));

async function run(command: string, args: string[], options: Deno.CommandOptions = {}) {
  const output = await new Deno.Command(command, {
    args,
    stdout: "piped",
    stderr: "piped",
    ...options,
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

async function sha256(path: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(path));
  return new Uint8Array(digest).toHex();
}

/** dist's output for the current checkout, made once for the tests below. */
const OUT = await Deno.makeTempDir({ prefix: "crio-credential-provider-dist-" });
const saved = Deno.env.get("SOURCE_DATE_EPOCH");
Deno.env.set("SOURCE_DATE_EPOCH", "1700000000");
const ARTIFACTS = await dist(`${OUT}/a`).finally(() => {
  if (saved === undefined) Deno.env.delete("SOURCE_DATE_EPOCH");
  else Deno.env.set("SOURCE_DATE_EPOCH", saved);
});
globalThis.addEventListener("unload", () => Deno.removeSync(OUT, { recursive: true }));

Deno.test("dist writes the tarball, spec, SBOM and their checksums", async () => {
  assertEquals(
    ARTIFACTS.filter((a) => !a.startsWith("crio-credential-provider") || a.includes(".")),
    [`${NAME}.spdx.json`, `${NAME}.tar.gz`, "crio-credential-provider.spec", "SHA256SUMS"],
  );
  const sums = await Deno.readTextFile(`${OUT}/a/SHA256SUMS`);
  const expected = [];
  for (const name of ARTIFACTS.filter((a) => a !== "SHA256SUMS")) {
    expected.push(`${await sha256(`${OUT}/a/${name}`)}  ${name}`);
  }
  assertEquals(sums, `${expected.join("\n")}\n`);
});

Deno.test("dist's tarball is reproducible and self-sufficient", async () => {
  const saved = Deno.env.get("SOURCE_DATE_EPOCH");
  Deno.env.set("SOURCE_DATE_EPOCH", "1700000000");
  try {
    await dist(`${OUT}/b`);
  } finally {
    if (saved === undefined) Deno.env.delete("SOURCE_DATE_EPOCH");
    else Deno.env.set("SOURCE_DATE_EPOCH", saved);
  }
  assertEquals(await sha256(`${OUT}/b/${NAME}.tar.gz`), await sha256(`${OUT}/a/${NAME}.tar.gz`));
  const listing = (await run("tar", ["-tzf", `${OUT}/a/${NAME}.tar.gz`])).stdout.split("\n");
  for (
    const path of [
      "build.ts",
      "deno.lock",
      "LICENSE",
      "src/main.ts",
      "build-stamp.json",
      "tests/domain/",
    ]
  ) {
    assert.ok(listing.includes(`${NAME}/${path}`), `${path} is in the tarball`);
  }
  for (const { name, version } of lockedPackages(LOCK)) {
    assert.ok(
      listing.includes(
        `${NAME}/vendor/deno_dir/npm/registry.npmjs.org/${name}/${version}/package.json`,
      ),
      `${name} ${version} is vendored`,
    );
  }
  // No build output and no earlier release in the sources.
  assertEquals(
    listing.filter((p) => p.startsWith(`${NAME}/dist/`) || p.startsWith(`${NAME}/build/`)),
    [],
  );
  const stamp = JSON.parse(
    (await run("tar", ["-xzOf", `${OUT}/a/${NAME}.tar.gz`, `${NAME}/build-stamp.json`])).stdout,
  );
  assertEquals(
    stamp.gitCommit,
    (await run("git", ["rev-parse", "HEAD"], { cwd: ROOT })).stdout.trim(),
  );
});

Deno.test("dist's SBOM describes every locked package", async () => {
  const sbom = JSON.parse(await Deno.readTextFile(`${OUT}/a/${NAME}.spdx.json`));
  assertEquals([sbom.spdxVersion, sbom.dataLicense, sbom.SPDXID], [
    "SPDX-2.3",
    "CC0-1.0",
    "SPDXRef-DOCUMENT",
  ]);
  assertEquals(sbom.creationInfo.created, "2023-11-14T22:13:20Z");
  const root = sbom.packages.find((p: { name: string }) => p.name === "crio-credential-provider");
  assertEquals([root.versionInfo, root.licenseDeclared], [denoJson.version, "Apache-2.0"]);
  for (const { name, version, integrity } of lockedPackages(LOCK)) {
    const entry = sbom.packages.find((p: { name: string }) => p.name === name);
    assertEquals(entry.versionInfo, version);
    assertEquals(entry.externalRefs[0].referenceLocator, `pkg:npm/${name}@${version}`);
    const hex = Uint8Array.fromBase64(integrity.slice(7)).toHex();
    assertEquals(entry.checksums, [{ algorithm: "SHA512", checksumValue: hex }]);
    assert.ok(
      sbom.relationships.some((r: Record<string, string>) =>
        r.relationshipType === "DEPENDS_ON" && r.relatedSpdxElement === entry.SPDXID
      ),
    );
  }
  assertEquals(
    sbom.packages.find((p: { name: string }) => p.name === "deno").versionInfo,
    Deno.version.deno,
  );
});

await testWithTools("rpmspec parses dist's spec", { tools: ["rpmspec"] }, async () => {
  const parsed = await run("rpmspec", ["-P", `${OUT}/a/crio-credential-provider.spec`]);
  assertEquals(parsed.code, 0, parsed.stderr);
  const spec = parsed.stdout;
  assert.match(spec, new RegExp(`^Version: +${denoJson.version.replaceAll(".", "\\.")}$`, "m"));
  assert.match(spec, /^License: +Apache-2\.0$/m);
  assert.match(spec, new RegExp(`^Source0: +${NAME}\\.tar\\.gz$`, "m"));
  assert.match(
    spec,
    /^Source1: +https:\/\/dl\.deno\.land\/release\/v2\.9\.6\/denort-x86_64-unknown-linux-gnu\.zip$/m,
  );
  assert.match(
    spec,
    /^install -D -m 0755 build\/crio-credential-provider \S+\/usr\/libexec\/kubelet-image-credential-provider-plugins\/crio-credential-provider$/m,
  );
  assert.match(spec, /^%license LICENSE$/m);
  assert.match(spec, /^%changelog$/m);
});

await testWithTools(
  "rpmbuild builds the source RPM from dist's output without network",
  { tools: ["rpmbuild", "rpm", "unshare"], root: true },
  () =>
    withTempDir(async (dir) => {
      const built = await run("unshare", [
        "--net",
        "rpmbuild",
        "-bs",
        "--without=toolchain",
        `--define=_topdir ${dir}`,
        `--define=_sourcedir ${OUT}/a`,
        `${OUT}/a/crio-credential-provider.spec`,
      ]);
      assertEquals(built.code, 0, built.stderr);
      const srpm = `${dir}/SRPMS/${NAME}-1.src.rpm`;
      assertEquals(
        (await run("rpm", ["-qpl", srpm])).stdout,
        `${NAME}.tar.gz\ncrio-credential-provider.spec\n`,
      );
    }),
);

await testWithTools(
  "the tarball bundles and tests offline with its vendored cache",
  { tools: ["unshare", "ip", "tar"], root: true },
  () =>
    withTempDir(async (dir) => {
      await run("tar", ["-xzf", `${OUT}/a/${NAME}.tar.gz`, "-C", dir]);
      const source = `${dir}/${NAME}`;
      const script = [
        "ip link set lo up",
        // Everything up to deno compile works offline; compile itself needs the packager's denort.
        `"$1" run --cached-only -A build.ts --output=${dir}/out/crio-credential-provider; echo "build: $?"`,
        `"$1" test --cached-only --unstable-net --allow-read --allow-write --allow-run --allow-env ` +
        '--allow-sys=uid --allow-net tests/domain tests/architecture_test.ts >/dev/null 2>&1; echo "tests: $?"',
      ].join("; ");
      const result = await run("unshare", ["--net", "sh", "-c", script, "sh", Deno.execPath()], {
        cwd: source,
        clearEnv: true,
        env: {
          PATH: Deno.env.get("PATH") ?? "",
          HOME: dir,
          DENO_DIR: `${source}/vendor/deno_dir`,
          NO_COLOR: "1",
        },
      });
      assertEquals(result.stdout, "build: 1\ntests: 0\n", result.stderr);
      assert.match(result.stderr, /^Cannot compile: deno compile needs the denort runtime/);
    }),
);

Deno.test({
  name: "rpmbuild builds the binary RPM offline when DENORT_BIN is set",
  ignore: Deno.env.get("DENORT_BIN") === undefined,
  fn: () =>
    withTempDir(async (dir) => {
      const built = await run("unshare", [
        "--net",
        "sh",
        "-c",
        'ip link set lo up && exec rpmbuild -bb --without=toolchain "$@"',
        "sh",
        `--define=_topdir ${dir}`,
        `--define=_sourcedir ${OUT}/a`,
        `${OUT}/a/crio-credential-provider.spec`,
      ], {
        env: { PATH: `${Deno.execPath().replace(/\/[^/]*$/, "")}:${Deno.env.get("PATH")}` },
      });
      assertEquals(built.code, 0, built.stderr);
      const rpm = (await run("sh", ["-c", `ls ${dir}/RPMS/*/${NAME}-1.*.rpm`])).stdout.trim();
      const files = await run("rpm", ["-qplv", rpm]);
      assert.match(
        files.stdout,
        /^-rwxr-xr-x .* \/usr\/libexec\/kubelet-image-credential-provider-plugins\/crio-credential-provider$/m,
      );
    }),
});
