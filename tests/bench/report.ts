/**
 * The benchmark's one table (medians over the rounds) and the targets of
 * issue 14 beside the measured ratios.
 *
 * @module
 */
// deno-lint-ignore-file no-console

import type { ApiStats } from "./api_server.ts";
import type { JournalStats } from "./journal_stand_in.ts";
import { median, quantile, type Run } from "./measure.ts";

/** Who runs in a row. */
export type Program = "floor" | "ours (bundle)" | "ours (modules)" | "upstream";

/** A measured row and all its samples. */
export interface Row {
  readonly scenario: string;
  readonly program: Program;
  readonly title: string;
  readonly runs: Run[];
  readonly api: ApiStats[];
  readonly journal: JournalStats[];
  /** Why the row was not measured. */
  readonly missing?: string;
}

/** A row's medians. */
export interface Summary {
  readonly ms: number;
  /** The middle half of the wall times. */
  readonly msQuartiles: readonly [number, number];
  readonly mib: number;
  readonly requests: number;
  readonly answerBytes: number;
  readonly rounds: number;
  readonly connections: number;
  readonly records: number;
  readonly protocols: string;
  readonly failures: number;
  readonly codes: string;
}

export function summarize(row: Row): Summary {
  const of = <T>(items: readonly T[], pick: (item: T) => number) => median(items.map(pick));
  return {
    ms: of(row.runs, (r) => r.ms),
    msQuartiles: [
      quantile(row.runs.map((r) => r.ms), 0.25),
      quantile(row.runs.map((r) => r.ms), 0.75),
    ],
    mib: of(row.runs, (r) => r.kb) / 1024,
    requests: of(row.api, (a) => a.requests),
    answerBytes: of(row.api, (a) => a.answerBytes),
    rounds: of(row.api, (a) => a.rounds),
    connections: of(row.api, (a) => a.connections),
    records: of(row.journal, (j) => j.records),
    protocols: [...new Set(row.api.flatMap((a) => a.protocols))].join("+") || "-",
    failures: row.api.reduce((sum, a) => sum + a.failures.length, 0),
    codes: [...new Set(row.runs.map((r) => r.code))].sort().join(","),
  };
}

const titleOf = (scenario: string) =>
  scenario.startsWith("scale-")
    ? `scale ${Number(scenario.slice(6)).toLocaleString("en-US")}`
    : scenario.replace("-", " ");
const fixed = (value: number, digits = 1) => Number.isFinite(value) ? value.toFixed(digits) : "-";
const ratio = (a: number, b: number) =>
  Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : "-";
const count = (value: number) =>
  Number.isFinite(value) ? Math.round(value).toLocaleString("en-US") : "-";
const bytes = (value: number) =>
  !Number.isFinite(value)
    ? "-"
    : value >= 1024 * 1024
    ? `${(value / 1024 / 1024).toFixed(2)} MiB`
    : value >= 1024
    ? `${(value / 1024).toFixed(1)} KiB`
    : `${value} B`;

/** Prints the table and the targets; returns the number of targets missed. */
export function printReport(rows: readonly Row[], floors: { empty: string; tls: string }): number {
  const summaries = new Map(rows.map((row) => [row, summarize(row)]));
  const find = (scenario: string, program: Program) =>
    rows.find((r) => r.scenario === scenario && r.program === program && r.missing === undefined);
  const get = (scenario: string, program: Program) => {
    const row = find(scenario, program);
    return row === undefined ? undefined : summaries.get(row);
  };
  const floorOf = (scenario: string) =>
    scenario === "no-mirror" ? get(floors.empty, "floor") : get(floors.tls, "floor");

  console.log(
    "| row | wall | wall p25–p75 | × upstream | × floor | peak RSS | × upstream | API requests | API answer bytes" +
      " | API rounds | TCP conns | HTTP | journal records | exit |",
  );
  console.log(
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- |",
  );
  for (const row of rows) {
    if (row.missing !== undefined) {
      console.log(`| ${row.title} | not measured: ${row.missing} ||||||||||||`);
      continue;
    }
    const s = summaries.get(row)!;
    const up = row.program.startsWith("ours") ? get(row.scenario, "upstream") : undefined;
    const floor = row.program === "floor" || row.scenario.startsWith("scale")
      ? undefined
      : floorOf(row.scenario);
    console.log(
      `| ${row.title} | ${fixed(s.ms)} ms | ${fixed(s.msQuartiles[0])}–${
        fixed(s.msQuartiles[1])
      } | ${up ? ratio(s.ms, up.ms) : ""} | ${floor ? ratio(s.ms, floor.ms) : ""} | ${
        fixed(s.mib)
      } MiB | ${up ? ratio(s.mib, up.mib) : ""} | ${count(s.requests)} | ${
        bytes(s.answerBytes)
      } | ${count(s.rounds)} | ${count(s.connections)} | ${s.protocols} | ${count(s.records)} | ${
        s.codes === "0" ? "0" : `**${s.codes}**`
      } |`,
    );
  }

  const targets: [string, string, boolean | undefined][] = [];
  // A row whose runs failed measured nothing a target can be met with.
  const failed = (...measured: readonly (Summary | undefined)[]) =>
    measured.flatMap((m) => m === undefined || m.codes === "0" ? [] : [m.codes]);
  const target = (
    name: string,
    [a, b]: readonly [Summary | undefined, Summary | undefined],
    pick: (summary: Summary) => number,
    limit: number,
    strict = false,
  ) => {
    const bound = strict ? `< ${limit}×` : `≤ ${limit}×`;
    if (a === undefined || b === undefined) targets.push([name, "not measured", undefined]);
    else if (failed(a, b).length > 0) {
      targets.push([`${name}: runs exited ${failed(a, b).join(", ")}`, bound, false]);
    } else {
      const value = pick(a) / pick(b);
      targets.push([
        `${name}: ${value.toFixed(2)}×`,
        bound,
        strict ? value < limit : value <= limit,
      ]);
    }
  };
  const bundle = (scenario: string) => get(scenario, "ours (bundle)");
  const ms = (summary: Summary) => summary.ms;
  target(
    "no mirror / empty-module floor (bundle)",
    [bundle("no-mirror"), get(floors.empty, "floor")],
    ms,
    1.25,
  );
  target(
    "one secret / TLS-fetch floor (bundle)",
    [bundle("one-secret"), get(floors.tls, "floor")],
    ms,
    1.25,
  );
  const scales = [...new Set(rows.map((r) => r.scenario).filter((s) => s.startsWith("scale-")))];
  for (const scale of scales) {
    target(
      `${titleOf(scale)} wall time / upstream (bundle, with journald)`,
      [bundle(scale), get(scale, "upstream")],
      ms,
      1,
      true,
    );
  }
  target(
    "scale 5,000 peak memory / upstream (bundle)",
    [bundle("scale-5000"), get("scale-5000", "upstream")],
    (summary) => summary.mib,
    1.5,
  );
  const counted = [bundle("one-secret"), ...scales.map(bundle)];
  if (failed(...counted).length > 0) {
    targets.push([
      `journal records and API round trips (bundle): runs exited ${failed(...counted).join(", ")}`,
      "runs that exit 0",
      false,
    ]);
    return report(targets);
  }
  const records = scales.map((s) => bundle(s)?.records).filter((r) => r !== undefined);
  if (records.length > 0) {
    const first = records[0]!;
    const last = records.at(-1)!;
    targets.push([
      `journal records per pull across scales (bundle): ${records.map(count).join(" → ")}`,
      "bounded: not growing with scale, ≤ 1,000",
      last <= first && Math.max(...records) <= 1000,
    ]);
  }
  for (const scenario of ["one-secret", ...scales]) {
    const rounds = bundle(scenario)?.rounds;
    if (rounds === undefined) continue;
    targets.push([
      `API round trips in latency, ${titleOf(scenario)} (bundle): ${count(rounds)}`,
      "≤ 1",
      rounds <= 1,
    ]);
  }
  return report(targets);
}

/** Prints the targets; returns how many were missed. */
function report(targets: readonly [string, string, boolean | undefined][]): number {
  console.log("\nTargets (issue 14), measured in this run:");
  let missed = 0;
  for (const [name, limit, met] of targets) {
    if (met === false) missed++;
    const mark = met === undefined ? "n/a   " : met ? "met   " : "MISSED";
    console.log(`  ${mark} ${name} (target ${limit})`);
  }
  return missed;
}
