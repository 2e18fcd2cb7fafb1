import { assertEquals } from "../support/assert.ts";
import assert from "node:assert/strict";
import {
  readRegistriesSources,
  type RegistriesLocationOptions,
} from "../../adapters/registries_files.ts";
import { loadRegistriesConf } from "../../domain/registries/registries_conf.ts";
import { findRegistry } from "../../domain/registries/registry_match.ts";
import { DISCOVERY_CASES, ETC_D, MAIN, USER_D } from "../support/discovery_vectors.ts";
import { dockerHubMirror, type TreeEntry, withTempDir, writeTree } from "../support/temp_tree.ts";

function options(root: string, explicitMain = false): RegistriesLocationOptions {
  return explicitMain
    ? { confPath: `${root}/${MAIN}`, root, home: `${root}/home` }
    : { root, home: `${root}/home` };
}

Deno.test("readRegistriesSources() discovers files as the classic loader", async (t) => {
  for (const c of DISCOVERY_CASES) {
    await t.step(`readRegistriesSources() ${c.name}`, () =>
      withTempDir(async (root) => {
        await writeTree(root, c.files);
        const conf = loadRegistriesConf(await readRegistriesSources(options(root, c.explicitMain)));
        const mirrors = findRegistry(conf, "docker.io/library/nginx")?.mirrors;
        assertEquals(mirrors?.map((m) => m.location), c.mirrors);
      }));
  }
});

Deno.test("readRegistriesSources() explicit drop-in directory replaces both defaults", () =>
  withTempDir(async (root) => {
    await writeTree(root, {
      [MAIN]: dockerHubMirror("main.mirror"),
      [`${ETC_D}/50.conf`]: dockerHubMirror("etc.mirror"),
      [`${USER_D}/60.conf`]: dockerHubMirror("user.mirror"),
      "srv/d/10.conf": dockerHubMirror("explicit.mirror"),
    });
    const read = await readRegistriesSources({ ...options(root), confDirPath: `${root}/srv/d` });
    assertEquals(read.locations.dropInDirs, [`${root}/srv/d`]);
    assertEquals(read.dropIns.map((d) => d.path), [`${root}/srv/d/10.conf`]);
  }));

async function mkfifo(path: string): Promise<void> {
  const { success } = await new Deno.Command("mkfifo", { args: [path] }).output();
  if (!success) throw new Error(`Cannot create FIFO ${path}`);
}

Deno.test("readRegistriesSources() fails, naming the path, where a file cannot be read", async (t) => {
  const rows: readonly {
    name: string;
    files: Record<string, TreeEntry>;
    fifo?: string;
    path: string;
    detail: string;
  }[] = [
    {
      name: "a directory as the main file",
      files: { [`${MAIN}/x`]: "" },
      path: MAIN,
      detail: ": not a regular file",
    },
    {
      name: "a drop-in that links to a directory",
      files: { [MAIN]: "", [`${ETC_D}/y.conf`]: { symlink: "../../../srv" }, "srv/z": "" },
      path: `${ETC_D}/y.conf`,
      detail: ": not a regular file",
    },
    {
      name: "a symlink loop as the main file",
      files: { [MAIN]: { symlink: "registries.conf" } },
      path: MAIN,
      detail: "",
    },
    // A FIFO would block the read for ever; it is refused before it is opened.
    {
      name: "a FIFO as the main file",
      files: {},
      fifo: MAIN,
      path: MAIN,
      detail: ": not a regular file",
    },
    {
      name: "a FIFO among the drop-ins",
      files: { [MAIN]: "", [`${ETC_D}/10.conf`]: "" },
      fifo: `${ETC_D}/20.conf`,
      path: `${ETC_D}/20.conf`,
      detail: ": not a regular file",
    },
  ];
  for (const row of rows) {
    await t.step(`readRegistriesSources() with ${row.name}`, () =>
      withTempDir(async (root) => {
        await writeTree(root, row.files);
        if (row.fifo !== undefined) {
          await Deno.mkdir(`${root}/${row.fifo}`.replace(/\/[^/]*$/, ""), { recursive: true });
          await mkfifo(`${root}/${row.fifo}`);
        }
        await assert.rejects(readRegistriesSources(options(root)), (error: Error) => {
          assertEquals(
            error.message,
            `Cannot read registries configuration ${
              JSON.stringify(`${root}/${row.path}`)
            }${row.detail}`,
          );
          return true;
        });
      }));
  }
});
