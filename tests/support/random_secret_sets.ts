/**
 * Random pull-secret sets for `tests/cimage/credentials_random_test.ts`: an
 * image, a registries.conf with its table (perhaps rewritten) and mirrors, and
 * secrets whose keys are written as people write them for those places, or
 * are decoys that only look like them. Everything derives from one
 * {@linkcode Random}.
 */

import type { Random } from "./random_registries.ts";

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

export interface Entry {
  readonly key: string;
  readonly value: Record<string, string>;
}

export interface SecretSet {
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

export function secretSet(random: Random): SecretSet {
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
