import { assertEquals } from "../../support/assert.ts";
import { mergeAuths } from "../../../domain/credentials/auth_merge.ts";
import { credentialTargets } from "../../../domain/credentials/credential_targets.ts";
import { parseDockerConfig } from "../../../domain/credentials/docker_config.ts";
import type { LogLevel, PullSecret } from "../../../domain/ports.ts";
import { loadRegistriesConf } from "../../../domain/registries/registries_conf.ts";

const SU = "c3U6c3A="; // su:sp
const GU = "Z3U6Z3A="; // gu:gp

interface Row {
  readonly id: string;
  /** The source registry of the image and its mirrors, as registries.conf would say. */
  readonly registry: string;
  readonly mirrors: readonly string[];
  readonly image: string;
  readonly secrets: readonly { name: string; auths: Record<string, unknown> }[];
  readonly global?: Record<string, unknown>;
  readonly written: Record<string, unknown> | "nothing";
  /** Why the port writes something else than upstream (vectors.md Part C, upstream-contract.md §4). */
  readonly deviation?: string;
}

function secret(name: string, auths: Record<string, unknown>): PullSecret {
  return {
    name,
    type: "kubernetes.io/dockerconfigjson",
    data: { ".dockerconfigjson": JSON.stringify({ auths }) },
  };
}

function merge(row: Pick<Row, "registry" | "mirrors" | "image" | "secrets" | "global">) {
  const conf = `[[registry]]\nlocation = "${row.registry}"\n` +
    row.mirrors.map((m) => `[[registry.mirror]]\nlocation = "${m}"\n`).join("");
  const loaded = loadRegistriesConf({ main: { path: "r.conf", text: conf }, dropIns: [] });
  const logs: [LogLevel, string][] = [];
  const result = mergeAuths({
    image: row.image,
    targets: credentialTargets(loaded, row.image).targets,
    secrets: row.secrets.map((s) => secret(s.name, s.auths)),
    global: row.global === undefined
      ? { entries: [], credHelpers: new Map() }
      : parseDockerConfig(JSON.stringify({ auths: row.global }), { legacy: false }),
  }, { log: (level, message) => logs.push([level, message]) });
  return { result, logs };
}

const ROWS: readonly Row[] = [
  {
    id: "C01",
    registry: "registry.local",
    mirrors: ["mirror.quay.io", "cache.local:5000", "quay.io"],
    image: "registry.local/app/img",
    secrets: [{
      name: "s",
      auths: {
        "quay.io": { auth: SU },
        "cache.local:5000": { auth: SU },
        "registry.local": { auth: SU },
      },
    }],
    global: { "global.io": { auth: GU }, "registry.local": { auth: GU } },
    written: {
      "global.io": { auth: GU },
      "registry.local": { auth: SU },
      "quay.io": { auth: SU },
      "cache.local:5000": { auth: SU },
    },
  },
  {
    id: "C02",
    registry: "example.com",
    mirrors: ["quay.io"],
    image: "example.com/foo",
    secrets: [{ name: "s", auths: { "https://quay.io": { auth: SU } } }],
    written: { "quay.io": { auth: SU } },
  },
  {
    id: "C03",
    registry: "example.com",
    mirrors: ["quay.io/foo"],
    image: "example.com/foo",
    secrets: [{ name: "s", auths: { "https://quay.io": { auth: SU } } }],
    written: { "quay.io": { auth: SU } },
  },
  {
    id: "C04",
    registry: "registry.local",
    mirrors: ["quay.io"],
    image: "registry.local/foo",
    secrets: [{ name: "s", auths: { "http://registry.local": { auth: SU } } }],
    written: { "registry.local": { auth: SU } },
  },
  {
    id: "C05",
    registry: "nomatch.local",
    mirrors: ["cache.local:5000"],
    image: "nomatch.local/foo",
    secrets: [{ name: "s", auths: { "quay.io": { auth: SU } } }],
    global: { "keep.io": { auth: GU }, "nomatch.local": { auth: GU } },
    written: "nothing",
    deviation: "nothing from the namespace: no file, CRI-O keeps using its own global auth file",
  },
  {
    id: "C06",
    registry: "docker.io",
    mirrors: ["quay.io.evil.example"],
    image: "docker.io/library/nginx",
    secrets: [{ name: "s", auths: { "quay.io": { auth: SU } } }],
    written: "nothing",
    deviation: "W3: quay.io is another host than quay.io.evil.example",
  },
  {
    id: "C07",
    registry: "docker.io",
    mirrors: ["mirror.corp"],
    image: "docker.io/library/nginx",
    secrets: [{ name: "s", auths: { "https://index.docker.io/v1/": { auth: SU } } }],
    written: { "docker.io": { auth: SU } },
    deviation: "W7: the legacy Docker Hub key is Docker Hub",
  },
  {
    id: "C08",
    registry: "docker.io",
    mirrors: ["mirror.corp"],
    image: "docker.io/library/nginx",
    secrets: [{ name: "s", auths: { "docker.io": { auth: SU } } }],
    written: { "docker.io": { auth: SU } },
  },
  {
    id: "C09",
    registry: "docker.io",
    mirrors: ["mirror.corp/dockerhub"],
    image: "docker.io/library/nginx",
    secrets: [{ name: "s", auths: { "mirror.corp/dockerhub/library": { auth: SU } } }],
    written: { "mirror.corp/dockerhub/library": { auth: SU } },
    deviation: "W3: containers/image looks this key up for mirror.corp/dockerhub/library/nginx",
  },
  {
    id: "C10",
    registry: "docker.io",
    mirrors: ["mirror.corp"],
    image: "docker.io/library/nginx",
    secrets: [{ name: "s", auths: { "mirror.corp": { username: "u", password: "p" } } }],
    written: { "mirror.corp": { auth: "dTpw" } },
    deviation: "W6: username/password are credentials, never an empty Og==",
  },
  {
    id: "C11",
    registry: "docker.io",
    mirrors: ["mirror.corp"],
    image: "docker.io/library/nginx",
    secrets: [{ name: "s", auths: { "mirror.corp": { auth: "!!!" } } }],
    global: { "g.io": { auth: GU } },
    written: "nothing",
    deviation: "nothing usable from the namespace: no file",
  },
  {
    id: "C12",
    registry: "docker.io",
    mirrors: ["mirror.corp"],
    image: "docker.io/library/nginx",
    secrets: [{ name: "s", auths: { "mirror.corp": { auth: SU } } }],
    global: { "tok.io": { auth: GU, identitytoken: "abc" } },
    written: { "tok.io": { auth: GU, identitytoken: "abc" }, "mirror.corp": { auth: SU } },
    deviation: "W6: the global entry is kept whole, identity token included",
  },
  {
    id: "C13",
    registry: "docker.io",
    mirrors: ["mirror.corp"],
    image: "docker.io/library/nginx",
    secrets: [
      { name: "b-second", auths: { "mirror.corp": { auth: "c2Vjb25kOjI=" } } },
      { name: "a-first", auths: { "mirror.corp": { auth: "Zmlyc3Q6MQ==" } } },
    ],
    written: { "mirror.corp": { auth: "Zmlyc3Q6MQ==" } },
    deviation: "W9: the first secret by name wins, as the OpenShift design says",
  },
];

Deno.test("mergeAuths() on Part C, with the port's deliberate deviations", async (t) => {
  for (const row of ROWS) {
    await t.step(`mergeAuths() ${row.id}${row.deviation ? ` (${row.deviation})` : ""}`, () => {
      const { result } = merge(row);
      if (row.written === "nothing") {
        assertEquals(result.fromNamespace, 0);
      } else {
        assertEquals(Object.fromEntries(result.entries), row.written);
      }
    });
  }
});

Deno.test("mergeAuths() keeps the first key within a secret and skips entries without credentials", () => {
  const { result, logs } = merge({
    registry: "docker.io",
    mirrors: ["mirror.corp"],
    image: "docker.io/library/nginx",
    secrets: [{
      name: "s",
      auths: {
        "https://index.docker.io/v1/": { auth: "b25lOjE=" },
        "docker.io": { auth: "dHdvOjI=" },
        "mirror.corp": { email: "x@example.com" },
      },
    }],
    global: { "quay.io/team": {}, "quay.io": null },
  });
  assertEquals(Object.fromEntries(result.entries), { "docker.io": { auth: "b25lOjE=" } });
  assertEquals(logs.filter(([, message]) => /^(Ignoring|Skipp)/.test(message)), [
    ["debug", "Skipping global auth entry <key of 12 characters>: it has no credentials"],
    ["debug", "Skipping global auth entry <key of 7 characters>: it has no credentials"],
    ["debug", 'Ignoring registry "docker.io" of secret "s": secret "s" provides it first'],
    ["debug", 'Skipping registry "mirror.corp" of secret "s": it has no credentials'],
    ["warning", 'Skipped registry entries without credentials (1): "mirror.corp" of secret "s"'],
  ]);
});

Deno.test("mergeAuths() logs the upstream lines of scenario S1", () => {
  const { logs } = merge({
    registry: "docker.io",
    mirrors: ["localhost:5000"],
    image: "docker.io/library/nginx",
    secrets: [{
      name: "my-secret",
      auths: {
        "http://localhost:5000": {
          username: "myuser",
          password: "mypassword",
          auth: "bXl1c2VyOm15cGFzc3dvcmQ=",
        },
      },
    }],
  });
  assertEquals(logs, [
    ["info", "Parsing secret: my-secret"],
    ["info", 'Found docker config JSON auth in secret "my-secret" for "http://localhost:5000"'],
    ["info", 'Checking if mirror "localhost:5000" matches registry "localhost:5000"'],
    ["info", 'Using mirror auth "localhost:5000" for registry from secret "localhost:5000"'],
  ]);
});

Deno.test("mergeAuths() carries the global credential helpers, never a secret's", async (t) => {
  const global = parseDockerConfig(
    '{"auths":{},"credHelpers":{"mirror-b.example:5000":"examplehelper","mirror-a.example:5000":"other"}}',
    { legacy: false, credHelpers: true },
  );
  const conf =
    '[[registry]]\nlocation = "docker.io"\n[[registry.mirror]]\nlocation = "mirror-a.example:5000"\n[[registry.mirror]]\nlocation = "mirror-b.example:5000"\n';
  const loaded = loadRegistriesConf({ main: { path: "r.conf", text: conf }, dropIns: [] });
  const logs: [LogLevel, string][] = [];
  const result = mergeAuths({
    image: "docker.io/library/nginx",
    targets: credentialTargets(loaded, "docker.io/library/nginx").targets,
    secrets: [{
      name: "tenant",
      type: "kubernetes.io/dockerconfigjson",
      data: {
        ".dockerconfigjson": JSON.stringify({
          auths: { "mirror-a.example:5000": { auth: SU } },
          credHelpers: { "mirror-b.example:5000": "evil" },
        }),
      },
    }],
    global,
  }, { log: (level, message) => logs.push([level, message]) });
  await t.step("mergeAuths() keeps a helper for a registry the namespace does not provide", () => {
    assertEquals(result.credHelpers.get("mirror-b.example:5000"), "examplehelper");
  });
  await t.step("mergeAuths() leaves out a helper that would override the namespace", () => {
    assertEquals(result.credHelpers.has("mirror-a.example:5000"), false);
    assertEquals(
      logs.some(([, m]) => m.includes('global credential helper for "mirror-a.example:5000"')),
      true,
    );
  });
  await t.step("mergeAuths() never takes a helper from a secret", () => {
    assertEquals([...result.credHelpers.values()].includes("evil"), false);
  });
});

Deno.test("mergeAuths() logs a bounded number of records whatever the input size", () => {
  const count = (secrets: number, globals: number) => {
    const { logs } = merge({
      registry: "docker.io",
      mirrors: ["mirror.corp"],
      image: "docker.io/library/nginx",
      secrets: [
        ...Array.from({ length: secrets }, (_, i) => ({
          name: `s${String(i).padStart(5, "0")}`,
          auths: {
            [`other-${i}.example`]: { auth: SU },
            "mirror.corp": i % 2 === 0 ? { auth: SU } : {},
            [`u:p@bad key ${i}`]: { auth: SU },
          },
        })),
        { name: "broken", auths: { "mirror.corp": { auth: "!!" } } },
      ],
      global: Object.fromEntries(
        Array.from({ length: globals }, (_, i) => [`g${i}.example`, i % 2 ? { auth: GU } : {}]),
      ),
    });
    return logs.filter(([level]) => level !== "debug").length;
  };
  assertEquals(count(5, 5), count(2000, 1000));
});
