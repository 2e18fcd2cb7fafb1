import assert from "node:assert/strict";
import { assertEquals } from "../../support/assert.ts";
import {
  authFilePath,
  isNamespacedAuthFile,
  isTemporaryAuthFile,
} from "../../../domain/credentials/auth_file_path.ts";

// vectors.md Part P.
Deno.test("authFilePath() names the file as CRI-O expects", async (t) => {
  const rows: readonly [string, string, string, string][] = [
    [
      "/etc/crio/auth",
      "default",
      "docker.io/library/nginx",
      "/etc/crio/auth/default-7e59ad64326bc321517fb6fc6586de5ee149178394d9edfa2a877176cdf6fad5.json",
    ],
    [
      "/some/dir",
      "namespace",
      "image:latest",
      "/some/dir/namespace-baee713fe56d0f5189067a1126374bc39cd8bbca1cd980322f0c8596cd400826.json",
    ],
    [
      "/etc/crio/auth",
      "default",
      "quay.io/crio/fedora-crio-ci",
      "/etc/crio/auth/default-7aa25047c59c6c2e20b839f5b9820e3702dade4a97154d4df1f5cd1a9b44cfde.json",
    ],
    [
      "/d",
      "ns",
      "docker.io/bitnami/redis",
      "/d/ns-4f9d345bdf375ee5aecbec4c020e2961177281630cc74a1847b8c194fd4b498c.json",
    ],
    [
      "/d",
      "ns",
      "localhost:5000/app",
      "/d/ns-a2cc29f2a2fb2327dccb358cdff26f74d1cf981c3f820bab04b153be8f1698c7.json",
    ],
    [
      "/d",
      "ns",
      "quay.io/library/nginx",
      "/d/ns-625ff20570ac9248a7f628d2f3ecca8f9c9e3d500188677e102269a107a3e556.json",
    ],
    [
      "/etc/crio/auth/",
      "default",
      "docker.io/library/nginx",
      "/etc/crio/auth/default-7e59ad64326bc321517fb6fc6586de5ee149178394d9edfa2a877176cdf6fad5.json",
    ],
  ];
  for (const [dir, namespace, image, expected] of rows) {
    await t.step(`authFilePath() ${namespace} ${image}`, async () => {
      assertEquals(await authFilePath(dir, { namespace, image }), expected);
    });
  }
});

Deno.test("authFilePath() hashes the image as received, never with a tag (P07)", async () => {
  const path = await authFilePath("/etc/crio/auth", {
    namespace: "default",
    image: "docker.io/library/nginx",
  });
  assertEquals(
    path.includes("86cee2c10898a48ff47a0626f8202a2408b5893aff5df58ae10d83166e6d7b0e"),
    false,
  );
});

Deno.test("authFilePath() rejects with upstream's words (P06)", async (t) => {
  const rows: readonly [string, string, string, string][] = [
    ["dir", "default", "x", 'provided "dir" directory is not an absolute path'],
    ["", "default", "x", 'provided "" directory is not an absolute path'],
    ["/d", "", "x", "no namespace provided"],
    ["/d", "default", "", "no image ref provided"],
  ];
  for (const [dir, namespace, image, message] of rows) {
    await t.step(`authFilePath() rejects ${JSON.stringify([dir, namespace, image])}`, async () => {
      await assert.rejects(authFilePath(dir, { namespace, image }), { name: "TypeError", message });
    });
  }
});

Deno.test("isTemporaryAuthFile() recognizes only the writer's temporary files", () => {
  assertEquals(
    [".auth-1a2b.tmp", ".auth-.tmp", "default-x.json", "auth-1.tmp", ".auth-1.tmp.json"].map(
      isTemporaryAuthFile,
    ),
    [true, true, false, false, false],
  );
});

Deno.test("isNamespacedAuthFile() recognizes only the files CRI-O consumes", async (t) => {
  const hash = "7e59ad64326bc321517fb6fc6586de5ee149178394d9edfa2a877176cdf6fad5";
  const rows: readonly [string, boolean][] = [
    [`default-${hash}.json`, true],
    [`team-a-${hash}.json`, true],
    [`default-${hash.slice(1)}.json`, false],
    [`default-${hash.toUpperCase()}.json`, false],
    [`-${hash}.json`, false],
    [`default-${hash}.json.tmp`, false],
    [".auth-1a2b.tmp", false],
    ["in-use", false],
  ];
  for (const [name, expected] of rows) {
    await t.step(`isNamespacedAuthFile() on ${name}`, () => {
      assertEquals(isNamespacedAuthFile(name), expected);
    });
  }
});
