/**
 * Cached private images and kubelet's pull records (KEP-2535,
 * KubeletEnsureSecretPulledImages), with kubelet's own code: the Go harness
 * `tests/kube/cmd/kubelet-image-manager`, built against Kubernetes v1.35.4
 * (`go135.mod`) and v1.34.4 (`go134.mod`), runs kubelet's image manager,
 * pull manager and credential-provider plugin code, which execs the real
 * provider (`deno run <the binary's permissions> src/main.ts`) through a
 * wrapper that counts its runs. Only the container runtime is faked, as
 * CRI-O with namespaced auth files: the image is private, reachable only
 * through a mirror with the pod namespace's auth file (see the harness's
 * `crio.go`).
 *
 * The node: registries.conf mirrors registry.example.com to
 * mirror.example:5000, the global auth file is empty, and the API stand-in
 * has a pull secret for the mirror in team-a and team-b, none in team-c.
 *
 * With the provider's empty credential for the requested image (its answer
 * when the request carries a token), kubelet records the pull per service
 * account: team-b pulls again with its own file, team-c can neither pull nor
 * start the cached image (IfNotPresent: ErrImagePull; Never:
 * ErrImageNeverPull), and team-a's service account starts it without a pull.
 * Only those rows depend on that answer. The control runs the same provider
 * through a wrapper that drops `auth` from its answer (the answer before that
 * change): the pull is recorded `nodePodsAccessible` and team-c starts the
 * image without a pull, whatever the verification policy. So does it when
 * kubelet's node keyring has an entry for the registry (tried first), and,
 * with the gate off (the 1.34 default), nothing is recorded at all.
 */

import assert from "node:assert/strict";
import { permissionFlags } from "../src/permissions.ts";
import { assertEquals } from "./support/assert.ts";
import { type StandInSecret, startApiStandIn } from "./support/api_stand_in.ts";
import { type GoBuildOptions, goProgram } from "./support/go_programs.ts";
import { runGoProgram, testWithGoProgram } from "./support/go_oracle.ts";
import { type NodeLayout, nodeLayout } from "./support/node_layout.ts";
import { DENO_DIR, MAIN, PROVIDER_BIN } from "./support/run_cli.ts";
import { withTempDir } from "./support/temp_tree.ts";

const IMAGE = "registry.example.com/team/app:v1";
/** The image as the pull record maps it: repository, no tag or digest. */
const REPOSITORY = "registry.example.com/team/app";
const MIRROR = "mirror.example:5000";
const AUDIENCE = "https://kubernetes.default.svc";
const PROVIDER = "crio-credential-provider";

const REGISTRIES_CONF = `[[registry]]\nlocation = "registry.example.com"\n` +
  `[[registry.mirror]]\nlocation = "${MIRROR}"\n`;

const PROVIDER_CONFIG = `apiVersion: kubelet.config.k8s.io/v1
kind: CredentialProviderConfig
providers:
  - name: ${PROVIDER}
    matchImages:
      - registry.example.com
    defaultCacheDuration: 1s
    apiVersion: credentialprovider.kubelet.k8s.io/v1
    tokenAttributes:
      serviceAccountTokenAudience: ${AUDIENCE}
      cacheType: Token
      requireServiceAccount: false
`;

function mirrorSecret(namespace: string, user: string): StandInSecret {
  return {
    name: "mirror-pull",
    namespace,
    type: "kubernetes.io/dockerconfigjson",
    data: {
      ".dockerconfigjson": JSON.stringify({
        auths: { [MIRROR]: { auth: btoa(`${user}:${user}-password`) } },
      }),
    },
  };
}

const SECRETS = [mirrorSecret("team-a", "team-a"), mirrorSecret("team-b", "team-b")];

/**
 * The API stand-in accepts the harness's unsigned tokens for the namespace
 * their claim names, with the provider's audience.
 */
function acceptToken(token: string, namespace: string): boolean {
  try {
    const payload = token.split(".")[1] ?? "";
    const claims = JSON.parse(
      new TextDecoder().decode(Uint8Array.fromBase64(payload, { alphabet: "base64url" })),
    );
    const audiences: unknown = claims.aud;
    return namespace !== "" && claims["kubernetes.io"]?.namespace === namespace &&
      Array.isArray(audiences) && audiences.includes(AUDIENCE);
  } catch {
    return false;
  }
}

// --- the harness's input and output ---

type PullPolicy = "IfNotPresent" | "Never" | "Always";
type Policy =
  | "NeverVerifyPreloadedImages"
  | "AlwaysVerify"
  | "NeverVerify"
  | "NeverVerifyAllowlistedImages";

interface Step {
  readonly name: string;
  readonly namespace: string;
  readonly podName: string;
  readonly podUID: string;
  readonly serviceAccount: string;
  readonly serviceAccountUID: string;
  readonly image: string;
  readonly pullPolicy: PullPolicy;
}

/** A pod in `namespace` (service account `default` unless given) starting IMAGE. */
function pod(
  name: string,
  namespace: string,
  pullPolicy: PullPolicy,
  serviceAccount = "default",
): Step {
  return {
    name,
    namespace,
    podName: `pod-${name}`,
    podUID: `pod-uid-${name}`,
    serviceAccount,
    serviceAccountUID: `sa-uid-${namespace}-${serviceAccount}`,
    image: IMAGE,
    pullPolicy,
  };
}

interface ServiceAccountCoordinates {
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
}

interface PullRecord {
  readonly kind: string;
  readonly apiVersion: string;
  readonly imageRef: string;
  readonly credentialMapping?: Record<string, {
    readonly nodePodsAccessible?: boolean;
    readonly kubernetesSecrets?: readonly unknown[];
    readonly kubernetesServiceAccounts?: readonly ServiceAccountCoordinates[];
  }>;
}

interface StepResult {
  readonly name: string;
  readonly started: boolean;
  readonly error: string | null;
  readonly message: string;
  readonly pulled: boolean;
  readonly pullAttempts: number;
  readonly authToCRI: { readonly username: string } | null;
  readonly dockerAuthConfig: boolean;
  readonly consumedAuthFile: boolean;
  readonly providerRuns: number;
  readonly events: readonly string[];
  readonly record: PullRecord | null;
}

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
interface Row {
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

// --- the node, the provider wrapper, one run of the harness ---

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** Drops `auth` from the provider's answer: the answer before the empty-credential change. */
const STRIP_AUTH = `const answer = JSON.parse(await new Response(Deno.stdin.readable).text());
delete answer.auth;
await Deno.stdout.write(new TextEncoder().encode(JSON.stringify(answer) + "\\n"));
`;

/**
 * The executable kubelet runs: appends a line to `runsFile`, then runs the
 * provider exactly as kubelet would run the binary (a clean environment, the
 * binary's permissions), its answer passed on as is, or without `auth`.
 */
function providerWrapper(
  node: NodeLayout,
  apiServer: string,
  runsFile: string,
  stripAuthScript: string | undefined,
): string {
  const environment = [
    "env",
    "-i",
    "NO_COLOR=1",
    `DENO_DIR=${DENO_DIR}`,
    `HOME=${node.paths.home}`,
  ];
  const flags = [...node.flags, `--api-server=${apiServer}`];
  const provider = PROVIDER_BIN === undefined
    ? [
      ...environment,
      Deno.execPath(),
      "run",
      "--no-prompt",
      "--cached-only",
      ...permissionFlags(node.paths),
      MAIN,
      ...flags,
    ]
    : [...environment, PROVIDER_BIN, ...flags];
  const command = provider.map(shellQuote).join(" ");
  const lines = ["#!/bin/sh", `printf 'run\\n' >> ${shellQuote(runsFile)}`];
  if (stripAuthScript === undefined) {
    lines.push(`exec ${command}`);
  } else {
    const strip = [...environment, Deno.execPath(), "run", "--no-prompt", stripAuthScript]
      .map(shellQuote).join(" ");
    lines.push(
      `answer=$(${command}) || exit $?`,
      `printf '%s\\n' "$answer" | exec ${strip}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

interface Scenario {
  /** "fix": the provider as it is; "control": its answer without `auth`. */
  readonly provider: "fix" | "control";
  readonly policy: Policy;
  readonly gate: boolean;
  readonly steps: readonly Step[];
  /** Entries of kubelet's node keyring (its config.json), by registry. */
  readonly nodeKeyring?: Record<string, { readonly username: string; readonly password: string }>;
}

/** Runs the harness over a fresh node and API stand-in. */
async function runScenario(harness: string, scenario: Scenario): Promise<StepResult[]> {
  return await withTempDir(async (root) => {
    const node = await nodeLayout(root, {
      "etc/containers/registries.conf": REGISTRIES_CONF,
      "var/lib/kubelet/config.json": '{"auths":{}}\n',
      "kubelet/provider-config.yaml": PROVIDER_CONFIG,
    });
    await Deno.mkdir(node.paths.authDir, { recursive: true, mode: 0o700 });
    await Deno.mkdir(`${root}/kubelet/plugins`, { recursive: true });
    await Deno.mkdir(`${root}/kubelet/root`, { recursive: true });
    const runsFile = `${root}/kubelet/provider-runs`;
    let stripAuth: string | undefined;
    if (scenario.provider === "control") {
      stripAuth = `${root}/kubelet/strip_auth.ts`;
      await Deno.writeTextFile(stripAuth, STRIP_AUTH);
    }
    const api = startApiStandIn({ token: "unused", acceptToken, secrets: SECRETS });
    try {
      const wrapper = `${root}/kubelet/plugins/${PROVIDER}`;
      await Deno.writeTextFile(wrapper, providerWrapper(node, api.url, runsFile, stripAuth), {
        mode: 0o755,
      });
      const input = {
        binDir: `${root}/kubelet/plugins`,
        providerConfig: `${root}/kubelet/provider-config.yaml`,
        recordsDir: `${root}/kubelet/root`,
        authDir: node.paths.authDir,
        providerRunsFile: runsFile,
        policy: scenario.policy,
        gate: scenario.gate,
        apiServer: api.url,
        steps: scenario.steps,
        ...(scenario.nodeKeyring === undefined ? {} : { nodeKeyring: scenario.nodeKeyring }),
      };
      const { lines, stderr } = await runGoProgram(harness, JSON.stringify(input));
      assert.equal(lines.length, scenario.steps.length, stderr);
      return lines as StepResult[];
    } finally {
      await api.close();
    }
  });
}

/** Asserts each row in its own step, so a failure names the row. */
async function assertRows(
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

// --- expected rows ---

const SA_A = "team-a/default";
const SA_A_BUILDER = "team-a/builder";
const SA_B = "team-b/default";

/** kubelet passed the provider's empty credential: CRI-O still uses the namespace's file. */
const EMPTY = { username: "" };

const FIX_STEPS = [
  pod("a1", "team-a", "IfNotPresent"),
  pod("b1", "team-b", "IfNotPresent"),
  pod("c1", "team-c", "IfNotPresent"),
  pod("c2", "team-c", "Never"),
  pod("a2", "team-a", "IfNotPresent"),
  pod("a3", "team-a", "IfNotPresent", "builder"),
];

const FIX_ROWS: readonly (readonly [string, Row])[] = [
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

const CONTROL_STEPS = [
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
function controlRows(eagerLookup: boolean): readonly (readonly [string, Row])[] {
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

// --- the tests ---

interface Kubernetes {
  readonly title: string;
  readonly program: { readonly name: string } & GoBuildOptions;
  readonly version: string;
  /** KubeletEnsureSecretPulledImages by default. */
  readonly gateDefault: boolean;
  /** The version kubelet writes pull records in. */
  readonly recordVersion: string;
  /** Credentials are looked up (the provider runs) on every start, not only when needed. */
  readonly eagerLookup: boolean;
}

const KUBERNETES: readonly Kubernetes[] = [
  {
    title: "Kubernetes v1.35.4",
    program: { name: "kubelet-image-manager", modfile: "go135.mod" },
    version: "v1.35.4",
    gateDefault: true,
    recordVersion: "kubelet.config.k8s.io/v1beta1",
    eagerLookup: false,
  },
  {
    title: "Kubernetes v1.34.4 with KubeletEnsureSecretPulledImages",
    program: { name: "kubelet-image-manager", modfile: "go134.mod" },
    version: "v1.34.4",
    gateDefault: false,
    recordVersion: "kubelet.config.k8s.io/v1alpha1",
    eagerLookup: true,
  },
];

// Both builds start at once (each takes minutes without a Go build cache);
// each test declaration below then waits for its own.
await Promise.allSettled(KUBERNETES.map(({ program }) => goProgram(program.name, program)));

for (const kubernetes of KUBERNETES) {
  await testWithGoProgram(
    `kubelet ${kubernetes.title}: a cached private image stays with the namespaces that pulled it`,
    kubernetes.program,
    async (t, harness) => {
      await t.step(`the harness runs kubelet ${kubernetes.version}`, async () => {
        const { lines } = await runGoProgram(harness, "", ["-version"]);
        assertEquals(lines, [{
          kubernetes: kubernetes.version,
          defaultGates: {
            KubeletEnsureSecretPulledImages: kubernetes.gateDefault,
            KubeletServiceAccountTokenForCredentialProviders: true,
          },
        }]);
      });

      await t.step(
        "with the provider's empty credential (NeverVerifyPreloadedImages)",
        async (t) => {
          const results = await runScenario(harness, {
            provider: "fix",
            policy: "NeverVerifyPreloadedImages",
            gate: true,
            steps: FIX_STEPS,
          });
          await assertRows(t, results, FIX_ROWS);
          await t.step("the record is kubelet's, for the image ID CRI-O reports", () => {
            const record = results[0]!.record!;
            assertEquals([record.kind, record.apiVersion], [
              "ImagePulledRecord",
              kubernetes.recordVersion,
            ]);
            assert.match(record.imageRef, /^[0-9a-f]{64}$/);
          });
        },
      );

      await t.step(
        "limit: a node keyring entry for the registry comes first and is recorded node-wide",
        async (t) => {
          const results = await runScenario(harness, {
            provider: "fix",
            policy: "NeverVerifyPreloadedImages",
            gate: true,
            steps: [pod("a1", "team-a", "IfNotPresent"), pod("c1", "team-c", "IfNotPresent")],
            nodeKeyring: {
              "registry.example.com": { username: "node", password: "node-password" },
            },
          });
          await assertRows(t, results, [
            ["a1: team-a pulls with the node's credential, CRI-O still consumes the file", {
              started: true,
              error: null,
              pulled: true,
              pullAttempts: 1,
              authToCRI: { username: "node" },
              dockerAuthConfig: true,
              consumedAuthFile: true,
              providerRuns: 1,
              access: "node",
            }],
            ["c1: team-c starts the cached image without a pull", {
              started: true,
              error: null,
              pulled: false,
              pullAttempts: 0,
              authToCRI: null,
              dockerAuthConfig: false,
              consumedAuthFile: false,
              providerRuns: kubernetes.eagerLookup ? 1 : 0,
              access: "node",
            }],
          ]);
        },
      );

      for (const policy of ["NeverVerifyPreloadedImages", "AlwaysVerify"] as const) {
        await t.step(`control: the answer without auth (${policy})`, async (t) => {
          const results = await runScenario(harness, {
            provider: "control",
            policy,
            gate: true,
            steps: CONTROL_STEPS,
          });
          await assertRows(t, results, controlRows(kubernetes.eagerLookup));
        });
      }
    },
  );
}

await testWithGoProgram(
  "kubelet Kubernetes v1.34.4 default (KubeletEnsureSecretPulledImages off): no record, any namespace starts the cached image",
  KUBERNETES[1]!.program,
  async (_t, harness) => {
    const results = await runScenario(harness, {
      provider: "fix",
      policy: "NeverVerifyPreloadedImages",
      gate: false,
      steps: [pod("a1", "team-a", "IfNotPresent"), pod("c1", "team-c", "IfNotPresent")],
    });
    assertEquals(
      results.map((r) => [r.name, r.started, r.pulled, r.providerRuns, r.record]),
      [["a1", true, true, 1, null], ["c1", true, false, 0, null]],
    );
  },
);
