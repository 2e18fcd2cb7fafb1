/**
 * What the benchmark runs: for every scenario, our bundle (as `build.ts`
 * makes it, its default paths pointing at the scenario's node, run without
 * arguments as kubelet runs a packaged build), our module graph (`deno run
 * src/main.ts` with path flags) and upstream's build for that node; and the
 * two floors, `deno run` of an empty module and of one TLS fetch.
 *
 * @module
 */

import { MAX_PULL_SECRETS } from "../../adapters/kube_api.ts";
import { bundleSources, resolveStamp, stageSources } from "../../build.ts";
import { permissionFlags } from "../../src/permissions.ts";
import type { NodeLayout } from "../support/node_layout.ts";
import { DENO_DIR } from "../support/run_cli.ts";
import type { Invocation } from "./measure.ts";
import type { Program, Row } from "./report.ts";
import { BENCH_ROOT, type Scenario, type ScenarioNodes } from "./scenarios.ts";
import { buildUpstream } from "./upstream_build.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const MAIN = `${ROOT}src/main.ts`;
const EMPTY = new URL("./empty.ts", import.meta.url).pathname;
const TLS_FETCH = new URL("./tls_fetch.ts", import.meta.url).pathname;

/** One row to measure and how to run it. */
export interface Case {
  readonly row: Row;
  readonly invocation?: Invocation;
  /** The journal socket the run logs to. */
  readonly socket?: string;
  /** Whether the run is a provider (its answer is checked). */
  readonly provider: boolean;
  readonly node?: NodeLayout;
}

/** The floors' scenarios (whose nodes they run on). */
export const FLOORS = { empty: "floor-empty", tls: "floor-tls" } as const;

function row(scenario: string, program: Program, title: string, missing?: string): Row {
  return {
    scenario,
    program,
    title,
    runs: [],
    api: [],
    journal: [],
    ...(missing === undefined ? {} : { missing }),
  };
}

function deno(
  setup: CaseSetup,
  node: NodeLayout,
  module: string,
  { args = [], cwd }: { args?: readonly string[]; cwd: string },
): Invocation {
  return {
    command: [
      ...setup.wrap,
      Deno.execPath(),
      "run",
      "--no-prompt",
      "--cached-only",
      ...permissionFlags(node.paths),
      // After the binary's own: V8 keeps the last value of a flag given twice.
      ...(setup.v8Flags === undefined ? [] : [`--v8-flags=${setup.v8Flags}`]),
      module,
      ...args,
    ],
    cwd,
    env: { HOME: node.paths.home, DENO_DIR },
    stdin: "",
  };
}

/** Stages and bundles the sources with `node`'s paths as build defaults, as build.ts does. */
async function bundleFor(node: NodeLayout, name: string): Promise<{ dir: string; entry: string }> {
  const dir = `${BENCH_ROOT}/stage/${name}`;
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  await Deno.mkdir(dir, { recursive: true });
  const { caFile: _, ...defaults } = node.paths;
  const stamp = await resolveStamp({});
  await stageSources({ ...stamp, defaults }, dir);
  return { dir, entry: await bundleSources(dir) };
}

/** Everything needed to make the cases. */
export interface CaseSetup {
  readonly scenarios: readonly Scenario[];
  readonly nodes: ReadonlyMap<string, ScenarioNodes>;
  readonly apiUrl: string;
  readonly modules: boolean;
  readonly upstream: boolean;
  /**
   * V8 flags added to every `deno run` row, floors included (V8 joins them
   * with the binary's own), to compare a setting within one run.
   */
  readonly v8Flags?: string;
  /** A command every `deno run` row runs under (a profiler, strace), or none. */
  readonly wrap: readonly string[];
  /** Progress lines. */
  readonly log: (line: string) => void;
}

/** Builds what each case runs (bundles, upstream builds) and returns the cases in report order. */
export async function makeCases(setup: CaseSetup): Promise<Case[]> {
  const cases: Case[] = [];
  const bundles = new Map<string, { dir: string; entry: string }>();
  for (const scenario of setup.scenarios) {
    const { ours } = setup.nodes.get(scenario.name)!;
    setup.log(`bundling for ${scenario.name}`);
    bundles.set(scenario.name, await bundleFor(ours, scenario.name));
  }
  const noMirror = setup.nodes.get("no-mirror")!.ours;
  const oneSecret = setup.scenarios.find((s) => s.name === "one-secret")!;
  const oneSecretNode = setup.nodes.get("one-secret")!.ours;
  cases.push({
    row: row(FLOORS.empty, "floor", "floor: `deno run` of an empty module"),
    invocation: deno(setup, noMirror, EMPTY, { cwd: bundles.get("no-mirror")!.dir }),
    provider: false,
  });
  const query = new URLSearchParams({
    fieldSelector: "type=kubernetes.io/dockerconfigjson",
    limit: `${MAX_PULL_SECRETS + 1}`,
  });
  cases.push({
    row: row(FLOORS.tls, "floor", "floor: `deno run` of one TLS fetch (same client setup)"),
    invocation: deno(setup, oneSecretNode, TLS_FETCH, {
      args: [
        `${oneSecretNode.paths.kubernetesConfigDir}/pki/ca.crt`,
        `${setup.apiUrl}/api/v1/namespaces/${oneSecret.namespace}/secrets?${query}`,
        oneSecret.token,
      ],
      cwd: bundles.get("one-secret")!.dir,
    }),
    provider: false,
  });
  for (const scenario of setup.scenarios) {
    const nodes = setup.nodes.get(scenario.name)!;
    const bundle = bundles.get(scenario.name)!;
    const withStdin = (invocation: Invocation) => ({ ...invocation, stdin: scenario.request });
    cases.push({
      row: row(scenario.name, "ours (bundle)", `${scenario.title}: ours, bundle`),
      invocation: withStdin(deno(setup, nodes.ours, bundle.entry, { cwd: bundle.dir })),
      socket: nodes.ours.paths.journalSocket,
      provider: true,
      node: nodes.ours,
    });
    if (setup.modules) {
      cases.push({
        row: row(scenario.name, "ours (modules)", `${scenario.title}: ours, module graph`),
        invocation: withStdin(
          deno(setup, nodes.ours, MAIN, { args: nodes.ours.flags, cwd: ROOT }),
        ),
        socket: nodes.ours.paths.journalSocket,
        provider: true,
        node: nodes.ours,
      });
    }
    if (!setup.upstream) continue;
    setup.log(`building upstream for ${scenario.name}`);
    const built = await buildUpstream(scenario.name, nodes.upstream.paths);
    const title = `${scenario.title}: upstream v0.1.2`;
    if ("missing" in built) {
      cases.push({ row: row(scenario.name, "upstream", title, built.missing), provider: true });
      continue;
    }
    cases.push({
      row: row(scenario.name, "upstream", title),
      invocation: {
        command: [built.path],
        cwd: nodes.upstream.root,
        env: { HOME: nodes.upstream.paths.home },
        stdin: scenario.request,
      },
      socket: nodes.upstream.paths.journalSocket,
      provider: true,
      node: nodes.upstream,
    });
  }
  return cases;
}
