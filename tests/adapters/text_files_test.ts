import assert from "node:assert/strict";
import { assertEquals } from "../support/assert.ts";
import { readTextIfExists } from "../../adapters/text_files.ts";
import { withTempDir } from "../support/temp_tree.ts";

Deno.test("readTextIfExists() reads regular files and says when there is none", () =>
  withTempDir(async (root) => {
    await Deno.writeTextFile(`${root}/config.json`, "{}");
    await Deno.symlink(`${root}/config.json`, `${root}/link.json`);
    assertEquals(await readTextIfExists(`${root}/config.json`), "{}");
    assertEquals(await readTextIfExists(`${root}/link.json`), "{}");
    assertEquals(await readTextIfExists(`${root}/missing.json`), undefined);
  }));

Deno.test("readTextIfExists() refuses what is not a regular file, without blocking", async (t) => {
  const rows: readonly [string, (path: string) => Promise<unknown>, string][] = [
    ["a directory", (path) => Deno.mkdir(path), ": not a regular file"],
    // Opening a FIFO for reading would wait for a writer for ever.
    [
      "a FIFO",
      (path) => new Deno.Command("mkfifo", { args: [path] }).output(),
      ": not a regular file",
    ],
    ["a symlink loop", (path) => Deno.symlink(path, path), ""],
  ];
  for (const [name, make, detail] of rows) {
    await t.step(`readTextIfExists() on ${name}`, () =>
      withTempDir(async (root) => {
        const path = `${root}/config.json`;
        await make(path);
        await assert.rejects(readTextIfExists(path, "global auth file"), (error: Error) => {
          assertEquals(
            error.message,
            `Cannot read global auth file ${JSON.stringify(path)}${detail}`,
          );
          return true;
        });
      }));
  }
});
