import { assertEquals, assertThrows } from "../../support/assert.ts";
import {
  decodeRegistriesToml,
  TomlDecodeError,
} from "../../../domain/registries/registries_toml.ts";

// Texts as BurntSushi toml v1.5.0 (vendored by containers/image v5.38) prints them;
// confirmed against skopeo, whose older BurntSushi spells `any` as `interface {}`.
const TYPE_ERRORS: readonly [string, string, string][] = [
  [
    "a list given as a string",
    'unqualified-search-registries = "docker.io"\n',
    'toml: line 1 (last key "unqualified-search-registries"): incompatible types: TOML value has type string; destination has type slice',
  ],
  [
    "registry as a string",
    'registry = "x"\n',
    'toml: line 1 (last key "registry"): incompatible types: TOML value has type string; destination has type slice',
  ],
  [
    "registry entries that are not tables",
    'registry = ["x"]\n',
    'toml: line 1 (last key "registry"): type mismatch for sysregistriesv2.Registry: expected table but found string',
  ],
  [
    "mirror entries that are not tables",
    "[[registry]]\nmirror = [1]\n",
    'toml: line 2 (last key "registry.mirror"): type mismatch for sysregistriesv2.Endpoint: expected table but found int64',
  ],
  [
    "a float location",
    "[[registry]]\nlocation = 1.5\n",
    'toml: line 2 (last key "registry.location"): incompatible types: TOML value has type float64; destination has type string',
  ],
  [
    "a date as short-name-mode",
    "short-name-mode = 1979-05-27\n",
    'toml: line 1 (last key "short-name-mode"): incompatible types: TOML value has type time.Time; destination has type string',
  ],
  [
    "an integer alias",
    "[aliases]\nx = 1\n",
    'toml: line 2 (last key "aliases.x"): incompatible types: TOML value has type int64; destination has type string',
  ],
  [
    "a quoted alias key",
    '[aliases]\n"quay.io/x" = 1\n',
    'toml: line 2 (last key "aliases.\\"quay.io/x\\""): incompatible types: TOML value has type int64; destination has type string',
  ],
  [
    "a single [registry] table",
    '[registry]\nlocation = "a"\n',
    'toml: line 1 (last key "registry"): incompatible types: TOML value has type map[string]any; destination has type slice',
  ],
  [
    "a single [registry.mirror] table",
    '[[registry]]\nlocation = "a"\n[registry.mirror]\nlocation = "b"\n',
    'toml: line 3 (last key "registry.mirror"): incompatible types: TOML value has type map[string]any; destination has type slice',
  ],
  [
    "an array location",
    '[[registry]]\nlocation = ["a"]\n',
    'toml: line 2 (last key "registry.location"): incompatible types: TOML value has type []any; destination has type string',
  ],
  [
    "an array of tables as a string",
    "[[short-name-mode]]\n",
    'toml: line 1 (last key "short-name-mode"): incompatible types: TOML value has type []map[string]any; destination has type string',
  ],
  [
    "the line of the key's last definition, not of the bad value",
    '[[registry]]\ninsecure = "a"\nlocation = "x"\n[[registry]]\nlocation = "y"\ninsecure = false\n',
    'toml: line 6 (last key "registry.insecure"): incompatible types: TOML value has type string; destination has type boolean',
  ],
  [
    "a V1 section as an integer",
    "registries = 1\n",
    'toml: line 1 (last key "registries"): type mismatch for sysregistriesv2.V1TOMLConfig: expected table but found int64',
  ],
  [
    "a V1 list as a string",
    '[registries.search]\nregistries = "a"\n',
    'toml: line 2 (last key "registries.search.registries"): incompatible types: TOML value has type string; destination has type slice',
  ],
  [
    "a bad value inside an inline mirror",
    '[[registry]]\nlocation = "docker.io"\nmirror = [{location = "a", insecure = "no"}]\n',
    'toml: line 3 (last key "registry.mirror.insecure"): incompatible types: TOML value has type string; destination has type boolean',
  ],
  [
    "an integer flag",
    '[[registry]]\nlocation = "x"\nblocked = 1\n',
    'toml: line 3 (last key "registry.blocked"): incompatible types: TOML value has type int64; destination has type boolean',
  ],
  [
    "a key defined twice",
    "a = 1\na = 2\n",
    "toml: line 2 (last key \"a\"): Key 'a' has already been defined.",
  ],
  [
    "a table defined twice",
    "[a]\nx=1\n[a]\ny=2\n",
    "toml: line 3: Key 'a' has already been defined.",
  ],
];

Deno.test("decodeRegistriesToml() fails like BurntSushi", async (t) => {
  for (const [name, text, message] of TYPE_ERRORS) {
    await t.step(`decodeRegistriesToml() rejects ${name}`, () => {
      assertEquals(
        assertThrows(() => decodeRegistriesToml(text), TomlDecodeError).message,
        message,
      );
    });
  }
});

Deno.test("decodeRegistriesToml() matches keys case-insensitively after exact names", () => {
  const settings = decodeRegistriesToml(
    '[[Registry]]\nLOCATION = "docker.io"\nMirror-By-Digest-Only = true\n' +
      '[[Registry.MIRROR]]\nlocation = "m"\nPull-From-Mirror = "digest-only"\n',
  );
  assertEquals(settings.registries, [{
    prefix: "",
    location: "docker.io",
    insecure: false,
    pullFromMirror: "",
    blocked: false,
    mirrorByDigestOnly: true,
    mirrors: [{ location: "m", insecure: false, pullFromMirror: "digest-only" }],
  }]);
});

Deno.test("decodeRegistriesToml() decodes a case twin into the list already there, as Go's unifySlice", async (t) => {
  const locations = (text: string) =>
    decodeRegistriesToml(text).registries?.map((r) => ({
      location: r.location,
      blocked: r.blocked,
      mirrors: r.mirrors.map((m) => `${m.location}${m.insecure ? " (insecure)" : ""}`),
    }));
  await t.step(
    "decodeRegistriesToml() keeps fields the later table does not set",
    () =>
      assertEquals(
        locations(
          '[[registry]]\nlocation = "a.example"\nblocked = true\n' +
            '[[Registry]]\nlocation = "b.example"\n',
        ),
        [{ location: "b.example", blocked: true, mirrors: [] }],
      ),
  );
  await t.step("decodeRegistriesToml() starts afresh for a longer list", () =>
    assertEquals(
      locations(
        '[[registry]]\nlocation = "a.example"\nblocked = true\n' +
          '[[Registry]]\nlocation = "b.example"\n[[Registry]]\nlocation = "c.example"\n',
      ),
      [
        { location: "b.example", blocked: false, mirrors: [] },
        { location: "c.example", blocked: false, mirrors: [] },
      ],
    ));
  // A cut slice keeps its backing array: the mirror cut away by MIRROR comes back, insecure.
  await t.step(
    "decodeRegistriesToml() brings back elements a shorter twin cut away",
    () =>
      assertEquals(
        locations(
          '[[registry]]\nlocation = "a.example"\n' +
            '[[registry.mirror]]\nlocation = "m1"\ninsecure = true\n' +
            '[[registry.mirror]]\nlocation = "m2"\ninsecure = true\n' +
            '[[registry.MIRROR]]\nlocation = "m3"\n' +
            '[[Registry]]\nlocation = "b.example"\nmirror = [{ location = "n1" }, { location = "n2" }]\n',
        ),
        [{ location: "b.example", blocked: false, mirrors: ["n1 (insecure)", "n2 (insecure)"] }],
      ),
  );
});

Deno.test("decodeRegistriesToml() tells absent lists from empty ones", () => {
  assertEquals(decodeRegistriesToml("").unqualifiedSearchRegistries, undefined);
  assertEquals(
    decodeRegistriesToml("unqualified-search-registries = []").unqualifiedSearchRegistries,
    [],
  );
  assertEquals(decodeRegistriesToml("[registries.search]\nregistries = []").v1Search, []);
  assertEquals(decodeRegistriesToml("[registries.search]\n").v1Search, undefined);
  assertEquals(decodeRegistriesToml("[aliases]\n").aliases, new Map());
});

Deno.test("decodeRegistriesToml() ignores unknown keys and sections", () => {
  const settings = decodeRegistriesToml(
    'future = 1\n[[registry]]\nlocation = "a"\nweight = [1, "x"]\n[other]\nx = {y = 1}\n',
  );
  assertEquals(settings.registries?.map((r) => r.location), ["a"]);
});

Deno.test("decodeRegistriesToml() reports syntax errors on BurntSushi's line", () => {
  const error = assertThrows(
    () => decodeRegistriesToml('[[registry]\nlocation = "docker.io"\n'),
    TomlDecodeError,
  );
  assertEquals(error.message.startsWith("toml: line 2: "), true, error.message);
});
