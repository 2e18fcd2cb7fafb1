/**
 * One black-box run of the provider on a temporary node: upstream's S1 layout
 * (plus what a scenario adds), a real HTTPS API stand-in, optionally a
 * journal socket, and what the run left behind.
 */

import { type RecordedRequest, type StandInOptions, startApiStandIn } from "./api_stand_in.ts";
import type { CliResult } from "./run_cli.ts";
import { type NodeLayout, nodeLayout, runProvider } from "./node_layout.ts";
import { FILE, IMAGE, kubeletRequestFor, MIRRORED, MY_SECRET, TOKEN } from "./provider_fixtures.ts";
import { openTestJournal } from "./test_journal.ts";
import { withTempDir } from "./temp_tree.ts";

/** What a scenario changes from the S1 node. */
export interface Scenario {
  readonly files?: Record<string, string>;
  readonly api?: Omit<StandInOptions, "token">;
  readonly stdin?: string;
  readonly args?: readonly string[];
  readonly env?: Record<string, string>;
  /** Give the node a journal socket that collects what the run sends. */
  readonly journal?: boolean;
  /** Run against this API server instead of the stand-in (which still runs). */
  readonly apiServer?: (standInUrl: string) => string;
  readonly before?: (node: NodeLayout) => Promise<void>;
}

/** Names in `path`, none when it does not exist. */
export async function listDir(path: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(path)) names.push(entry.name);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return names.sort();
}

/** What a scenario's run did and left behind. */
export interface ScenarioResult extends CliResult {
  /** The auth file for the S1 pull, when there is one. */
  readonly written: string | undefined;
  /** How many requests the API stand-in received, and what they were. */
  readonly requests: number;
  readonly recorded: readonly RecordedRequest[];
  /** Journal entries, when the scenario had a journal. */
  readonly journal: readonly Record<string, string>[];
  /** Other files in the auth directory. */
  readonly leftovers: readonly string[];
  readonly node: NodeLayout;
  readonly authFile: string;
}

/** Runs the provider once in a fresh scenario and reports what it did. */
export async function scenario(options: Scenario): Promise<ScenarioResult> {
  return await withTempDir(async (root) => {
    const node = await nodeLayout(root, {
      "etc/containers/registries.conf": MIRRORED,
      ...options.files,
    });
    await options.before?.(node);
    const journal = options.journal ? openTestJournal(node.paths.journalSocket) : undefined;
    const api = startApiStandIn({ token: TOKEN, secrets: [MY_SECRET], ...options.api });
    try {
      const server = options.apiServer?.(api.url) ?? api.url;
      const result = await runProvider(node, options.stdin ?? kubeletRequestFor(IMAGE), {
        args: [`--api-server=${server}`, ...(options.args ?? [])],
        ...(options.env ? { env: options.env } : {}),
      });
      const authFile = `${node.paths.authDir}/${FILE}`;
      const written = await Deno.readTextFile(authFile).catch(() => undefined);
      const leftovers = (await listDir(node.paths.authDir)).filter((name) => name !== FILE);
      return {
        ...result,
        written,
        requests: api.requests.length,
        recorded: api.requests,
        journal: journal?.entries ?? [],
        leftovers,
        node,
        authFile,
      };
    } finally {
      await api.close();
      await journal?.close();
    }
  });
}
