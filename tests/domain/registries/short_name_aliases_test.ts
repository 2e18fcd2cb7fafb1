import { assertEquals, assertThrows } from "../../support/assert.ts";
import { validateShortNameAliases } from "../../../domain/registries/short_name_aliases.ts";

Deno.test("validateShortNameAliases() keeps valid aliases normalized", () => {
  const aliases = validateShortNameAliases(
    new Map([["ubi", "registry.access.redhat.com/ubi9"], ["foo/bar", "localhost/bar"], [
      "gone",
      "",
    ]]),
  );
  assertEquals(
    aliases,
    new Map([
      ["ubi", "registry.access.redhat.com/ubi9"],
      ["foo/bar", "localhost/bar"],
      ["gone", undefined],
    ]),
  );
});

Deno.test("validateShortNameAliases() rejects like containers/image", async (t) => {
  const rows: readonly [string, string, string][] = [
    [
      "image1",
      "quay.io/repo/image:1",
      'invalid alias "quay.io/repo/image:1": must not contain tag',
    ],
    [
      "image1",
      `quay.io/repo/image@sha256:${"a".repeat(64)}`,
      `invalid alias "quay.io/repo/image@sha256:${"a".repeat(64)}": must not contain digest`,
    ],
    ["image1", "repo/image", 'invalid alias "repo/image": must contain registry and repository'],
    ["image1", "Quay.io/Repo", 'parsing alias "Quay.io/Repo": repository name must be lowercase'],
    ["img:1", "quay.io/img", 'invalid short name "img:1": must not contain tag'],
    ["quay.io/img", "quay.io/img", 'invalid short name "quay.io/img": must not contain registry'],
    [
      "localhost/img",
      "quay.io/img",
      'invalid short name "localhost/img": must not contain registry',
    ],
    ["Img", "quay.io/img", 'cannot parse short name: "Img": repository name must be lowercase'],
  ];
  for (const [name, value, message] of rows) {
    await t.step(`validateShortNameAliases() rejects ${name} = ${value}`, () => {
      const error = assertThrows(
        () => validateShortNameAliases(new Map([[name, value]])),
        SyntaxError,
      );
      assertEquals(error.message, message);
    });
  }
});

Deno.test("validateShortNameAliases() lists every problem, one per line", () => {
  const error = assertThrows(
    () => validateShortNameAliases(new Map([["a:1", "x/y"], ["b", "quay.io/b:2"]])),
    SyntaxError,
  );
  assertEquals(
    error.message,
    'invalid short name "a:1": must not contain tag\n' +
      'invalid alias "x/y": must contain registry and repository\n' +
      'invalid alias "quay.io/b:2": must not contain tag',
  );
});
