/**
 * build.ts: the compile command it produces (permissions, targets, stamps),
 * the stamped bundle it compiles, and its failure without denort.
 */

import assert from "node:assert/strict";
import { assertEquals } from "./support/assert.ts";
import denoJson from "../deno.json" with { type: "json" };
import {
  bundleSources,
  compileArgs,
  parseBuildArgs,
  resolveStamp,
  stageSources,
  TARGETS,
} from "../build.ts";
import { vendorDenoDir } from "../packaging/dist.ts";
import { STANDARD_DEFAULTS } from "../src/build_config.ts";
import { permissionFlags } from "../src/permissions.ts";
import { DENO_DIR } from "./support/run_cli.ts";
import { withTempDir } from "./support/temp_tree.ts";
import { testWithTools } from "./support/tools.ts";

const ROOT = new URL("../", import.meta.url).pathname;

Deno.test("compileArgs() bakes in exactly the provider's permissions for the build's paths", async () => {
  const options = await parseBuildArgs([
    "--auth-dir=/var/lib/crio/auth",
    "--registries-conf=/srv/registries.conf",
    "--target=aarch64-unknown-linux-gnu",
    "--output=/srv/out/provider",
  ]);
  const defaults = {
    ...STANDARD_DEFAULTS,
    authDir: "/var/lib/crio/auth",
    registriesConf: "/srv/registries.conf",
  };
  assertEquals(options.stamp.defaults, defaults);
  assertEquals(compileArgs(options, "/stage"), [
    "compile",
    "--quiet",
    "--no-check",
    ...permissionFlags(defaults),
    "--target=aarch64-unknown-linux-gnu",
    "--output=/srv/out/provider",
    "/stage/bundle/main.js",
  ]);
  const args = compileArgs(options, "/stage").join(" ");
  for (
    const broad of [
      "--allow-all",
      " -A ",
      "--allow-read ",
      "--allow-write ",
      "--allow-run",
      "--allow-ffi",
    ]
  ) {
    assertEquals(args.includes(broad), false, `${broad} is not granted`);
  }
  assert.ok(args.includes("--allow-write=/var/lib/crio/auth,/run/systemd/journal/socket "), args);
});

Deno.test("compileArgs() grants a test root only when asked, and compiles the module graph on request", async () => {
  const plain = await parseBuildArgs([]);
  const test = await parseBuildArgs([
    "--test-root=/tmp/crio-credential-provider-tests",
    "--module-graph",
  ]);
  assertEquals(
    compileArgs(plain, "/s").some((a) => a.includes("crio-credential-provider-tests")),
    false,
  );
  assertEquals(
    compileArgs(test, "/s").filter((a) => a.includes("/tmp/crio-credential-provider-tests")).length,
    2,
  );
  assertEquals(compileArgs(test, "/s").at(-1), "/s/src/main.ts");
});

Deno.test("parseBuildArgs() knows the shipped targets and rejects others", async (t) => {
  for (const target of TARGETS) {
    await t.step(`parseBuildArgs() accepts ${target}`, async () => {
      assertEquals((await parseBuildArgs([`--target=${target}`])).target, target);
    });
  }
  await t.step("parseBuildArgs() defaults to x86_64", async () => {
    assertEquals((await parseBuildArgs([])).target, "x86_64-unknown-linux-gnu");
  });
  await t.step("parseBuildArgs() rejects an unknown target and relative defaults", async () => {
    await assert.rejects(
      parseBuildArgs(["--target=x86_64-pc-windows-msvc"]),
      /--target must be one of/,
    );
    await assert.rejects(
      parseBuildArgs(["--auth-dir=crio/auth"]),
      /--auth-dir must be an absolute path/,
    );
  });
});

Deno.test("resolveStamp() takes flags first and honours SOURCE_DATE_EPOCH", async () => {
  const saved = Deno.env.get("SOURCE_DATE_EPOCH");
  Deno.env.set("SOURCE_DATE_EPOCH", "1700000000");
  try {
    const stamp = await resolveStamp({ "git-commit": "abc123" });
    assertEquals(stamp.buildDate, "2023-11-14T22:13:20Z");
    assertEquals(stamp.gitCommit, "abc123");
    assertEquals(stamp.version, denoJson.version);
    assert.ok(
      stamp.dependencies.some((d) => d.startsWith("zod 4.6.7 sha512-")),
      stamp.dependencies.join(),
    );
    assertEquals(
      (await resolveStamp({ version: "9.9.9", "build-date": "2026-01-01T00:00:00Z" })).version,
      "9.9.9",
    );
  } finally {
    if (saved === undefined) Deno.env.delete("SOURCE_DATE_EPOCH");
    else Deno.env.set("SOURCE_DATE_EPOCH", saved);
  }
});

Deno.test("the staged bundle carries the stamps and the default paths", () =>
  withTempDir(async (dir) => {
    const stamp = {
      ...(await resolveStamp({
        "git-commit": "0123abc",
        "git-commit-date": "2026-11-01T00:00:00Z",
      })),
      buildDate: "2026-11-02T00:00:00Z",
      defaults: { ...STANDARD_DEFAULTS, authDir: "/var/lib/crio/auth" },
    };
    await stageSources(stamp, dir);
    const entry = await bundleSources(dir);
    const run = async (flag: string) =>
      new TextDecoder().decode(
        (await new Deno.Command(Deno.execPath(), {
          args: ["run", "--cached-only", ...permissionFlags(stamp.defaults), entry, flag],
          cwd: dir,
          stdout: "piped",
        }).output()).stdout,
      );
    const version = await run("--version");
    assert.match(version, new RegExp(`^Version: +${denoJson.version.replaceAll(".", "\\.")}\n`));
    assert.match(
      version,
      /\nGitCommit: +0123abc\nGitCommitDate: +2026-11-01T00:00:00Z\nBuildDate: +2026-11-02T00:00:00Z\n/,
    );
    assert.match(version, /\nDependencies:(?:\n {2}.*)*\n {2}smol-toml 1\.9\.1 sha512-/);
    assert.match(
      await run("--help"),
      /--auth-dir PATH +CRI-O's namespaced_auth_dir \(default \/var\/lib\/crio\/auth\)/,
    );
    // Tracked files are never stamped.
    assert.match(
      await Deno.readTextFile(`${ROOT}src/build_config.ts`),
      /\/\* build-stamp \*\/ null/,
    );
  }));

await testWithTools(
  "deno task build without network and without DENORT_BIN stops with one clear line",
  { tools: ["unshare"], root: true },
  () =>
    withTempDir(async (dir) => {
      // A Deno cache with the npm packages and the bundler, but no denort runtime.
      await vendorDenoDir(
        `${dir}/deno_dir`,
        JSON.parse(await Deno.readTextFile(`${ROOT}deno.lock`)),
      );
      const output = await new Deno.Command("unshare", {
        args: [
          "--net",
          Deno.execPath(),
          "task",
          "--quiet",
          "build",
          `--output=${dir}/out/crio-credential-provider`,
        ],
        cwd: ROOT,
        clearEnv: true,
        env: {
          PATH: Deno.env.get("PATH") ?? "",
          HOME: dir,
          DENO_DIR: `${dir}/deno_dir`,
          NO_COLOR: "1",
        },
        stdout: "piped",
        stderr: "piped",
      }).output();
      assertEquals(output.code, 1);
      assertEquals(
        new TextDecoder().decode(output.stderr),
        `Cannot compile: deno compile needs the denort runtime of Deno ${Deno.version.deno} for ` +
          "x86_64-unknown-linux-gnu and could not download it. Set DENORT_BIN to that denort binary " +
          "(offline builds must).\n",
      );
      await assert.rejects(Deno.stat(`${dir}/out/crio-credential-provider`), Deno.errors.NotFound);
    }),
);

Deno.test("deno task build names a DENORT_BIN that is not there", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", "build", "--output=/tmp/crio-credential-provider-never-written"],
    cwd: ROOT,
    env: { DENORT_BIN: "/nonexistent/denort", DENO_DIR, NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assertEquals(output.code, 1);
  assertEquals(
    new TextDecoder().decode(output.stderr),
    'Cannot compile: DENORT_BIN "/nonexistent/denort" is not a file\n',
  );
});

Deno.test({
  name: "deno task build with DENORT_BIN compiles a binary that answers --version",
  ignore: Deno.env.get("DENORT_BIN") === undefined,
  fn: () =>
    withTempDir(async (dir) => {
      const output = await new Deno.Command(Deno.execPath(), {
        args: [
          "task",
          "--quiet",
          "build",
          `--output=${dir}/crio-credential-provider`,
          "--git-commit=feedface",
        ],
        cwd: ROOT,
        stderr: "piped",
      }).output();
      assertEquals(output.code, 0, new TextDecoder().decode(output.stderr));
      const version = await new Deno.Command(`${dir}/crio-credential-provider`, {
        args: ["--version"],
        stdout: "piped",
      })
        .output();
      assert.match(new TextDecoder().decode(version.stdout), /\nGitCommit: +feedface\n/);
    }),
});
