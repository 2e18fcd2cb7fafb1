/**
 * Random registries.conf scenarios for the differential test: nested
 * prefixes, wildcards, ports, paths, rewrites, blocked and insecure tables,
 * digest-only mirrors, drop-ins in the system and user directories, user main
 * files, missing main files, V1 files and the occasional invalid entry, plus
 * images that hit and miss the tables. Everything derives from one seed.
 */

/** A small, fast, seedable PRNG (mulberry32), so a failing seed replays exactly. */
export class Random {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  int(max: number): number {
    return Math.floor(this.next() * max);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
}

/** Files relative to the scenario root, and the images to look up. */
export interface Scenario {
  readonly files: Record<string, string>;
  readonly images: readonly string[];
}

const HOSTS = [
  "docker.io",
  "quay.io",
  "example.com",
  "a.example.com",
  "b.a.example.com",
  "example.com:5000",
  "localhost:5000",
  "reg.local:8443",
];
const WILDCARDS = ["*.example.com", "*.a.example.com", "*.local"];
const NAMESPACES = ["library", "team", "team/sub", "library/nginx"];
const MIRRORS = [
  "m1.mirror.net",
  "m2.mirror.net:5000",
  "m3.mirror.net/cache",
  "localhost:5001/hub",
  "a.example.com",
  "example.com:5000/team",
];
const LOCATIONS = ["internal.example.net/bar", "quay.io/lib", "b.a.example.com"];
// No dot or port: a reference rewritten to it is not canonical, so the pull fails.
const NOT_A_HOST = "internal/bar";
const PULL_FROM_MIRROR = ["", "", "all", "digest-only", "tag-only"];

function quote(value: string): string {
  return JSON.stringify(value);
}

function location(random: Random): string {
  return random.chance(0.05) ? NOT_A_HOST : random.pick(LOCATIONS);
}

function table(random: Random, prefixes: string[]): string {
  const lines = ["[[registry]]"];
  let prefix: string;
  if (random.chance(0.2)) {
    prefix = random.pick(WILDCARDS);
    lines.push(`prefix = ${quote(prefix)}`);
    if (random.chance(0.6)) lines.push(`location = ${quote(location(random))}`);
  } else {
    const host = random.pick(HOSTS);
    prefix = random.chance(0.4) ? `${host}/${random.pick(NAMESPACES)}` : host;
    const slash = random.chance(0.1) ? "/" : "";
    if (random.chance(0.3)) {
      lines.push(`prefix = ${quote(prefix + slash)}`);
      lines.push(`location = ${quote(random.pick([location(random), prefix]) + slash)}`);
    } else {
      lines.push(`location = ${quote(prefix + slash)}`);
    }
  }
  prefixes.push(prefix);
  if (random.chance(0.12)) lines.push("insecure = true");
  if (random.chance(0.15)) lines.push("blocked = true");
  const digestOnly = random.chance(0.15);
  if (digestOnly) lines.push("mirror-by-digest-only = true");
  for (let i = random.int(4); i > 0; i--) {
    // containers/image 5.23 (skopeo 1.9) keeps a trailing "/" on mirrors (vector R09): none here.
    const mirror = random.chance(0.03) ? NOT_A_HOST : random.pick(MIRRORS);
    lines.push("[[registry.mirror]]", `location = ${quote(mirror)}`);
    if (random.chance(0.2)) lines.push("insecure = true");
    const usage = random.pick(PULL_FROM_MIRROR);
    if (usage !== "" && (!digestOnly || random.chance(0.03))) {
      lines.push(`pull-from-mirror = ${quote(usage)}`);
    }
  }
  if (random.chance(0.01)) lines.push("[[registry.mirror]]", 'location = "https://bad.mirror"');
  return lines.join("\n");
}

function v2File(random: Random, prefixes: string[], tables: number): string {
  const parts: string[] = [];
  if (random.chance(0.15)) {
    const search = random.chance(0.05) ? "quay.io/ns" : random.pick(HOSTS);
    parts.push(`unqualified-search-registries = [${quote(search)}]`);
  }
  if (random.chance(0.05)) {
    parts.push(
      `short-name-mode = ${quote(random.pick(["enforcing", "disabled", "enforcing", "prompt"]))}`,
    );
  }
  for (let i = 0; i < tables; i++) parts.push(table(random, prefixes));
  return `${parts.join("\n")}\n`;
}

function v1File(random: Random, prefixes: string[]): string {
  // Never an empty list: containers/image 5.23 treats it as unset (vector R44).
  const hosts = () => [random.pick(HOSTS), ...(random.chance(0.4) ? [random.pick(HOSTS)] : [])];
  const parts: string[] = [];
  for (const kind of ["search", "insecure", "block"]) {
    if (!random.chance(0.6)) continue;
    const list = hosts();
    if (kind !== "search") prefixes.push(...list);
    parts.push(`[registries.${kind}]`, `registries = [${list.map(quote).join(", ")}]`);
  }
  return `${parts.join("\n")}\n`;
}

function image(random: Random, prefixes: readonly string[]): string {
  let base: string;
  const prefix = prefixes.length > 0 && random.chance(0.85) ? random.pick(prefixes) : undefined;
  if (prefix === undefined) {
    base = `${random.pick(HOSTS)}/${random.pick(NAMESPACES)}`;
  } else if (prefix.startsWith("*.")) {
    base = `${random.pick(["x", "y.z"])}${prefix.slice(1)}/${random.pick(NAMESPACES)}`;
  } else {
    base = prefix.includes("/") ? prefix : `${prefix}/${random.pick(NAMESPACES)}`;
  }
  if (random.chance(0.15) && !/:\d+/.test(base.split("/")[0] ?? "")) {
    base = base.replace("/", ":6000/");
  }
  const leaf = `${base}/${random.pick(["app", "nginx"])}`;
  const form = random.int(3);
  if (form === 0) return leaf;
  if (form === 1) return `${leaf}:${random.pick(["1", "latest"])}`;
  return `${leaf}@sha256:${"1".repeat(64)}`;
}

/** One random scenario. */
export function randomScenario(random: Random): Scenario {
  const prefixes: string[] = [];
  const files: Record<string, string> = {};
  const main = "etc/containers/registries.conf";
  if (!random.chance(0.05)) {
    files[main] = random.chance(0.07)
      ? v1File(random, prefixes)
      : v2File(random, prefixes, 1 + random.int(4));
  }
  for (let i = random.int(3); i > 0; i--) {
    files[`etc/containers/registries.conf.d/${random.int(30)}-drop.conf`] = v2File(
      random,
      prefixes,
      1 + random.int(2),
    );
  }
  if (random.chance(0.1)) {
    files[`home/.config/containers/registries.conf.d/${random.int(30)}-user.conf`] = v2File(
      random,
      prefixes,
      1,
    );
  }
  if (random.chance(0.05)) {
    files["home/.config/containers/registries.conf"] = v2File(random, prefixes, 1);
  }
  if (random.chance(0.03)) {
    files["usr/share/containers/registries.conf.d/00-vendor.conf"] = v2File(random, prefixes, 1);
  }
  const images = Array.from({ length: 2 + random.int(2) }, () => image(random, prefixes));
  return { files, images };
}
