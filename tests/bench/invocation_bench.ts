/**
 * `deno task bench`: the cost of a pull, ours beside upstream's released Go
 * binary (v0.1.2, built from the Go module proxy in `tests/upstream/`), in the
 * same run, on identical node layouts, against the same API stand-in
 * (`api_server.ts`) and the same journald stand-in (`journal_stand_in.ts`),
 * both Go programs in `tests/upstream/cmd/`.
 *
 * Every round runs every row once (the order reversed every other round);
 * a first round warms caches and checks the answers and auth files, and is
 * not counted. The table shows medians: wall time around the whole process,
 * peak resident memory (GNU time's `%M`, for every row), and per pull the
 * API requests, answer bytes, round trips in latency, TCP connections and
 * journal records. Then the targets of issue 14 beside the measured ratios.
 *
 * Options: `--rounds N` (default 11), `--scales 500,5000,20000`, `--quick`
 * (CI smoke: 1 round, scale 500 only), `--no-modules` (bundle rows only),
 * `--no-upstream`, `--http1` (the API stand-in offers only HTTP/1.1, instead
 * of HTTP/2 and HTTP/1.1 as kube-apiserver does), `--no-real-kube` (without
 * the rows against a real kube-apiserver, `real_kube_bench.ts`),
 * `--v8-flags=FLAGS` (added to every `deno run` row of the main table,
 * floors included, after the binary's own, to weigh a V8 setting),
 * `--wrap=COMMAND` (words separated by spaces, no quoting: every `deno run`
 * row of the main table runs under it, for example a script around
 * `perf record` or `strace`; wall times then include it, and peak memory may
 * be the wrapper's). The
 * stand-ins and upstream are Go programs: the benchmark needs Go (on PATH or
 * /usr/local/go/bin).
 *
 * @module
 */
// deno-lint-ignore-file no-console

import { parseArgs } from "node:util";
import { startBenchApi } from "./api_server.ts";
import { type Case, FLOORS, makeCases } from "./cases.ts";
import { type JournalStandIn, startJournalStandIn } from "./journal_stand_in.ts";
import { hasGnuTime, type Run, timedRun } from "./measure.ts";
import { benchRealKube } from "./real_kube_bench.ts";
import { printReport } from "./report.ts";
import {
  authFilePath,
  BENCH_ROOT,
  benchNamespaces,
  benchScenarios,
  createNodes,
  type ScenarioNodes,
} from "./scenarios.ts";
import { buildApiStandIn, buildJournalStandIn, UPSTREAM_VERSION } from "./upstream_build.ts";

const began = performance.now();
const { values } = parseArgs({
  args: Deno.args,
  options: {
    rounds: { type: "string" },
    scales: { type: "string" },
    quick: { type: "boolean" },
    "no-modules": { type: "boolean" },
    "no-upstream": { type: "boolean" },
    http1: { type: "boolean" },
    "no-real-kube": { type: "boolean" },
    "v8-flags": { type: "string" },
    wrap: { type: "string" },
  },
});
const quick = values.quick === true;
const rounds = Number(values.rounds ?? Deno.env.get("BENCH_ROUNDS") ?? (quick ? 1 : 11));
const scales = (values.scales ?? (quick ? "500" : "500,5000,20000")).split(",").map(Number);
const blank = (value: string | undefined) => value !== undefined && value.trim() === "";
if (
  !Number.isInteger(rounds) || rounds < 1 || scales.some((n) => !Number.isInteger(n) || n < 1) ||
  blank(values["v8-flags"]) || blank(values.wrap)
) {
  console.error(
    "Usage: deno task bench [--rounds N] [--scales 500,5000,20000] [--quick] [--no-modules]" +
      " [--no-upstream] [--http1] [--no-real-kube] [--v8-flags=FLAGS] [--wrap=COMMAND]",
  );
  Deno.exit(2);
}
if (!await hasGnuTime()) {
  console.error("The benchmark needs GNU time at /usr/bin/time (Debian package `time`).");
  Deno.exit(1);
}
const log = (line: string) =>
  console.error(`[bench ${((performance.now() - began) / 1000).toFixed(0)} s] ${line}`);

/** A /proc file's first three fields (Deno grants /proc/sys only with --allow-all; cat reads it). */
async function procFile(path: string): Promise<string> {
  const output = await new Deno.Command("cat", { args: [path], stdout: "piped", stderr: "null" })
    .output().catch(() => undefined);
  const text = output === undefined ? "" : new TextDecoder().decode(output.stdout);
  return text.trim().split(/\s+/).slice(0, 3).join(" ") || "?";
}
const loadBefore = await procFile("/proc/loadavg");

const standIns = { api: await buildApiStandIn(), journal: await buildJournalStandIn() };
for (const built of Object.values(standIns)) {
  if ("missing" in built) {
    console.error(`The benchmark's stand-ins are Go programs and need ${built.missing}.`);
    Deno.exit(1);
  }
}
const scenarios = benchScenarios(scales);
await Deno.remove(BENCH_ROOT, { recursive: true }).catch(() => {});
await Deno.mkdir(BENCH_ROOT, { recursive: true });
const api = await startBenchApi(
  (standIns.api as { path: string }).path,
  benchNamespaces(scenarios),
  `${BENCH_ROOT}/api-namespaces.json`,
  values.http1 ? "http1" : "h2",
);
let journal: JournalStandIn | undefined;
try {
  const nodes = new Map<string, ScenarioNodes>();
  for (const scenario of scenarios) nodes.set(scenario.name, await createNodes(scenario, api.port));
  const cases = await makeCases({
    scenarios,
    nodes,
    apiUrl: api.url,
    modules: values["no-modules"] !== true,
    upstream: values["no-upstream"] !== true,
    ...(values["v8-flags"] === undefined ? {} : { v8Flags: values["v8-flags"] }),
    wrap: values.wrap?.trim().split(/\s+/) ?? [],
    log,
  });
  const sockets = [...nodes.values()].flatMap((n) => [n.ours, n.upstream])
    .map((node) => node.paths.journalSocket);
  journal = await startJournalStandIn((standIns.journal as { path: string }).path, sockets);
  const measured = cases.filter((c) => c.invocation !== undefined);
  const notes: string[] = [];
  const dropped = new Map<Case, number>();

  const runOnce = async (c: Case, record: boolean): Promise<Run> => {
    const run = await timedRun(c.invocation!);
    const apiStats = await api.take();
    const journalStats = c.socket !== undefined && journal !== undefined
      ? await journal.take(c.socket)
      : undefined;
    if (record && /Dropped \d+ of \d+ journal records/.test(run.stderr)) {
      dropped.set(c, (dropped.get(c) ?? 0) + 1);
    }
    if (record) {
      c.row.runs.push(run);
      c.row.api.push(apiStats);
      if (journalStats !== undefined) c.row.journal.push(journalStats);
    }
    return run;
  };

  log(`warm-up round (${measured.length} rows), checking answers and auth files`);
  for (const c of measured) {
    const run = await runOnce(c, false);
    const problems: string[] = [];
    if (run.code !== 0) problems.push(`exit ${run.code}: ${run.stderr.trim().split("\n").at(-1)}`);
    if (c.provider && !run.stdout.includes('"kind":"CredentialProviderResponse"')) {
      problems.push("no CredentialProviderResponse on stdout");
    }
    const scenario = scenarios.find((s) => s.name === c.row.scenario);
    if (c.node !== undefined && scenario?.writesFile) {
      const file = await authFilePath(c.node, scenario);
      const text = await Deno.readTextFile(file).catch(() => "");
      if (!text.includes('"localhost:5000"')) {
        problems.push(`no auth file for the mirror at ${file}`);
      }
    }
    if (/Dropped \d+ of \d+ journal records/.test(run.stderr)) {
      problems.push(run.stderr.match(/Dropped \d+ of \d+ journal records[^\n]*/)![0]);
    }
    if (problems.length > 0) notes.push(`${c.row.title}: ${problems.join("; ")}`);
  }

  for (let round = 0; round < rounds; round++) {
    log(`round ${round + 1} of ${rounds}`);
    const order = round % 2 === 0 ? measured : [...measured].reverse();
    for (const c of order) await runOnce(c, true);
  }

  const seconds = (performance.now() - began) / 1000;
  const goVersion = await new Deno.Command("sh", {
    args: ["-c", "GOTOOLCHAIN=local go version || /usr/local/go/bin/go version"],
    stdout: "piped",
    stderr: "null",
  }).output().then((o) => new TextDecoder().decode(o.stdout).trim()).catch(() => "");
  const qlen = await procFile("/proc/sys/net/unix/max_dgram_qlen");
  console.log(
    `\n${rounds} rounds (medians), Deno ${Deno.version.deno}, ${goVersion || "no Go"}, ` +
      `upstream ${UPSTREAM_VERSION}, ${Deno.build.target}, ${navigator.hardwareConcurrency} CPUs, ` +
      `net.unix.max_dgram_qlen ${qlen}; load average ${loadBefore} before, ` +
      `${await procFile("/proc/loadavg")} after; took ${seconds.toFixed(0)} s` +
      (values["v8-flags"] === undefined
        ? ""
        : `; every deno row of this table with --v8-flags=${values["v8-flags"]}`) +
      (values.wrap === undefined
        ? ""
        : `; every deno row of this table under \`${values.wrap.trim()}\``) +
      "\n",
  );
  const missed = printReport(cases.map((c) => c.row), FLOORS);
  console.log(
    "\nNotes: upstream connects without verifying TLS (client-go with Insecure: true) and lists" +
      " only kubernetes.io/dockerconfigjson Secrets, in one unpaged LIST; ours verifies against" +
      " the cluster CA (the API columns show how it lists). The API stand-in offered " +
      (api.protocol === "h2"
        ? "h2 and http/1.1, as kube-apiserver does"
        : "only http/1.1 (--http1)") +
      "; TCP conns counts every connection opened, used or not. Scale N: N Secrets (one key each), N" +
      " registries.conf tables, N global auth entries. The floors run with the provider's" +
      " permission flags; `× floor` compares with the empty module for no mirror and with the" +
      " TLS fetch for one secret. Upstream blocks when the journal socket's queue is full" +
      " (go-systemd sends synchronously), so its time at scale includes the reader's pace.",
  );
  for (const [c, runs] of dropped) {
    notes.push(`${c.row.title}: journal records dropped in ${runs} of ${rounds} runs`);
  }
  for (const note of notes) console.log(`  - ${note}`);
  if (missed > 0) console.log(`\n${missed} target(s) missed.`);
  if (values["no-real-kube"] !== true) {
    for (const line of await benchRealKube({ rounds, log })) console.log(line);
  }
} finally {
  await journal?.close();
  await api.close();
  await Deno.remove(BENCH_ROOT, { recursive: true }).catch(() => {});
}
