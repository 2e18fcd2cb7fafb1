/**
 * What the cached-image tests (`tests/kubelet_cached_images_test.ts`) assert
 * for each pod start, and the rows they expect: with the provider's empty
 * credential, and for the control (its answer without `auth`).
 */

import { assertEquals } from "./assert.ts";
import { REPOSITORY } from "./cached_images_node.ts";
import { pod, type PullRecord, type StepResult } from "./kubelet_image_manager.ts";

/**
 * Who the record lets start the image without a pull: null (no record),
 * "node" (nodePodsAccessible), or the service accounts as `namespace/name`
 * (each checked to carry its UID).
 */
type Access = null | "node" | "no mapping" | readonly string[];

function access(record: PullRecord | null): Access {
  if (record === null) return null;
  const mapping = record.credentialMapping?.[REPOSITORY];
  if (mapping === undefined) return "no mapping";
  if (mapping.nodePodsAccessible) return "node";
  assertEquals(mapping.kubernetesSecrets ?? [], []);
  return (mapping.kubernetesServiceAccounts ?? []).map((account) => {
    assertEquals(account.uid, `sa-uid-${account.namespace}-${account.name}`);
    return `${account.namespace}/${account.name}`;
  }).sort();
}

/** What each row asserts: the outcome, what CRI-O saw, the provider runs and the record. */
export interface Row {
  readonly started: boolean;
  readonly error: string | null;
  readonly pulled: boolean;
  readonly pullAttempts: number;
  readonly authToCRI: { readonly username: string } | null;
  readonly dockerAuthConfig: boolean;
  readonly consumedAuthFile: boolean;
  readonly providerRuns: number;
  readonly access: Access;
}

function row(result: StepResult): Row {
  return {
    started: result.started,
    error: result.error,
    pulled: result.pulled,
    pullAttempts: result.pullAttempts,
    authToCRI: result.authToCRI,
    dockerAuthConfig: result.dockerAuthConfig,
    consumedAuthFile: result.consumedAuthFile,
    providerRuns: result.providerRuns,
    access: access(result.record),
  };
}

/** Asserts each row in its own step, so a failure names the row. */
export async function assertRows(
  t: Deno.TestContext,
  results: readonly StepResult[],
  expected: readonly (readonly [string, Row])[],
): Promise<void> {
  assertEquals(results.map((r) => r.name), expected.map(([name]) => name.split(":")[0]));
  for (const [index, [title, want]] of expected.entries()) {
    const result = results[index]!;
    await t.step(title, () => {
      assertEquals(row(result), want, `${result.message}\n${result.events.join("\n")}`);
    });
  }
}

const SA_A = "team-a/default";
const SA_A_BUILDER = "team-a/builder";
const SA_B = "team-b/default";

/** kubelet passed the provider's empty credential: CRI-O still uses the namespace's file. */
const EMPTY = { username: "" };

export const FIX_STEPS = [
  pod("a1", "team-a", "IfNotPresent"),
  pod("b1", "team-b", "IfNotPresent"),
  pod("c1", "team-c", "IfNotPresent"),
  pod("c2", "team-c", "Never"),
  pod("a2", "team-a", "IfNotPresent"),
  pod("a3", "team-a", "IfNotPresent", "builder"),
];

export const FIX_ROWS: readonly (readonly [string, Row])[] = [
  ["a1: team-a pulls with its file; kubelet records team-a's service account", {
    started: true,
    error: null,
    pulled: true,
    pullAttempts: 1,
    authToCRI: EMPTY,
    dockerAuthConfig: false,
    consumedAuthFile: true,
    providerRuns: 1,
    access: [SA_A],
  }],
  ["b1: team-b (IfNotPresent) pulls again with its own file", {
    started: true,
    error: null,
    pulled: true,
    pullAttempts: 1,
    authToCRI: EMPTY,
    dockerAuthConfig: false,
    consumedAuthFile: true,
    providerRuns: 1,
    access: [SA_A, SA_B],
  }],
  ["c1: team-c (IfNotPresent, no credentials) must pull and cannot: ErrImagePull", {
    started: false,
    error: "ErrImagePull",
    pulled: false,
    pullAttempts: 1,
    authToCRI: EMPTY,
    dockerAuthConfig: false,
    consumedAuthFile: false,
    providerRuns: 1,
    access: [SA_A, SA_B],
  }],
  ["c2: team-c (Never) may not use the cached image: ErrImageNeverPull", {
    started: false,
    error: "ErrImageNeverPull",
    pulled: false,
    pullAttempts: 0,
    authToCRI: null,
    dockerAuthConfig: false,
    consumedAuthFile: false,
    providerRuns: 1,
    access: [SA_A, SA_B],
  }],
  ["a2: team-a's service account starts the image without a pull", {
    started: true,
    error: null,
    pulled: false,
    pullAttempts: 0,
    authToCRI: null,
    dockerAuthConfig: false,
    consumedAuthFile: false,
    providerRuns: 1,
    access: [SA_A, SA_B],
  }],
  ["a3: another service account of team-a pulls again with team-a's file", {
    started: true,
    error: null,
    pulled: true,
    pullAttempts: 1,
    authToCRI: EMPTY,
    dockerAuthConfig: false,
    consumedAuthFile: true,
    providerRuns: 1,
    access: [SA_A_BUILDER, SA_A, SA_B],
  }],
];

export const CONTROL_STEPS = [
  pod("a1", "team-a", "IfNotPresent"),
  pod("b1", "team-b", "IfNotPresent"),
  pod("c1", "team-c", "IfNotPresent"),
  pod("c2", "team-c", "Never"),
];

/**
 * The answer without `auth`: kubelet pulls with no credentials, records the
 * image node-wide, and lets every pod start it. 1.34 looks credentials up
 * (runs the provider) on every start with the gate on; 1.35 only when the
 * record needs them.
 */
export function controlRows(eagerLookup: boolean): readonly (readonly [string, Row])[] {
  const noPull: Row = {
    started: true,
    error: null,
    pulled: false,
    pullAttempts: 0,
    authToCRI: null,
    dockerAuthConfig: false,
    consumedAuthFile: false,
    providerRuns: eagerLookup ? 1 : 0,
    access: "node",
  };
  return [
    ["a1: team-a pulls with no credentials to CRI-O; kubelet records nodePodsAccessible", {
      started: true,
      error: null,
      pulled: true,
      pullAttempts: 1,
      authToCRI: null,
      dockerAuthConfig: false,
      consumedAuthFile: true,
      providerRuns: 1,
      access: "node",
    }],
    ["b1: team-b starts the cached image without a pull", noPull],
    ["c1: team-c (IfNotPresent, no credentials) starts the cached image without a pull", noPull],
    ["c2: team-c (Never) starts the cached image", noPull],
  ];
}
