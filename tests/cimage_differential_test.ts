/**
 * The port against the containers/image that CRI-O 1.36 vendors
 * (`go.podman.io/image/v5` v5.38.0 with BurntSushi toml v1.6.0, through
 * `tests/cimage/cmd/cimage-oracle`, see `support/cimage_oracle.ts`): for every
 * Part R and D vector, the two examples of issue 10 and random scenarios, the
 * matched table, its mirrors, the pull sources in order and which of them the
 * docker transport refuses before any network access (a blocked table, a tag
 * together with a digest), or the configuration error, must agree.
 *
 * All questions of a test go to one Go process. v5.38 is not deterministic
 * where one table holds one key in two letter cases (its TOML decoder visits
 * a table's keys in Go's map order): such a question is asked 16 times, each
 * with a fresh cache, and ours must be one of its answers; when ours is not
 * among them, it is asked `CIMAGE_REPEAT` times more (default 256) before it
 * counts as a disagreement.
 *
 * Replay a run with `CIMAGE_SEED=<seed>` (the seed is in the test's name);
 * `CIMAGE_CASES` sets the number of random scenarios (default 2000);
 * `CIMAGE_WITHOUT=letter-cases,tagged-locations` leaves those features out of
 * the generator (to look for other differences while one is being fixed);
 * `CIMAGE_REPORT=<file>` writes every disagreement there as JSON.
 */

import { assertEquals } from "./support/assert.ts";
import { readRegistriesSources } from "../adapters/registries_files.ts";
import {
  parseNormalizedReference,
  referenceName,
  referenceString,
} from "../domain/registries/image_reference.ts";
import { pullSources, TAGGED_DIGEST_REFUSAL } from "../domain/registries/pull_sources.ts";
import { loadRegistriesConf } from "../domain/registries/registries_conf.ts";
import type { Registry } from "../domain/registries/registries_model.ts";
import { findRegistry } from "../domain/registries/registry_match.ts";
import {
  CimageSession,
  type RegistriesAnswer,
  type RegistriesRequest,
  testWithCimageOracle,
} from "./support/cimage_oracle.ts";
import { DISCOVERY_CASES } from "./support/discovery_vectors.ts";
import {
  type GeneratorOptions,
  Random,
  randomScenarioV538,
  type ScenarioV538,
  ZERO_DIGEST,
} from "./support/random_registries_v538.ts";
import { registriesFixture, registriesVectors } from "./support/registries_fixtures.ts";
import { makeTempDir, type TreeEntry } from "./support/temp_tree.ts";

const SEED = Number(Deno.env.get("CIMAGE_SEED") ?? Math.floor(Math.random() * 2 ** 31));
const CASES = Number(Deno.env.get("CIMAGE_CASES") ?? 2000);
const FIRST_REPEAT = 16;
const REPEAT = Number(Deno.env.get("CIMAGE_REPEAT") ?? 256);
const REPORT = Deno.env.get("CIMAGE_REPORT");
const WITHOUT = new Set((Deno.env.get("CIMAGE_WITHOUT") ?? "").split(",").filter((f) => f !== ""));
const GENERATOR: GeneratorOptions = {
  letterCases: !WITHOUT.has("letter-cases"),
  taggedLocations: !WITHOUT.has("tagged-locations"),
};
const WITHOUT_NOTE = WITHOUT.size === 0 ? "" : `, without ${[...WITHOUT].join(", ")}`;

/**
 * Deliberate differences (README, "How registries.conf is read"): an explicit
 * main file that is missing is an error for containers/image, while the port
 * treats it as empty and applies the drop-ins, as CRI-O does by default.
 */
const DELIBERATE: Record<string, string> = {
  "a missing explicit main file still applies the drop-ins":
    "containers/image fails on a missing explicit main file; the port applies the drop-ins",
};

// ---------------------------------------------------------------------------
// Questions and comparable answers.

/** One scenario on disk: the files under `root`, and where the loader looks. */
interface Setting {
  readonly where: string;
  readonly root: string;
  readonly files: Record<string, TreeEntry>;
  /** Explicit main file / drop-in directory, relative to `root`. */
  readonly conf?: string;
  readonly confDir?: string;
}

/** An image to pull (tag or digest; a bare name is asked as a digest pull) or a raw lookup. */
type Ask = { readonly image: string } | { readonly lookup: string };

interface Question {
  readonly setting: Setting;
  readonly ask: Ask;
}

/** A source: its rewritten reference and what the docker transport does with it. */
interface ComparableSource {
  readonly reference: string;
  /** `contacted`, `blocked`, or `refused: <message>` for any other refusal. */
  readonly status: string;
}

type Comparable =
  | { readonly error: string }
  | { readonly imageError: string }
  | {
    readonly registry: Record<string, unknown> | null;
    readonly mirrors: readonly Record<string, unknown>[];
    readonly sourcesError?: string;
    readonly sources?: readonly ComparableSource[];
  };

/**
 * An error as both sides can word it: the README's deliberate differences
 * keep only what they share. A TOML syntax error keeps its file and line
 * (`toml: line N`), as the wording is the parser's; a decoding error
 * (`incompatible types`, `type mismatch`) is compared whole. The "mixing"
 * error keeps its start, which Go completes with a struct dump.
 */
function comparableError(message: string): string {
  const mixing = /^(.*mixing sysregistry v1\/v2 is not supported)/s.exec(message);
  if (mixing) return mixing[1]!;
  const toml = /^(.*?toml: line \d+)(?: \(last key "(?:\\.|[^"\\])*"\))?: (.*)$/s.exec(message);
  if (toml && !/^(?:incompatible types|type mismatch)/.test(toml[2]!)) {
    return `${toml[1]}: (syntax error)`;
  }
  return message;
}

function comparableRegistry(registry: {
  prefix: string;
  location: string;
  insecure: boolean;
  blocked: boolean;
  mirrorByDigestOnly: boolean;
  pullFromMirror: string;
}): Record<string, unknown> {
  return {
    prefix: registry.prefix,
    location: registry.location,
    insecure: registry.insecure,
    blocked: registry.blocked,
    mirrorByDigestOnly: registry.mirrorByDigestOnly,
    pullFromMirror: registry.pullFromMirror,
  };
}

function comparableResolution(
  registry: Parameters<typeof comparableRegistry>[0] | null | undefined,
  mirrors: readonly { location: string; insecure: boolean; pullFromMirror: string }[],
  rest: { sourcesError?: string; sources?: readonly ComparableSource[] },
): Comparable {
  return {
    registry: registry ? comparableRegistry(registry) : null,
    mirrors: mirrors.map((m) => ({
      location: m.location,
      insecure: m.insecure,
      pullFromMirror: m.pullFromMirror,
    })),
    ...(rest.sourcesError === undefined ? {} : { sourcesError: rest.sourcesError }),
    ...(rest.sources === undefined ? {} : { sources: rest.sources }),
  };
}

function oracleComparable(answer: RegistriesAnswer): Comparable {
  if ("error" in answer) return { error: comparableError(answer.error) };
  if ("imageError" in answer) return { imageError: answer.imageError };
  return comparableResolution(answer.registry, answer.mirrors, {
    ...(answer.sourcesError === undefined ? {} : { sourcesError: answer.sourcesError }),
    ...(answer.sources === undefined ? {} : {
      sources: answer.sources.map((s) => ({
        reference: s.reference,
        status: s.refused === null
          ? "contacted"
          : /^registry \S+ is blocked in /.test(s.refused)
          ? "blocked"
          : `refused: ${s.refused}`,
      })),
    }),
  });
}

/** The image as asked: a bare name is a digest pull (so that digest-only mirrors show). */
function pulled(image: string): string {
  const reference = parseNormalizedReference(image);
  return reference.tag === undefined && reference.digest === undefined
    ? `${image}@${ZERO_DIGEST}`
    : image;
}

function absolute(setting: Setting, relative: string | undefined): string | undefined {
  return relative === undefined ? undefined : `${setting.root}/${relative}`;
}

/** The port's answers to the questions of one setting, through the same entry points as `mirrors`. */
async function portAnswers(setting: Setting, asks: readonly Ask[]): Promise<Comparable[]> {
  let conf;
  try {
    const confPath = absolute(setting, setting.conf);
    const confDirPath = absolute(setting, setting.confDir);
    conf = loadRegistriesConf(
      await readRegistriesSources({
        root: setting.root,
        home: `${setting.root}/home`,
        ...(confPath === undefined ? {} : { confPath }),
        ...(confDirPath === undefined ? {} : { confDirPath }),
      }),
    );
  } catch (error) {
    const failed = { error: comparableError((error as Error).message) };
    return asks.map(() => failed);
  }
  return asks.map((ask) => {
    if ("lookup" in ask) {
      const registry = findRegistry(conf, ask.lookup);
      return comparableResolution(registry, registry?.mirrors ?? [], {});
    }
    let reference;
    try {
      reference = parseNormalizedReference(ask.image);
    } catch (error) {
      return { imageError: (error as Error).message };
    }
    const registry: Registry | undefined = findRegistry(conf, referenceName(reference));
    const mirrors = registry?.mirrors ?? [];
    try {
      const plan = pullSources(conf, reference);
      return comparableResolution(registry, mirrors, {
        sources: plan.sources.map((s) => ({
          reference: referenceString(s.reference),
          // The transport checks the reference before it looks the endpoint up.
          status: s.taggedDigest
            ? `refused: ${TAGGED_DIGEST_REFUSAL}`
            : s.blocked
            ? "blocked"
            : "contacted",
        })),
      });
    } catch (error) {
      return comparableResolution(registry, mirrors, { sourcesError: (error as Error).message });
    }
  });
}

/** Whether `names` hold one name in two letter cases. */
function twoSpellings(names: readonly string[]): boolean {
  const spellings = new Map<string, string>();
  for (const name of names) {
    const seen = spellings.get(name.toLowerCase());
    if (seen !== undefined && seen !== name) return true;
    spellings.set(name.toLowerCase(), name);
  }
  return false;
}

/**
 * Whether one TOML table of `text` holds two keys that differ only in letter
 * case, so that BurntSushi's decoder puts both into one Go struct field in Go's
 * map order: the one source of non-determinism in v5.38's loading (besides
 * several invalid aliases, which the generator does not write). Tables are
 * told apart as the generator writes them (headers, inline tables, no dotted
 * keys); a `[a.b]` header counts as key `b` of the table `[[a]]` before it.
 */
function keysInTwoCases(text: string): boolean {
  const code = text.replace(/"(?:\\.|[^"\\\n])*"|'[^'\n]*'|#.*$/gm, "");
  const inline: string[] = [];
  const outer = code.replace(/\{[^{}]*\}/g, (table) => {
    inline.push(table.slice(1, -1));
    return "{}";
  });
  const top: string[] = [];
  const tables: string[][] = [top];
  let element = top;
  let current = top;
  for (const line of outer.split("\n")) {
    const header = /^\s*\[\[?([^\]]*)\]/.exec(line);
    if (header) {
      const path = (header[1] ?? "").split(".").map((name) => name.trim());
      top.push(path[0] ?? "");
      current = [];
      tables.push(current);
      if (path.length === 1) element = current;
      else element.push(path[1] ?? "");
      continue;
    }
    const key = /^\s*([A-Za-z][\w-]*)\s*=/.exec(line)?.[1];
    if (key !== undefined) current.push(key);
  }
  const inlineKeys = inline.map((table) => table.match(/[A-Za-z][\w-]*(?=\s*=)/g) ?? []);
  return [...tables, ...inlineKeys].some(twoSpellings);
}

/** Whether v5.38 may answer a question about `setting` differently from run to run. */
function letterCases(setting: Setting): boolean {
  return Object.values(setting.files).some((entry) =>
    typeof entry === "string" && keysInTwoCases(entry)
  );
}

function oracleRequest(question: Question, repeat: number): RegistriesRequest {
  const { setting, ask } = question;
  return {
    op: "registries",
    conf: absolute(setting, setting.conf) ?? null,
    confDir: absolute(setting, setting.confDir) ?? null,
    root: setting.root,
    home: `${setting.root}/home`,
    repeat,
    ...ask,
  };
}

// ---------------------------------------------------------------------------
// Running a batch and describing disagreements.

interface Disagreement {
  readonly where: string;
  readonly kind: string;
  readonly ask: Ask;
  readonly files: Record<string, TreeEntry>;
  readonly conf?: string;
  readonly confDir?: string;
  readonly port: Comparable;
  /** Every answer v5.38 gave (more than one: it is not deterministic here). */
  readonly containersImage: readonly Comparable[];
}

interface Outcome {
  readonly questions: number;
  readonly disagreements: readonly Disagreement[];
  /** Questions on which v5.38 gave more than one answer. */
  readonly nondeterministic: readonly Disagreement[];
}

/** Quoted values and paths blanked, so that one kind of difference groups together. */
function shape(text: string): string {
  return text.replace(/"[^"]*"|'[^']*'/g, "…").replace(/\s+/g, " ").slice(0, 90);
}

/** A short label for how two answers differ, for grouping. */
function kindOf(port: Comparable, oracle: Comparable): string {
  if ("error" in port && "error" in oracle) return `error text: ${shape(oracle.error)}`;
  if ("error" in oracle) return `v5.38 fails (${shape(oracle.error)}), the port does not`;
  if ("error" in port) return `the port fails (${shape(port.error)}), v5.38 does not`;
  if ("imageError" in port || "imageError" in oracle) return "image parsing";
  const differs: string[] = [];
  if (JSON.stringify(port.registry) !== JSON.stringify(oracle.registry)) differs.push("table");
  if (JSON.stringify(port.mirrors) !== JSON.stringify(oracle.mirrors)) differs.push("mirrors");
  if (port.sourcesError !== oracle.sourcesError) differs.push("rewrite error");
  const ours = port.sources ?? [];
  const theirs = oracle.sources ?? [];
  const sameReferences = ours.length === theirs.length &&
    ours.every((s, i) => s.reference === theirs[i]?.reference);
  if (!sameReferences) differs.push("source references");
  else {
    for (const [i, source] of ours.entries()) {
      const status = theirs[i]?.status ?? "";
      if (source.status !== status) {
        differs.push(`source v5.38 ${shape(status)} / port ${source.status}`);
      }
    }
  }
  return differs.join(", ");
}

/**
 * Where settings are written, a chunk at a time, into reused slot folders:
 * creating files is cheap, but removing thousands of folders can take longer
 * than the whole comparison on some disks. Folders a setting creates beyond
 * the usual ones are removed with it, so no setting sees another's files.
 */
class Workspace {
  static readonly USUAL = [
    "home/.config/containers/registries.conf.d",
    "etc/containers/registries.conf.d",
    "srv/crio/registries.conf.d",
    "usr/share/containers/registries.conf.d",
  ];
  readonly #kept = new Set<string>();

  constructor(readonly base: string) {
    for (const dir of Workspace.USUAL) {
      const parts = dir.split("/");
      parts.forEach((_p, i) => this.#kept.add(parts.slice(0, i + 1).join("/")));
    }
  }

  /** The root of slot `index`. */
  root(index: number): string {
    return `${this.base}/slot${index}`;
  }

  /** Writes the setting's files under its root; returns what to remove afterwards. */
  async write(setting: Setting): Promise<string[]> {
    const created: string[] = [];
    const ensure = async (relative: string) => {
      const parts = relative.split("/");
      for (let i = 1; i <= parts.length; i++) {
        const dir = parts.slice(0, i).join("/");
        try {
          await Deno.mkdir(`${setting.root}/${dir}`);
          if (!this.#kept.has(dir)) created.push(dir);
        } catch (error) {
          if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
        }
      }
    };
    await Deno.mkdir(setting.root, { recursive: true });
    await ensure("home");
    const written: string[] = [];
    for (const [relative, entry] of Object.entries(setting.files)) {
      await ensure(relative.slice(0, relative.lastIndexOf("/")));
      const path = `${setting.root}/${relative}`;
      if (typeof entry === "string") await Deno.writeTextFile(path, entry);
      else if ("symlink" in entry) await Deno.symlink(entry.symlink, path);
      else await ensure(relative);
      written.push(relative);
    }
    return [...written, ...created.reverse()];
  }

  /** Removes what {@linkcode write} returned. */
  async clear(setting: Setting, written: readonly string[]): Promise<void> {
    for (const relative of written) {
      await Deno.remove(`${setting.root}/${relative}`, { recursive: true }).catch((error) => {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      });
    }
  }
}

/** Settings with their questions, a chunk of settings at a time through one oracle process. */
interface Batch {
  readonly setting: (root: string) => Setting;
  readonly asks: readonly Ask[];
}

const CHUNK = 50;

async function runAll(path: string, batches: readonly Batch[]): Promise<Outcome> {
  const base = await makeTempDir("cimage-differential-");
  const workspace = new Workspace(base);
  const session = CimageSession.start(path);
  const outcomes: Outcome[] = [];
  try {
    for (let start = 0; start < batches.length; start += CHUNK) {
      const chunk = batches.slice(start, start + CHUNK).map((batch, slot) => ({
        setting: batch.setting(workspace.root(slot)),
        asks: batch.asks,
      }));
      const written = [];
      for (const { setting } of chunk) written.push(await workspace.write(setting));
      outcomes.push(
        await run(
          session,
          chunk.flatMap(({ setting, asks }) => asks.map((ask) => ({ setting, ask }))),
        ),
      );
      for (const [i, { setting }] of chunk.entries()) await workspace.clear(setting, written[i]!);
    }
  } finally {
    await session.close();
    await Deno.remove(base, { recursive: true });
  }
  return {
    questions: outcomes.reduce((sum, o) => sum + o.questions, 0),
    disagreements: outcomes.flatMap((o) => o.disagreements),
    nondeterministic: outcomes.flatMap((o) => o.nondeterministic),
  };
}

/** Asks the oracle and the port every question and compares. */
async function run(session: CimageSession, questions: readonly Question[]): Promise<Outcome> {
  const uncertain = questions.map((q) => letterCases(q.setting));
  const asked = session.ask(
    questions.map((q, i) => oracleRequest(q, uncertain[i] ? FIRST_REPEAT : 1)),
  );
  // Group by setting, so that the port loads each configuration once (while the oracle works).
  const bySetting = new Map<Setting, number[]>();
  questions.forEach((q, i) => bySetting.set(q.setting, [...(bySetting.get(q.setting) ?? []), i]));
  const ports: Comparable[] = new Array(questions.length);
  for (const [setting, indexes] of bySetting) {
    const found = await portAnswers(setting, indexes.map((i) => questions[i]!.ask));
    indexes.forEach((index, j) => ports[index] = found[j]!);
  }
  const answers = (await asked).map((a) => a.answers.map(oracleComparable));
  const agrees = (i: number) =>
    answers[i]!.some((a) => JSON.stringify(a) === JSON.stringify(ports[i]));
  // Ask again, more often, where ours was not among v5.38's answers but may be among its rarer ones.
  const again = questions.flatMap((_q, i) => uncertain[i] && !agrees(i) ? [i] : []);
  const more = await session.ask(again.map((i) => oracleRequest(questions[i]!, REPEAT)));
  again.forEach((i, j) => answers[i]!.push(...more[j]!.answers.map(oracleComparable)));
  const disagreements: Disagreement[] = [];
  const nondeterministic: Disagreement[] = [];
  questions.forEach((question, i) => {
    const port = ports[i]!;
    const oracle = answers[i]!;
    const distinct = [...new Set(oracle.map((a) => JSON.stringify(a)))];
    const record = (kind: string): Disagreement => ({
      where: question.setting.where,
      kind,
      ask: question.ask,
      files: question.setting.files,
      ...(question.setting.conf === undefined ? {} : { conf: question.setting.conf }),
      ...(question.setting.confDir === undefined ? {} : { confDir: question.setting.confDir }),
      port,
      containersImage: distinct.map((a) => JSON.parse(a)),
    });
    const same = distinct.includes(JSON.stringify(port));
    if (distinct.length > 1) {
      nondeterministic.push(record(same ? "ours is one of v5.38's answers" : "none of them"));
    }
    if (!same) disagreements.push(record(kindOf(port, oracle[0]!)));
  });
  return { questions: questions.length, disagreements, nondeterministic };
}

/** How often each kind of difference occurs, with its first example (the ten most frequent kinds). */
function summary(disagreements: readonly Disagreement[]): string {
  const kinds = new Map<string, Disagreement[]>();
  for (const d of disagreements) {
    const same = kinds.get(d.kind);
    if (same === undefined) kinds.set(d.kind, [d]);
    else same.push(d);
  }
  const sorted = [...kinds].sort(([, a], [, b]) => b.length - a.length);
  const shown = sorted.slice(0, 10).map(([kind, all]) => {
    const first = all[0]!;
    return `${all.length} × ${kind}\n  e.g. ${first.where} ${JSON.stringify(first.ask)}\n` +
      `  files: ${JSON.stringify(first.files)}\n` +
      (first.conf === undefined ? "" : `  conf: ${first.conf} confDir: ${first.confDir}\n`) +
      `  port:  ${JSON.stringify(first.port)}\n` +
      `  v5.38: ${JSON.stringify(first.containersImage)}`;
  });
  const more = sorted.length > 10 ? [`… and ${sorted.length - 10} more kinds`] : [];
  return [...shown, ...more].join("\n");
}

async function report(name: string, outcome: Outcome): Promise<void> {
  if (REPORT === undefined) return;
  let previous: Record<string, unknown> = {};
  try {
    previous = JSON.parse(await Deno.readTextFile(REPORT));
  } catch {
    // a new report
  }
  previous[name] = outcome;
  await Deno.writeTextFile(REPORT, JSON.stringify(previous, null, 1));
}

/** Adds a step whose name states how often v5.38 itself was not deterministic. */
async function noteNondeterminism(t: Deno.TestContext, outcome: Outcome): Promise<void> {
  const count = outcome.nondeterministic.length;
  if (count === 0) return;
  const matched = outcome.nondeterministic.filter((d) => d.kind.startsWith("ours")).length;
  await t.step(
    `v5.38 answered ${count} of ${outcome.questions} questions differently from run to run; ` +
      `ours was one of its answers ${matched} times`,
    () => {},
  );
}

// ---------------------------------------------------------------------------
// Settings from the vectors and the generator.

/** Whether a lookup string is also an image as a user would name it. */
function isImage(ref: string): boolean {
  try {
    return referenceString(parseNormalizedReference(ref)) === ref;
  } catch {
    return false;
  }
}

async function vectorBatches(): Promise<Batch[]> {
  const batches: Batch[] = [];
  for (const vector of await registriesVectors()) {
    const sources = await registriesFixture(vector.fixture);
    const files: Record<string, string> = {};
    if (sources.main) files["etc/containers/registries.conf"] = sources.main.text;
    for (const d of sources.dropIns) files[d.path.slice(1)] = d.text;
    const lookups = (vector.lookups ?? []).map((l) => l.ref);
    const images = [...lookups.filter(isImage), ...(vector.pullSources ?? []).map((p) => p.ref)];
    batches.push({
      setting: (root) => ({ where: `${vector.id} ${vector.name}`, root, files }),
      asks: [
        ...lookups.map((lookup) => ({ lookup })),
        ...(images.length > 0 ? images : ["docker.io/library/nginx"]).map((image) => ({
          image: pulled(image),
        })),
      ],
    });
  }
  for (const c of DISCOVERY_CASES) {
    batches.push({
      setting: (root) => ({
        where: c.name,
        root,
        files: c.files,
        ...(c.explicitMain ? { conf: "etc/containers/registries.conf" } : {}),
      }),
      asks: [{ image: pulled("docker.io/library/nginx") }],
    });
  }
  return batches;
}

/** The two examples of issue 10, kept as fixed rows. */
const ISSUE_BATCHES: readonly Batch[] = [
  {
    setting: (root) => ({
      where: "issue 10: a digest pull rewritten by a location with a tag",
      root,
      files: {
        "etc/containers/registries.conf":
          '[[registry]]\nprefix = "a.io/x"\nlocation = "b.io/y:v1"\n',
      },
    }),
    asks: [{ image: `a.io/x@sha256:${"a".repeat(64)}` }],
  },
  {
    setting: (root) => ({
      where: "issue 10: one array of tables in two letter cases",
      root,
      files: {
        "etc/containers/registries.conf":
          '[[REGISTRY]]\n[[REGISTRY.mirror]]\n[[registry]]\nlocation = "a.io"\n',
      },
    }),
    asks: [{ image: "a.io/x:1" }],
  },
];

function scenarioBatch(scenario: ScenarioV538, index: number): Batch {
  return {
    setting: (root) => ({
      where: `seed ${SEED} scenario ${index}`,
      root,
      files: scenario.files,
      ...(scenario.conf === undefined ? {} : { conf: scenario.conf }),
      ...(scenario.confDir === undefined ? {} : { confDir: scenario.confDir }),
    }),
    asks: scenario.images.map((image) => ({ image: pulled(image) })),
  };
}

/** Compares, and fails with the settings of a deliberate difference checked separately. */
function check(outcome: Outcome): void {
  const unexpected = outcome.disagreements.filter((d) => !(d.where in DELIBERATE));
  assertEquals(
    unexpected.length,
    0,
    `${unexpected.length} of ${outcome.questions} questions disagree with containers/image v5.38:\n` +
      summary(unexpected),
  );
}

// ---------------------------------------------------------------------------
// Tests.

await testWithCimageOracle(
  "containers/image v5.38 differential: Part R and D vectors and the issue 10 examples",
  async (t, path) => {
    const outcome = await runAll(path, [...await vectorBatches(), ...ISSUE_BATCHES]);
    await report("vectors", outcome);
    await noteNondeterminism(t, outcome);
    for (const [where, reason] of Object.entries(DELIBERATE)) {
      await t.step(`deliberate difference: ${reason}`, () => {
        const found = outcome.disagreements.filter((d) => d.where === where);
        assertEquals(found.length, 1);
        const theirs = found[0]!.containersImage;
        assertEquals(theirs.length, 1);
        const error = "error" in theirs[0]! ? theirs[0].error : "";
        assertEquals(error.endsWith(": no such file or directory"), true, error);
        assertEquals("sources" in found[0]!.port, true);
      });
    }
    check(outcome);
  },
);

await testWithCimageOracle(
  `containers/image v5.38 differential: ${CASES} random scenarios (seed ${SEED}${WITHOUT_NOTE})`,
  async (t, path) => {
    const random = new Random(SEED);
    const batches = Array.from(
      { length: CASES },
      (_, i) => scenarioBatch(randomScenarioV538(random, GENERATOR), i),
    );
    const outcome = await runAll(path, batches);
    await report(`seed ${SEED}`, outcome);
    await noteNondeterminism(t, outcome);
    check(outcome);
  },
);
