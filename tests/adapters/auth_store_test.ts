import assert from "node:assert/strict";
import { assertEquals } from "../support/assert.ts";
import { createAuthStore } from "../../adapters/auth_store.ts";
import { DeadlineError } from "../../domain/errors/deadline.ts";
import { withTempDir } from "../support/temp_tree.ts";

const CONTENT = '{\n\t"auths": {}\n}\n';

async function names(dir: string): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(dir)) found.push(entry.name);
  return found.sort();
}

Deno.test("createAuthStore().write() creates a private directory and a 0600 file", () =>
  withTempDir(async (root) => {
    const dir = `${root}/etc/crio/auth`;
    await createAuthStore().write(`${dir}/default-x.json`, CONTENT);
    assertEquals(await Deno.readTextFile(`${dir}/default-x.json`), CONTENT);
    assertEquals((await Deno.stat(dir)).mode! & 0o777, 0o700);
    assertEquals((await Deno.stat(`${dir}/default-x.json`)).mode! & 0o777, 0o600);
    assertEquals(await names(dir), ["default-x.json"]);
  }));

Deno.test("createAuthStore().write() replaces an existing file atomically", () =>
  withTempDir(async (root) => {
    const path = `${root}/default-x.json`;
    await Deno.chmod(root, 0o700);
    await Deno.writeTextFile(path, "old");
    const before = await Deno.stat(path);
    await createAuthStore().write(path, CONTENT);
    const after = await Deno.stat(path);
    assertEquals(await Deno.readTextFile(path), CONTENT);
    // A rename installs a new inode; an in-place rewrite would keep the old one.
    assert.notEqual(after.ino, before.ino);
    assertEquals(await names(root), ["default-x.json"]);
  }));

Deno.test("createAuthStore().write() accepts CRI-O's own 0755 directory", () =>
  withTempDir(async (root) => {
    await Deno.chmod(root, 0o755);
    await createAuthStore({ owner: Deno.uid() ?? 0 }).write(`${root}/a.json`, CONTENT);
    assertEquals(await names(root), ["a.json"]);
  }));

Deno.test("createAuthStore().write() refuses a directory others could tamper with", async (t) => {
  const rows: readonly [string, (root: string) => Promise<string>, string, number | undefined][] = [
    [
      "a symbolic link",
      async (root) => {
        await Deno.mkdir(`${root}/real`, { mode: 0o700 });
        await Deno.symlink(`${root}/real`, `${root}/auth`);
        return `${root}/auth`;
      },
      "it is a symbolic link",
      undefined,
    ],
    [
      "a group-writable directory",
      async (root) => {
        await Deno.mkdir(`${root}/auth`);
        await Deno.chmod(`${root}/auth`, 0o775);
        return `${root}/auth`;
      },
      "it is writable by group or others (mode 0775)",
      undefined,
    ],
    [
      "a world-writable directory",
      async (root) => {
        await Deno.mkdir(`${root}/auth`);
        await Deno.chmod(`${root}/auth`, 0o1777);
        return `${root}/auth`;
      },
      "it is writable by group or others (mode 0777)",
      undefined,
    ],
    [
      "a directory of another user",
      async (root) => {
        await Deno.mkdir(`${root}/auth`, { mode: 0o700 });
        return `${root}/auth`;
      },
      "it is owned by uid",
      4242,
    ],
    [
      "a file",
      async (root) => {
        await Deno.writeTextFile(`${root}/auth`, "");
        return `${root}/auth`;
      },
      "it is not a directory",
      undefined,
    ],
  ];
  for (const [name, prepare, message, owner] of rows) {
    await t.step(`createAuthStore().write() refuses ${name}`, () =>
      withTempDir(async (root) => {
        const dir = await prepare(root);
        const store = createAuthStore(owner === undefined ? {} : { owner });
        await assert.rejects(store.write(`${dir}/a.json`, CONTENT), (error: Error) => {
          assert.ok(
            error.message.startsWith(
              `ensure auth dir ${JSON.stringify(dir)}: Refusing auth directory`,
            ),
            error.message,
          );
          assert.ok(error.message.includes(message), error.message);
          return true;
        });
      }));
  }
});

Deno.test("createAuthStore().write() leaves no temporary file when it fails", () =>
  withTempDir(async (root) => {
    await Deno.chmod(root, 0o700);
    // A directory where the file should go makes the rename fail after the temporary file is written.
    await Deno.mkdir(`${root}/a.json/x`, { recursive: true });
    await assert.rejects(
      createAuthStore().write(`${root}/a.json`, CONTENT),
      /rename temp auth file/,
    );
    assertEquals(await names(root), ["a.json"]);
  }));

Deno.test("createAuthStore().remove() says whether there was a file", () =>
  withTempDir(async (root) => {
    await Deno.writeTextFile(`${root}/a.json`, CONTENT);
    const store = createAuthStore();
    assertEquals([await store.remove(`${root}/a.json`), await store.remove(`${root}/a.json`)], [
      true,
      false,
    ]);
  }));

Deno.test("createAuthStore().sweep() removes only what earlier runs left behind", () =>
  withTempDir(async (root) => {
    const old = new Date("2026-01-01T00:00:00Z");
    const unconsumed = `default-${"a".repeat(64)}.json`;
    const fresh = `team-a-${"b".repeat(64)}.json`;
    const names_ = [
      ".auth-old.tmp",
      ".auth-new.tmp",
      unconsumed,
      fresh,
      "default-x.json",
      "old.tmp",
    ];
    for (const name of names_) await Deno.writeTextFile(`${root}/${name}`, "x");
    await Deno.mkdir(`${root}/in-use`);
    for (const name of [".auth-old.tmp", unconsumed, "default-x.json", "old.tmp", "in-use"]) {
      await Deno.utime(`${root}/${name}`, old, old);
    }
    const removed = await createAuthStore().sweep(root, new Date("2026-06-01T00:00:00Z").getTime());
    assertEquals(removed, 2);
    // Files that are not the provider's, CRI-O's in-use directory and recent files stay.
    assertEquals(await names(root), [
      ".auth-new.tmp",
      "default-x.json",
      "in-use",
      "old.tmp",
      fresh,
    ]);
    assertEquals(await createAuthStore().sweep(`${root}/missing`, Date.now()), 0);
  }));

Deno.test("createAuthStore().write() never puts a file in place after the deadline", async (t) => {
  await t.step(
    "createAuthStore().write() when the deadline has passed",
    () =>
      withTempDir(async (root) => {
        await Deno.chmod(root, 0o700);
        const controller = new AbortController();
        controller.abort();
        await assert.rejects(
          createAuthStore({ deadline: controller.signal }).write(`${root}/a.json`, CONTENT),
          (error) => error instanceof DeadlineError,
        );
        assertEquals(await names(root), []);
      }),
  );
  await t.step(
    "createAuthStore().write() when the deadline passes while it writes",
    () =>
      withTempDir(async (root) => {
        await Deno.chmod(root, 0o700);
        const controller = new AbortController();
        const writing = createAuthStore({ deadline: controller.signal }).write(
          `${root}/a.json`,
          CONTENT,
        );
        controller.abort();
        await assert.rejects(writing, (error) => error instanceof DeadlineError);
        // Neither the file nor its temporary copy (which holds credentials) is left.
        assertEquals(await names(root), []);
      }),
  );
});
