import { assertEquals } from "../support/assert.ts";
import assert from "node:assert/strict";
import { STANDARD_DEFAULTS } from "../../src/build_config.ts";
import { permissionFlags } from "../../src/permissions.ts";
import { runCli } from "../support/run_cli.ts";
import { dockerHubMirror, type TreeEntry, withTempDir, writeTree } from "../support/temp_tree.ts";

const CONF =
  '[[registry]]\nlocation = "docker.io"\n[[registry.mirror]]\nlocation = "localhost:5000"\ninsecure = true\n';

async function mirrors(
  root: string,
  files: Record<string, TreeEntry>,
  args: readonly string[],
  env: Record<string, string> = {},
) {
  await writeTree(root, files);
  const paths = {
    ...STANDARD_DEFAULTS,
    registriesConf: `${root}/registries.conf`,
    registriesConfDir: `${root}/d`,
    home: `${root}/home`,
  };
  return await runCli(
    [
      "mirrors",
      "--registries-conf",
      paths.registriesConf,
      "--registries-conf-dir",
      paths.registriesConfDir,
      ...args,
    ],
    { permissions: permissionFlags(paths), env: { HOME: paths.home, ...env } },
  );
}

Deno.test("mirrors --json prints exactly one object", async (t) => {
  const rows: readonly { name: string; conf: string; args: string[]; json: unknown }[] = [
    {
      name: "with a mirror, for a bare name",
      conf: CONF,
      args: ["docker.io/library/nginx"],
      json: {
        image: "docker.io/library/nginx",
        registry: {
          prefix: "docker.io",
          location: "docker.io",
          insecure: false,
          blocked: false,
          mirrorByDigestOnly: false,
        },
        mirrors: [{ location: "localhost:5000", insecure: true, pullFromMirror: "all" }],
        pullSources: ["localhost:5000/library/nginx", "docker.io/library/nginx"],
      },
    },
    {
      name: "keeping the tag, from a short name",
      conf: CONF,
      args: ["nginx:1.25"],
      json: {
        image: "docker.io/library/nginx:1.25",
        registry: {
          prefix: "docker.io",
          location: "docker.io",
          insecure: false,
          blocked: false,
          mirrorByDigestOnly: false,
        },
        mirrors: [{ location: "localhost:5000", insecure: true, pullFromMirror: "all" }],
        pullSources: ["localhost:5000/library/nginx:1.25", "docker.io/library/nginx:1.25"],
      },
    },
    {
      name: "without a matching table",
      conf: CONF,
      args: ["quay.io/a/b"],
      json: { image: "quay.io/a/b", registry: null, mirrors: [], pullSources: ["quay.io/a/b"] },
    },
    {
      name: "for a blocked table",
      conf: '[[registry]]\nlocation = "quay.io"\nblocked = true\n',
      args: ["quay.io/a/b:1"],
      json: {
        image: "quay.io/a/b:1",
        registry: {
          prefix: "quay.io",
          location: "quay.io",
          insecure: false,
          blocked: true,
          mirrorByDigestOnly: false,
        },
        mirrors: [],
        pullSources: [],
      },
    },
    {
      name: "listing digest-only mirrors for a bare name, not for a tag",
      conf:
        '[[registry]]\nlocation = "quay.io"\n[[registry.mirror]]\nlocation = "d.mirror"\npull-from-mirror = "digest-only"\n',
      args: ["quay.io/a/b"],
      json: {
        image: "quay.io/a/b",
        registry: {
          prefix: "quay.io",
          location: "quay.io",
          insecure: false,
          blocked: false,
          mirrorByDigestOnly: false,
        },
        mirrors: [{ location: "d.mirror", insecure: false, pullFromMirror: "digest-only" }],
        pullSources: ["d.mirror/a/b", "quay.io/a/b"],
      },
    },
  ];
  for (const row of rows) {
    await t.step(`mirrors --json ${row.name}`, () =>
      withTempDir(async (root) => {
        const result = await mirrors(root, { "registries.conf": row.conf }, [
          "--json",
          ...row.args,
        ]);
        assertEquals([result.code, result.stderr], [0, ""]);
        assertEquals(result.stdout.endsWith("}\n") && result.stdout.split("\n").length, 2);
        assertEquals(JSON.parse(result.stdout), row.json);
      }));
  }
});

Deno.test("mirrors prints the table and its mirrors for people", () =>
  withTempDir(async (root) => {
    const result = await mirrors(root, { "registries.conf": CONF }, ["nginx"]);
    assertEquals(result.code, 0);
    assertEquals(
      result.stdout,
      [
        "image:        docker.io/library/nginx",
        'registry:     prefix "docker.io", location "docker.io"',
        "mirrors:",
        "  localhost:5000 (insecure)",
        "pull sources:",
        "  localhost:5000/library/nginx",
        "  docker.io/library/nginx",
        "",
      ].join("\n"),
    );
  }));

Deno.test("mirrors applies drop-ins when the main file is missing", () =>
  withTempDir(async (root) => {
    const result = await mirrors(root, { "d/10.conf": dockerHubMirror("dropin.mirror") }, [
      "--json",
      "nginx",
    ]);
    assertEquals(result.code, 0);
    assertEquals(JSON.parse(result.stdout).pullSources, [
      "dropin.mirror/library/nginx",
      "docker.io/library/nginx",
    ]);
  }));

Deno.test("mirrors ignores the variables only newer loaders read (D07-D09)", () =>
  withTempDir(async (root) => {
    // The process may read HOME (and clear two YAML debug switches) only; reading
    // any other variable would fail the run.
    const result = await mirrors(
      root,
      {
        "registries.conf": dockerHubMirror("main.mirror"),
        "other.conf": dockerHubMirror("other.mirror"),
      },
      ["--json", "nginx"],
      {
        CONTAINERS_REGISTRIES_CONF: `${root}/other.conf`,
        CONTAINERS_REGISTRIES_CONF_OVERRIDE: `${root}/missing.conf`,
      },
    );
    assertEquals([result.code, result.stderr], [0, ""]);
    assertEquals(JSON.parse(result.stdout).mirrors, [{
      location: "main.mirror",
      insecure: false,
      pullFromMirror: "all",
    }]);
  }));

Deno.test("mirrors fails with one line naming the file on a bad configuration", () =>
  withTempDir(async (root) => {
    const result = await mirrors(root, {
      "registries.conf": '[[registry]]\nlocation = "https://quay.io"\n',
    }, ["nginx"]);
    assertEquals(result.code, 1);
    assertEquals(result.stdout, "");
    assertEquals(
      result.stderr,
      `loading registries configuration "${root}/registries.conf": invalid location 'https://quay.io': URI schemes are not supported\n`,
    );
  }));

Deno.test("mirrors exits 2 with usage on bad arguments", async (t) => {
  const rows: readonly [string, string[], string][] = [
    ["no image", [], "Expected exactly one IMAGE argument"],
    ["two images", ["a", "b"], "Expected exactly one IMAGE argument"],
    ["an unknown flag", ["--bogus", "nginx"], "Unknown option '--bogus'"],
    [
      "an invalid image",
      ["NGINX"],
      'Invalid image reference "NGINX": invalid reference format: repository name must be lowercase',
    ],
  ];
  for (const [name, args, message] of rows) {
    await t.step(`mirrors rejects ${name}`, () =>
      withTempDir(async (root) => {
        const result = await mirrors(root, { "registries.conf": CONF }, args);
        assertEquals([result.code, result.stdout], [2, ""]);
        assert.ok(result.stderr.startsWith(message), result.stderr);
        assert.ok(result.stderr.includes("Usage: crio-credential-provider mirrors"), result.stderr);
      }));
  }
});

Deno.test("deno task mirrors works as the README shows it", () =>
  withTempDir(async (root) => {
    await writeTree(root, { "registries.conf": CONF });
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["task", "--quiet", "mirrors", "--registries-conf", `${root}/registries.conf`, "nginx"],
      cwd: new URL("../../", import.meta.url).pathname,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assertEquals(output.code, 0, new TextDecoder().decode(output.stderr));
    assert.ok(new TextDecoder().decode(output.stdout).includes("  localhost:5000/library/nginx\n"));
  }));
