/**
 * Runs the registries differential tests against containers/image v5.38
 * (`tests/cimage/registries_*_test.ts`): settings are written a chunk at a
 * time (`cimage_workspace.ts`), every question goes to the oracle and to the
 * port (`cimage_answers.ts`), and the disagreements are grouped by kind.
 *
 * All questions of a test go to one Go process. v5.38 is not deterministic
 * where one table holds one key in two letter cases (its TOML decoder visits
 * a table's keys in Go's map order): such a question is asked 16 times, each
 * with a fresh cache, and ours must be one of its answers; when ours is not
 * among them, it is asked `CIMAGE_REPEAT` times more (default 256) before it
 * counts as a disagreement. `CIMAGE_REPORT=<file>` writes every disagreement
 * there as JSON.
 */

import { assertEquals } from "./assert.ts";
import {
  type Ask,
  type Comparable,
  oracleComparable,
  oracleRequest,
  portAnswers,
  type Question,
  type Setting,
} from "./cimage_answers.ts";
import { CimageSession } from "./cimage_session.ts";
import { Workspace } from "./cimage_workspace.ts";
import { makeTempDir, type TreeEntry } from "./temp_tree.ts";
import { keysInTwoCases } from "./toml_letter_cases.ts";

const FIRST_REPEAT = 16;
const REPEAT = Number(Deno.env.get("CIMAGE_REPEAT") ?? 256);
const REPORT = Deno.env.get("CIMAGE_REPORT");

export interface Disagreement {
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

export interface Outcome {
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

/** Whether v5.38 may answer a question about `setting` differently from run to run. */
function letterCases(setting: Setting): boolean {
  return Object.values(setting.files).some((entry) =>
    typeof entry === "string" && keysInTwoCases(entry)
  );
}

/** Settings with their questions, a chunk of settings at a time through one oracle process. */
export interface Batch {
  readonly setting: (root: string) => Setting;
  readonly asks: readonly Ask[];
}

const CHUNK = 50;

export async function runAll(path: string, batches: readonly Batch[]): Promise<Outcome> {
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

export async function report(name: string, outcome: Outcome): Promise<void> {
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
export async function noteNondeterminism(t: Deno.TestContext, outcome: Outcome): Promise<void> {
  const count = outcome.nondeterministic.length;
  if (count === 0) return;
  const matched = outcome.nondeterministic.filter((d) => d.kind.startsWith("ours")).length;
  await t.step(
    `v5.38 answered ${count} of ${outcome.questions} questions differently from run to run; ` +
      `ours was one of its answers ${matched} times`,
    () => {},
  );
}

/**
 * Compares, and fails with the settings of each disagreement but those of a
 * deliberate difference (`deliberate`, by `where`), which is checked separately.
 */
export function check(outcome: Outcome, deliberate: Readonly<Record<string, string>> = {}): void {
  const unexpected = outcome.disagreements.filter((d) => !(d.where in deliberate));
  assertEquals(
    unexpected.length,
    0,
    `${unexpected.length} of ${outcome.questions} questions disagree with containers/image v5.38:\n` +
      summary(unexpected),
  );
}
