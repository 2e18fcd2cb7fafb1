/**
 * Credential lookup against the containers/image that CRI-O 1.36 vendors
 * (`pkg/docker/config` of `go.podman.io/image/v5` v5.38.0, through
 * `tests/cimage/cmd/cimage-oracle`):
 *
 * - the A vectors of the specification (`vectors.md` Part A): each auth file
 *   as given, each lookup as given (`GetCredentials` with the key);
 * - random pull-secret sets merged the way the provider merges them
 *   (`credentialTargets`, `mergeAuths`, `encodeAuthFile`, and no file when
 *   there is no mirror or no namespace credential): for every pull source
 *   v5.38 tries for the image (tag and digest pulls), `GetCredentialsForRef`
 *   on the written file must return the credential the specification says
 *   (`auth-files.md` §7): that of the most specific matching key, the first
 *   secret by name winning a key, and none where no key matches — never
 *   another host's.
 *
 * Replay with `CIMAGE_CREDENTIALS_SEED=<seed>`; `CIMAGE_CREDENTIALS_CASES`
 * sets the number of random secret sets (default 1000).
 */

import { assertEquals } from "./support/assert.ts";
import { encodeAuthFile } from "../domain/credentials/auth_file_json.ts";
import { mergeAuths } from "../domain/credentials/auth_merge.ts";
import { credentialTargets } from "../domain/credentials/credential_targets.ts";
import type { PullSecret } from "../domain/ports.ts";
import { loadRegistriesConf } from "../domain/registries/registries_conf.ts";
import {
  askCimage,
  CimageSession,
  type CredentialsAnswer,
  type RegistriesAnswer,
  testWithCimageOracle,
} from "./support/cimage_oracle.ts";
import { Random } from "./support/random_registries.ts";
import { withTempDir } from "./support/temp_tree.ts";

const SEED = Number(
  Deno.env.get("CIMAGE_CREDENTIALS_SEED") ?? Math.floor(Math.random() * 2 ** 31),
);
const CASES = Number(Deno.env.get("CIMAGE_CREDENTIALS_CASES") ?? 1000);

// ---------------------------------------------------------------------------
// Part A.

type Expected =
  | { readonly user: string; readonly password: string; readonly identityToken?: string }
  | "none"
  | { readonly error: string };

interface AVector {
  readonly id: string;
  /** The file's text; `legacy` for the `.dockercfg` format (`LegacyFormatAuthFilePath`). */
  readonly file: string;
  readonly legacy?: boolean;
  readonly lookups: readonly (readonly [key: string, expected: Expected])[];
}

const up = (user: string, password: string, identityToken?: string): Expected => ({
  user,
  password,
  ...(identityToken === undefined ? {} : { identityToken }),
});

/** `vectors.md` Part A, transcribed. */
const A_VECTORS: readonly AVector[] = [
  {
    id: "A01 most specific key first",
    file:
      '{"auths": {"quay.io": {"auth": "aG9zdDpo"}, "quay.io/user": {"auth": "bnM6bg=="}, "quay.io/user/image": {"auth": "cmVwbzpy"}}}',
    lookups: [
      ["quay.io/user/image", up("repo", "r")],
      ["quay.io/user/other", up("ns", "n")],
      ["quay.io/other/image", up("host", "h")],
      ["quay.io", up("host", "h")],
    ],
  },
  {
    id: "A02 docker.io library namespace",
    file:
      '{"auths": {"docker.io/library": {"auth": "bGliOmw="}, "docker.io": {"auth": "aHViOmg="}}}',
    lookups: [
      ["docker.io/library/nginx", up("lib", "l")],
      ["docker.io/bitnami/redis", up("hub", "h")],
    ],
  },
  {
    id: "A03 legacy docker hub key with scheme and /v1/",
    file: '{"auths": {"https://index.docker.io/v1/": {"auth": "bGVnYWN5Omh1Yg=="}}}',
    lookups: [
      ["docker.io/library/nginx", up("legacy", "hub")],
      ["index.docker.io/library/nginx", up("legacy", "hub")],
      ["registry-1.docker.io/library/nginx", up("legacy", "hub")],
    ],
  },
  {
    id: "A04 index.docker.io key without scheme",
    file: '{"auths": {"index.docker.io": {"auth": "aWR4Omh1Yg=="}}}',
    lookups: [["docker.io/library/nginx", up("idx", "hub")]],
  },
  {
    id: "A05 registry-1.docker.io key",
    file: '{"auths": {"registry-1.docker.io": {"auth": "cjE6aHVi"}}}',
    lookups: [["docker.io/library/nginx", up("r1", "hub")]],
  },
  {
    id: "A06 exact docker.io beats index.docker.io",
    file:
      '{"auths": {"index.docker.io": {"auth": "aWR4Ong="}, "docker.io": {"auth": "cGxhaW46eQ=="}}}',
    lookups: [["docker.io/library/nginx", up("plain", "y")]],
  },
  {
    id: "A07 scheme+path key for another registry",
    file: '{"auths": {"https://quay.io/v1/": {"auth": "cTox"}}}',
    lookups: [["quay.io/foo/bar", up("q", "1")]],
  },
  {
    id: "A08 schemeless key with path suffix is not normalised",
    file: '{"auths": {"quay.io/v1/": {"auth": "cTox"}}}',
    lookups: [["quay.io/foo/bar", "none"], ["quay.io/v1", "none"]],
  },
  {
    id: "A09 http:// key",
    file: '{"auths": {"http://localhost": {"auth": "bG9jYWw6aG9zdA=="}}}',
    lookups: [["localhost/foo", up("local", "host")], ["localhost:5000/foo", "none"]],
  },
  {
    id: "A10 port must match",
    file:
      '{"auths": {"localhost:5000": {"auth": "bDo1MDAw"}, "localhost": {"auth": "bDpub3BvcnQ="}}}',
    lookups: [
      ["localhost:5000/foo", up("l", "5000")],
      ["localhost:5001/foo", "none"],
      ["localhost/foo", up("l", "noport")],
    ],
  },
  {
    id: "A11 namespace keys match whole path segments only",
    file:
      '{"auths": {"example.org/repo": {"auth": "cmVwbzp4"}, "example.org": {"auth": "aG9zdDp5"}}}',
    lookups: [
      ["example.org/repo/image", up("repo", "x")],
      ["example.org/repository/image", up("host", "y")],
      ["example.org/repo", up("repo", "x")],
    ],
  },
  {
    id: "A12 mirror physical reference lookup",
    file:
      '{"auths": {"mirror.corp/dockerhub": {"auth": "bTpucw=="}, "mirror.corp": {"auth": "bTpob3N0"}, "docker.io": {"auth": "aHViOmg="}}}',
    lookups: [
      ["mirror.corp/dockerhub/library/nginx", up("m", "ns")],
      ["mirror.corp/other/library/nginx", up("m", "host")],
      ["docker.io/library/nginx", up("hub", "h")],
    ],
  },
  {
    id: "A13 empty auth at a more specific key shadows the host key",
    file: '{"auths": {"quay.io/team": {}, "quay.io": {"auth": "aG9zdDpo"}}}',
    lookups: [["quay.io/team/app", "none"], ["quay.io/other/app", up("host", "h")]],
  },
  {
    id: "A14 auth without colon is ignored (and shadows)",
    file: '{"auths": {"quay.io/team": {"auth": "bm9jb2xvbg=="}, "quay.io": {"auth": "aG9zdDpo"}}}',
    lookups: [["quay.io/team/app", "none"]],
  },
  {
    id: "A15 invalid base64 is an error",
    file: '{"auths": {"quay.io": {"auth": "!!notbase64!!"}}}',
    lookups: [["quay.io/app", { error: "illegal base64 data at input byte 0" }]],
  },
  {
    id: "A16 identity token",
    file:
      '{"auths": {"example.org": {"auth": "MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAwOg==", "identitytoken": "tok"}}}',
    lookups: [["example.org/app", up("00000000-0000-0000-0000-000000000000", "", "tok")]],
  },
  {
    id: "A17 password NUL trimmed, colon in password kept",
    file: '{"auths": {"example.org": {"auth": "dXNlcjpwYTpzcwAA"}}}',
    lookups: [["example.org/app", up("user", "pa:ss")]],
  },
  {
    id: "A18 username/password JSON fields are ignored by containers/image",
    file: '{"auths": {"example.org": {"username": "u", "password": "p"}}}',
    lookups: [["example.org/app", "none"]],
  },
  {
    id: "A19 credHelpers take precedence over auths (registry only)",
    file:
      '{"auths": {"example.org/app": {"auth": "YTpi"}}, "credHelpers": {"example.org": "secretservice"}}',
    lookups: [["example.org/app", up("<credHelper:secretservice>", "")]],
  },
  {
    id: "A20 legacy .dockercfg format (no auths wrapper)",
    legacy: true,
    file:
      '{"http://index.docker.io/v1": {"auth": "ZG9ja2VyOmlvLWxlZ2FjeQ=="}, "https://localhost/v1": {"auth": "bG9jYWw6aG9zdC1sZWdhY3k="}}',
    lookups: [
      ["docker.io/library/nginx", up("docker", "io-legacy")],
      ["localhost/foo", up("local", "host-legacy")],
      ["localhost", up("local", "host-legacy")],
    ],
  },
  {
    id: "A21 legacy format ignores namespace keys",
    legacy: true,
    file: '{"quay.io/team": {"auth": "bnM6bg=="}, "quay.io": {"auth": "aG9zdDpo"}}',
    lookups: [["quay.io/team/app", up("host", "h")]],
  },
  {
    id: "A22 keys with tag/digest/scheme are rejected",
    file: '{"auths": {}}',
    lookups: [
      ["quay.io/app:1", { error: "key quay.io/app:1 contains a ':' character after host[:port]" }],
      ["quay.io/app@sha256:abc", { error: "key quay.io/app@sha256:abc contains a '@' character" }],
      ["https://quay.io", { error: "key https://quay.io contains http[s]:// prefix" }],
      [
        "localhost:5000/repo:tag",
        { error: "key localhost:5000/repo:tag contains a ':' character after host[:port]" },
      ],
    ],
  },
  {
    id: "A23 trailing-slash host key (https) normalised",
    file: '{"auths": {"https://registry.example.com/": {"auth": "dDpz"}}}',
    lookups: [["registry.example.com/app", up("t", "s")]],
  },
  {
    id: "A24 auth.json without auths",
    file: "{}",
    lookups: [["quay.io/app", "none"]],
  },
];

/** What an oracle answer says, in the vectors' terms (an error: its message). */
function asExpected(answer: CredentialsAnswer): Expected | string {
  if ("error" in answer) return answer.error;
  if ("imageError" in answer) return `image: ${answer.imageError}`;
  if (answer.username === "" && answer.password === "" && answer.identityToken === "") {
    return "none";
  }
  return up(answer.username, answer.password, answer.identityToken || undefined);
}

/**
 * A19's helper, as in the run that confirmed the vector: it answers every
 * `get` with the user `<credHelper:secretservice>` and an empty secret
 * (shell built-ins only, since its PATH holds nothing else).
 */
const SECRETSERVICE_STUB = `#!/bin/sh
IFS= read -r server || true
printf '{"ServerURL":"%s","Username":"<credHelper:secretservice>","Secret":""}' "$server"
`;

await testWithCimageOracle(
  "containers/image v5.38 credential lookup: Part A vectors",
  async (t, path) => {
    await withTempDir(async (dir) => {
      await Deno.mkdir(`${dir}/bin`);
      await Deno.writeTextFile(`${dir}/bin/docker-credential-secretservice`, SECRETSERVICE_STUB, {
        mode: 0o755,
      });
      const requests = [];
      for (const [i, vector] of A_VECTORS.entries()) {
        const file = `${dir}/a${i}.json`;
        await Deno.writeTextFile(file, vector.file);
        for (const [key] of vector.lookups) {
          requests.push({
            op: "credentials" as const,
            ...(vector.legacy ? { legacyAuthFile: file } : { authFile: file }),
            key,
            // A map holds several keys; the fallback visits them in Go's map order.
            repeat: 8,
          });
        }
      }
      const answers = await askCimage(path, requests, { env: { PATH: `${dir}/bin` } });
      let next = 0;
      for (const vector of A_VECTORS) {
        await t.step(vector.id, () => {
          for (const [key, expected] of vector.lookups) {
            const found = answers[next++]!.answers.map(asExpected);
            assertEquals(found.length, 1, `${key}: v5.38 answered differently from run to run`);
            const [answer] = found;
            if (typeof expected === "object" && "error" in expected) {
              // A lookup error reaches the caller inside "errors looking up credentials".
              assertEquals(
                typeof answer === "string" && answer.endsWith(expected.error),
                true,
                `${key}: ${JSON.stringify(answer)}`,
              );
            } else {
              assertEquals(answer, expected, key);
            }
          }
        });
      }
    });
  },
);

// ---------------------------------------------------------------------------
// Random secret sets.

/** An image the kubelet asks about, and the table that serves it. */
const SOURCES = [
  { image: "docker.io/library/nginx", prefixes: ["docker.io", "docker.io/library"] },
  { image: "quay.io/team/app", prefixes: ["quay.io", "quay.io/team"] },
  { image: "registry.example.com:5000/ns/app", prefixes: ["registry.example.com:5000"] },
  { image: "Registry.Example.com/app", prefixes: ["Registry.Example.com"] },
];
const REWRITES = ["internal.corp/mirror-of", "quay.io/lib", "registry.example.com:5000/up"];
const MIRRORS = [
  "mirror.corp",
  "mirror.corp/dockerhub",
  "mirror.corp:5000/cache",
  "cache.local:5000",
  "MiRRor.corp/team",
  "m2.corp/a/b",
  "quay.io/mirrors",
  "registry.example.com:5000/mirror",
  "docker.io/mirror",
];
/** Keys that are no target's, or only look like one. */
const DECOYS = [
  "evil.corp",
  "mirror.corp.evil.example",
  "mirror.co",
  "https://index.docker.io/v1/",
  "index.docker.io",
  "registry-1.docker.io",
  "*.corp",
  "*.mirror.corp",
  "m*.corp",
  "mirror.corp:5001",
  "cache.local",
  "http://cache.local:5000",
  "mirror.corp/docker",
  "mirror.corp/dockerhub/library",
  "https://mirror.corp/v2/",
  "quay.io/team/ap",
];

interface Entry {
  readonly key: string;
  readonly value: Record<string, string>;
}

interface SecretSet {
  readonly image: string;
  readonly conf: string;
  readonly secrets: readonly { readonly name: string; readonly entries: readonly Entry[] }[];
}

function base64(text: string): string {
  return new TextEncoder().encode(text).toBase64();
}

/** Variations of a target's `host[:port][/path]` as people write secret keys. */
function keyFor(random: Random, location: string): string {
  const slash = location.indexOf("/");
  const hostPort = slash === -1 ? location : location.slice(0, slash);
  const path = slash === -1 ? "" : location.slice(slash);
  let key = random.pick([
    hostPort,
    hostPort,
    location,
    `${hostPort}${path.slice(0, path.indexOf("/", 1) === -1 ? path.length : path.indexOf("/", 1))}`,
  ]);
  if (random.chance(0.15)) key = key.replace(/^[^:/]+/, (host) => host.toUpperCase());
  if (random.chance(0.2)) key = `${random.pick(["https://", "http://"])}${key}`;
  if (random.chance(0.1) && !key.slice(key.indexOf("//") + 2).includes("/")) {
    key = `${key}/${random.pick(["v1/", "v2/"])}`;
  } else if (random.chance(0.1)) key = `${key}/`;
  return key;
}

function value(random: Random, label: string): Record<string, string> {
  const user = `${label}-user`;
  const password = random.pick([`${label}-pw`, `${label}:pw:colon`, `pä-${label}`]);
  switch (random.int(10)) {
    case 0:
      return { username: user, password };
    case 1:
      return {
        auth: base64(`00000000-0000-0000-0000-000000000000:`),
        identitytoken: `${label}-token`,
      };
    case 2:
      return {};
    case 3:
      return { username: "", password };
    default:
      return { auth: base64(`${user}:${password}`) };
  }
}

function secretSet(random: Random): SecretSet {
  const source = random.pick(SOURCES);
  const prefix = random.pick(source.prefixes);
  const location = random.chance(0.25) ? random.pick(REWRITES) : prefix;
  const mirrors = Array.from(
    { length: random.chance(0.1) ? 0 : 1 + random.int(3) },
    () => random.pick(MIRRORS),
  );
  const lines = ["[[registry]]", `prefix = ${JSON.stringify(prefix)}`];
  lines.push(`location = ${JSON.stringify(location)}`);
  for (const mirror of new Set(mirrors)) {
    lines.push("[[registry.mirror]]", `location = ${JSON.stringify(mirror)}`);
    if (random.chance(0.15)) {
      lines.push(`pull-from-mirror = ${JSON.stringify(random.pick(["digest-only", "tag-only"]))}`);
    }
  }
  const places = [...mirrors, location, source.image];
  const secrets = Array.from({ length: 1 + random.int(4) }, (_, s) => {
    const keys = new Set<string>();
    for (let e = 1 + random.int(4); e > 0; e--) {
      keys.add(random.chance(0.2) ? random.pick(DECOYS) : keyFor(random, random.pick(places)));
    }
    const entries = [...keys].map((key, e) => ({ key, value: value(random, `s${s}e${e}`) }));
    return { name: `secret-${random.int(10)}-${s}`, entries };
  });
  return { image: source.image, conf: `${lines.join("\n")}\n`, secrets };
}

// The specification's answer (auth-files.md §7), written independently of the port's code.

interface SpecKey {
  readonly host: string;
  readonly port: string;
  readonly path: string;
}

function specKey(raw: string): SpecKey | undefined {
  const rest = raw.replace(/^https?:\/\//i, "");
  const slash = rest.indexOf("/");
  const hostPort = (slash === -1 ? rest : rest.slice(0, slash)).toLowerCase();
  const path = (slash === -1 ? "" : rest.slice(slash + 1)).replace(/^v[12](\/|$)/, "")
    .replace(/\/+$/, "");
  const [host = "", port = ""] = hostPort.split(":");
  if (host === "") return undefined;
  const hub = host === "index.docker.io" || host === "registry-1.docker.io";
  return { host: hub ? "docker.io" : host, port, path };
}

function labelGlob(pattern: string, label: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${source}$`).test(label);
}

/** The key's path if its credentials apply to `repository`, else undefined. */
function appliesTo(key: SpecKey, repository: string): string | undefined {
  const slash = repository.indexOf("/");
  const [host = "", port = ""] = repository.slice(0, slash).toLowerCase().split(":");
  const path = repository.slice(slash + 1);
  if (port !== key.port) return undefined;
  const labels = host.split(".");
  const patterns = key.host.split(".");
  if (
    labels.length !== patterns.length || !patterns.every((p, i) => labelGlob(p, labels[i]!))
  ) return undefined;
  const boundary = key.path === "" || path === key.path || path.startsWith(`${key.path}/`);
  return boundary ? key.path : undefined;
}

interface SpecCredential {
  readonly username: string;
  readonly password: string;
  readonly identityToken: string;
}

const NONE: SpecCredential = { username: "", password: "", identityToken: "" };

function entryCredential(value: Record<string, string>): SpecCredential | undefined {
  let username = value.username ?? "";
  let password = value.password ?? "";
  if (value.auth) {
    const decoded = new TextDecoder().decode(Uint8Array.fromBase64(value.auth));
    const colon = decoded.indexOf(":");
    username = decoded.slice(0, colon);
    password = decoded.slice(colon + 1);
  }
  if (username === "" && password === "") return undefined;
  return { username, password, identityToken: value.identitytoken ?? "" };
}

/**
 * What CRI-O must find for `repository`: among secret keys that apply (host
 * and port equal, globs per label, path on a `/` boundary), the most specific
 * one; for one key, the first secret by name and its first entry.
 */
function specCredential(set: SecretSet, repository: string): SpecCredential {
  let best: { path: string; credential: SpecCredential } | undefined;
  const secrets = [...set.secrets].sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  for (const secret of secrets) {
    for (const entry of secret.entries) {
      const key = specKey(entry.key);
      const credential = entryCredential(entry.value);
      const path = key === undefined ? undefined : appliesTo(key, repository);
      if (path === undefined || credential === undefined) continue;
      if (best === undefined || path.length > best.path.length) best = { path, credential };
    }
  }
  return best?.credential ?? NONE;
}

/** The provider's file for the set, as `writePullAuthFile` decides it; undefined: none. */
function providerFile(set: SecretSet): string | undefined {
  const conf = loadRegistriesConf({
    main: { path: "/etc/containers/registries.conf", text: set.conf },
    dropIns: [],
  });
  const targets = credentialTargets(conf, set.image);
  if (targets.mirrors.length === 0) return undefined;
  const secrets: PullSecret[] = set.secrets.map((secret) => ({
    name: secret.name,
    type: "kubernetes.io/dockerconfigjson",
    data: {
      ".dockerconfigjson": JSON.stringify({
        auths: Object.fromEntries(secret.entries.map((e) => [e.key, e.value])),
      }),
    },
  }));
  const merged = mergeAuths(
    {
      image: set.image,
      targets: targets.targets,
      secrets,
      global: { entries: [], credHelpers: new Map() },
    },
    { log() {} },
  );
  if (merged.fromNamespace === 0) return undefined;
  return encodeAuthFile(merged.entries, { credHelpers: merged.credHelpers });
}

interface Mismatch {
  readonly set: SecretSet;
  readonly repository: string;
  readonly file: string | undefined;
  readonly expected: SpecCredential;
  readonly containersImage: readonly CredentialsAnswer[];
}

await testWithCimageOracle(
  `containers/image v5.38 credential lookup: ${CASES} random secret sets (seed ${SEED})`,
  async (t, path) => {
    await withTempDir(async (dir) => {
      const random = new Random(SEED);
      const sets = Array.from({ length: CASES }, () => secretSet(random));
      const files = sets.map(providerFile);
      for (const [i, set] of sets.entries()) {
        await Deno.writeTextFile(`${dir}/r${i}.conf`, set.conf);
        if (files[i] !== undefined) await Deno.writeTextFile(`${dir}/a${i}.json`, files[i]);
      }
      const session = CimageSession.start(path);
      try {
        // Every source v5.38 tries, for a tag pull and for a digest pull.
        const pulls = sets.flatMap((set, i) =>
          [`${set.image}:latest`, `${set.image}@sha256:${"0".repeat(64)}`].map((image) => ({
            op: "registries" as const,
            conf: `${dir}/r${i}.conf`,
            confDir: `${dir}/none.d`,
            image,
          }))
        );
        const resolved = await session.ask(pulls);
        const sources = sets.map((_set, i) => {
          const names = new Set<string>();
          for (const answer of [resolved[2 * i]!, resolved[2 * i + 1]!]) {
            const found = answer.answers[0] as RegistriesAnswer;
            if (!("sources" in found) || found.sources === undefined) {
              throw new Error(`v5.38 does not resolve set ${i}: ${JSON.stringify(found)}`);
            }
            for (const source of found.sources) names.add(source.name);
          }
          return [...names];
        });
        const lookups = sources.flatMap((names, i) =>
          names.map((name) => ({
            op: "credentials" as const,
            authFile: `${dir}/a${i}.json`,
            image: name,
            repeat: 4,
          }))
        );
        const found = await session.ask(lookups);
        const mismatches: Mismatch[] = [];
        let next = 0;
        let withCredential = 0;
        sources.forEach((names, i) => {
          for (const repository of names) {
            const answers = found[next++]!.answers;
            const expected = files[i] === undefined ? NONE : specCredential(sets[i]!, repository);
            if (expected !== NONE) withCredential++;
            const agrees = answers.length === 1 &&
              JSON.stringify(answers[0]) === JSON.stringify(expected);
            if (!agrees) {
              mismatches.push({
                set: sets[i]!,
                repository,
                file: files[i],
                expected,
                containersImage: answers,
              });
            }
          }
        });
        await t.step(
          `${lookups.length} lookups, ${withCredential} of them expecting a credential`,
          () => {},
        );
        assertEquals(
          mismatches.slice(0, 5),
          [],
          `${mismatches.length} of ${lookups.length} lookups differ from the specification`,
        );
      } finally {
        await session.close();
      }
    });
  },
);
