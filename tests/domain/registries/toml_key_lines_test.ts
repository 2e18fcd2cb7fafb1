import { assertEquals } from "../../support/assert.ts";
import { formatTomlKey, tomlKeyLines } from "../../../domain/registries/toml_key_lines.ts";

Deno.test("tomlKeyLines() records the last definition of each key path", () => {
  const text = [
    "# comment with [brackets] and key = 1",
    'top = """multi',
    'line = "not a key"',
    '"""',
    "[[registry]]",
    'location = "a" # trailing',
    "mirror = [",
    '  { location = "m1" },',
    '  { location = "m2", insecure = true },',
    "]",
    "[[registry]]",
    "prefix.dotted = 'x'",
    '"quoted.key" = 1979-05-27 07:32:00',
    "[aliases]",
    '"quay.io/x" = "y"',
  ].join("\n");
  const lines = tomlKeyLines(text);
  assertEquals(Object.fromEntries(lines), {
    top: { line: 2, by: "value" },
    registry: { line: 11, by: "array-of-tables" },
    "registry.location": { line: 6, by: "value" },
    "registry.mirror": { line: 7, by: "value" },
    "registry.mirror.location": { line: 9, by: "value" },
    "registry.mirror.insecure": { line: 9, by: "value" },
    "registry.prefix.dotted": { line: 12, by: "value" },
    'registry."quoted.key"': { line: 13, by: "value" },
    aliases: { line: 14, by: "table" },
    'aliases."quay.io/x"': { line: 15, by: "value" },
  });
});

Deno.test("formatTomlKey() quotes parts as BurntSushi's Key.String()", async (t) => {
  const rows: readonly [string[], string][] = [
    [["registry", "mirror", "insecure"], "registry.mirror.insecure"],
    [["aliases", "quay.io/x"], 'aliases."quay.io/x"'],
    [["a", ""], 'a.""'],
    [["a", 'b"c'], 'a."b\\"c"'],
  ];
  for (const [path, expected] of rows) {
    await t.step(`formatTomlKey() ${expected}`, () => assertEquals(formatTomlKey(path), expected));
  }
});
