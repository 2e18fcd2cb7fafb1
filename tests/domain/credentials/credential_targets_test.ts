import { assertEquals, assertThrows } from "../../support/assert.ts";
import { credentialTargets } from "../../../domain/credentials/credential_targets.ts";
import { loadRegistriesConf } from "../../../domain/registries/registries_conf.ts";

function targets(conf: string, image: string) {
  const loaded = loadRegistriesConf({ main: { path: "registries.conf", text: conf }, dropIns: [] });
  const found = credentialTargets(loaded, image);
  return { mirrors: found.mirrors, repositories: found.targets.map((t) => t.repository) };
}

Deno.test("credentialTargets() lists every repository CRI-O may contact", async (t) => {
  const rows: readonly {
    name: string;
    conf: string;
    image: string;
    mirrors: string[];
    repositories: string[];
  }[] = [
    {
      name: "mirrors, unfiltered, then the source",
      conf: '[[registry]]\nlocation = "docker.io"\nmirror-by-digest-only = true\n' +
        '[[registry.mirror]]\nlocation = "localhost:5000"\n[[registry.mirror]]\nlocation = "mirror.corp/hub"\n',
      image: "docker.io/library/nginx",
      mirrors: ["localhost:5000", "mirror.corp/hub"],
      repositories: [
        "localhost:5000/library/nginx",
        "mirror.corp/hub/library/nginx",
        "docker.io/library/nginx",
      ],
    },
    {
      name: "a rewriting location counts as a mirror (W16)",
      conf: '[[registry]]\nprefix = "registry.example/team"\nlocation = "127.0.0.1:5000/team"\n',
      image: "registry.example/team/app",
      mirrors: ["127.0.0.1:5000/team"],
      repositories: ["127.0.0.1:5000/team/app"],
    },
    {
      // containers/image never contacts it: by tag the rewrite fails, by digest the docker
      // transport refuses a reference with both a tag and a digest.
      name: "a mirror location with a tag is never a target",
      conf:
        '[[registry]]\nprefix = "docker.io/library/nginx"\nlocation = "docker.io/library/nginx"\n' +
        '[[registry.mirror]]\nlocation = "b.io/y:v1"\n[[registry.mirror]]\nlocation = "m.example.net/nginx"\n',
      image: "docker.io/library/nginx",
      mirrors: ["m.example.net/nginx"],
      repositories: ["m.example.net/nginx", "docker.io/library/nginx"],
    },
    {
      name: "a table without mirrors or rewrite has none",
      conf: '[[registry]]\nlocation = "quay.io"\n',
      image: "quay.io/a/b",
      mirrors: [],
      repositories: ["quay.io/a/b"],
    },
    {
      name: "no table has none",
      conf: '[[registry]]\nlocation = "quay.io"\n[[registry.mirror]]\nlocation = "m"\n',
      image: "docker.io/library/nginx",
      mirrors: [],
      repositories: [],
    },
    {
      name: "a wildcard table keeps the port in the rewrite",
      conf:
        '[[registry]]\nprefix = "*.example.com"\n[[registry.mirror]]\nlocation = "m.example.net"\n',
      image: "a.example.com:5000/app",
      mirrors: ["m.example.net"],
      repositories: ["m.example.net:5000/app", "a.example.com:5000/app"],
    },
  ];
  for (const row of rows) {
    await t.step(`credentialTargets() ${row.name}`, () => {
      assertEquals(targets(row.conf, row.image), {
        mirrors: row.mirrors,
        repositories: row.repositories,
      });
    });
  }
});

Deno.test("credentialTargets() fails where containers/image cannot rewrite", async (t) => {
  const rows: readonly [string, string, string][] = [
    [
      "a mirror that is no canonical name",
      '[[registry]]\nlocation = "docker.io"\n[[registry.mirror]]\nlocation = "mirror"\n',
      "rewriting reference: repository name must be canonical",
    ],
    [
      // "b.io/y:v1" + "/library/nginx": containers/image fails the whole pull the same way.
      "a mirror whose tag the rewrite leaves inside the path",
      '[[registry]]\nlocation = "docker.io"\n[[registry.mirror]]\nlocation = "b.io/y:v1"\n',
      "rewriting reference: invalid reference format",
    ],
  ];
  for (const [name, conf, message] of rows) {
    await t.step(`credentialTargets() with ${name}`, () => {
      assertThrows(() => targets(conf, "docker.io/library/nginx"), SyntaxError, message);
    });
  }
});
