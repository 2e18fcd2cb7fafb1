import { assertEquals, assertThrows } from "../../support/assert.ts";
import {
  parseNormalizedReference,
  referenceString,
} from "../../../domain/registries/image_reference.ts";
import { pullSources, rewriteReference } from "../../../domain/registries/pull_sources.ts";
import { loadRegistriesConf } from "../../../domain/registries/registries_conf.ts";

function plan(conf: string, image: string, digested?: boolean): [string, boolean][] {
  const loaded = loadRegistriesConf({ main: { path: "registries.conf", text: conf }, dropIns: [] });
  const reference = parseNormalizedReference(image);
  const options = digested === undefined ? {} : { digested };
  return pullSources(loaded, reference, options).sources.map((
    s,
  ) => [referenceString(s.reference), s.blocked]);
}

Deno.test("pullSources() marks each endpoint blocked by its own name", async (t) => {
  const rows: readonly {
    name: string;
    conf: string;
    image: string;
    expected: [string, boolean][];
  }[] = [
    {
      name: "a blocked primary still has its mirror tried",
      conf: '[[registry]]\nlocation = "r.example.com"\nblocked = true\n' +
        '[[registry.mirror]]\nlocation = "m.example.net"\n',
      image: "r.example.com/app:1",
      expected: [["m.example.net/app:1", false], ["r.example.com/app:1", true]],
    },
    {
      name: "a mirror blocked by a namespace table",
      conf:
        '[[registry]]\nlocation = "r.example.com"\n[[registry.mirror]]\nlocation = "m.example.net/x"\n' +
        '[[registry]]\nlocation = "m.example.net/x"\nblocked = true\n',
      image: "r.example.com/app:1",
      expected: [["m.example.net/x/app:1", true], ["r.example.com/app:1", false]],
    },
    {
      name: "a blocked namespace blocks the primary under it",
      conf:
        '[[registry]]\nprefix = "docker.io/library"\nlocation = "docker.io/library"\nblocked = true\n',
      image: "nginx:1",
      expected: [["docker.io/library/nginx:1", true]],
    },
    {
      name: "a rewritten primary is looked up under its new name",
      conf: '[[registry]]\nprefix = "example.com/foo"\nlocation = "internal.example.com/bar"\n' +
        '[[registry]]\nlocation = "internal.example.com"\nblocked = true\n',
      image: "example.com/foo/img:1",
      expected: [["internal.example.com/bar/img:1", true]],
    },
    {
      name: "no table: the reference itself",
      conf: "",
      image: "quay.io/a/b:1",
      expected: [["quay.io/a/b:1", false]],
    },
    {
      name: "a wildcard table without location keeps the name",
      conf:
        '[[registry]]\nprefix = "*.example.com"\n[[registry.mirror]]\nlocation = "m.example.net"\n',
      image: "a.example.com:5000/app:1",
      expected: [["m.example.net:5000/app:1", false], ["a.example.com:5000/app:1", false]],
    },
  ];
  for (const row of rows) {
    await t.step(`pullSources() ${row.name}`, () => {
      assertEquals(plan(row.conf, row.image), row.expected);
    });
  }
});

Deno.test("pullSources() filters mirrors by tag or digest", async (t) => {
  const conf = '[[registry]]\nlocation = "r.example.com"\n' +
    '[[registry.mirror]]\nlocation = "d.mirror"\npull-from-mirror = "digest-only"\n' +
    '[[registry.mirror]]\nlocation = "t.mirror"\npull-from-mirror = "tag-only"\n' +
    '[[registry.mirror]]\nlocation = "a.mirror"\n';
  const digest = `sha256:${"a".repeat(64)}`;
  const rows: readonly [string, string, boolean | undefined, string[]][] = [
    ["a tag", "r.example.com/app:1", undefined, [
      "t.mirror/app:1",
      "a.mirror/app:1",
      "r.example.com/app:1",
    ]],
    ["a digest", `r.example.com/app@${digest}`, undefined, [
      `d.mirror/app@${digest}`,
      `a.mirror/app@${digest}`,
      `r.example.com/app@${digest}`,
    ]],
    ["a bare name as a digest pull", "r.example.com/app", true, [
      "d.mirror/app",
      "a.mirror/app",
      "r.example.com/app",
    ]],
  ];
  for (const [name, image, digested, expected] of rows) {
    await t.step(`pullSources() for ${name}`, () => {
      assertEquals(plan(conf, image, digested).map(([source]) => source), expected);
    });
  }
});

Deno.test("rewriteReference() fails on a non-canonical result", async (t) => {
  const rows: readonly [string, string, string][] = [
    [
      "docker.io/library/nginx:1",
      "mirror",
      "rewriting reference: repository name must be canonical",
    ],
    [
      "docker.io/library/nginx:1",
      "docker.io",
      "rewriting reference: repository name must be canonical",
    ],
    [
      "a.sub.example.io:5000/lib/img:1",
      "mirror.example.com/x",
      "rewriting reference: invalid reference format",
    ],
  ];
  for (const [image, location, message] of rows) {
    await t.step(`rewriteReference() ${image} to ${location}`, () => {
      const reference = parseNormalizedReference(image);
      const prefix = image.startsWith("a.sub") ? "*.sub.example.io" : "docker.io/library";
      const error = assertThrows(
        () => rewriteReference(reference, { prefix, location }),
        SyntaxError,
      );
      assertEquals(error.message, message);
    });
  }
});
