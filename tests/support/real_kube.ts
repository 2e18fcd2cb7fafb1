/**
 * The real-Kubernetes suites' requirements and their declaration: three Go
 * programs built from `tests/kube/go134.mod` (k8s.io/kubernetes v1.34.4) —
 * kube-apiserver itself, the control-plane fixture (`cmd/kube-fixture`) and
 * the kubelet driver (`cmd/kubelet-driver`) — and Debian's etcd on PATH.
 *
 * {@linkcode testWithRealKube} declares a test the way `go_oracle.ts` and
 * `tools.ts` do: when something is missing, the test is reported as ignored
 * outside CI (its name says what is missing and how to build it) and fails
 * in CI (`CI=true`); a program that does not build fails the test.
 *
 * @module
 */

import { GO_BUILD_COMMAND, type GoBuildOptions, goProgram } from "./go_programs.ts";
import { type KubeFixture, startKubeFixture } from "./kube_fixture.ts";
import { missingRequirements } from "./tools.ts";

const IN_CI = Deno.env.get("CI") === "true";

/** The Kubernetes release the suites run (the module file's). */
export const KUBE_MODFILE = "go134.mod";

/** The Go programs, by the name the tests use. */
export const REAL_KUBE_PROGRAMS = {
  apiServer: {
    name: "kube-apiserver",
    modfile: KUBE_MODFILE,
    package: "k8s.io/kubernetes/cmd/kube-apiserver",
  },
  fixture: { name: "kube-fixture", modfile: KUBE_MODFILE },
  driver: { name: "kubelet-driver", modfile: KUBE_MODFILE },
} as const satisfies Record<string, { readonly name: string } & GoBuildOptions>;

/** Paths of the built programs. */
export type RealKubePrograms = { readonly [K in keyof typeof REAL_KUBE_PROGRAMS]: string };

/** The built programs, or what is missing (one line each, with how to get it). */
export type RealKubeBuild =
  | { readonly programs: RealKubePrograms }
  | { readonly missing: readonly string[] };

let building: Promise<RealKubeBuild> | undefined;

/**
 * Builds (or reuses) the three programs and checks for etcd. A build that
 * fails (a compile error, a module the proxy cannot serve) throws.
 */
export function buildRealKube(): Promise<RealKubeBuild> {
  building ??= (async () => {
    const missing: string[] = [];
    const programs: Record<string, string> = {};
    // One after another: the first build fills the module and build caches the others use.
    for (const [key, spec] of Object.entries(REAL_KUBE_PROGRAMS)) {
      const built = await goProgram(spec.name, spec);
      if ("path" in built) programs[key] = built.path;
      else missing.push(built.missing);
    }
    if ((await missingRequirements(["etcd"])).length > 0) {
      missing.push("etcd (Debian package etcd-server: apt-get install etcd-server)");
    }
    return missing.length > 0 ? { missing } : { programs: programs as RealKubePrograms };
  })();
  building.catch(() => building = undefined);
  return building;
}

/** The commands that build the programs by hand, for a message. */
export function realKubeBuildCommands(): string {
  return Object.values(REAL_KUBE_PROGRAMS).map((spec) => GO_BUILD_COMMAND(spec.name, spec))
    .join(" && ");
}

/** What a real-Kubernetes test gets. */
export interface RealKubeContext {
  readonly kube: KubeFixture;
  readonly programs: RealKubePrograms;
}

/** More requirements of a test: tools on PATH, root. */
export interface RealKubeRequirements {
  readonly tools?: readonly string[];
  readonly root?: boolean;
}

/**
 * Declares a test that needs the programs (and `requirements`): they are
 * built before the test is declared, so their absence shows in its name.
 */
export async function testWithRealKubePrograms(
  name: string,
  requirements: RealKubeRequirements,
  fn: (t: Deno.TestContext, programs: RealKubePrograms) => Promise<void>,
): Promise<void> {
  let programs: RealKubePrograms | undefined;
  let missing: string[] = [];
  let failure: unknown;
  try {
    const built = await buildRealKube();
    if ("programs" in built) programs = built.programs;
    else missing = [...built.missing];
  } catch (error) {
    failure = error;
  }
  missing.push(...await missingRequirements(requirements.tools ?? [], requirements));
  Deno.test({
    name: missing.length === 0 ? name : `${name} (needs ${missing.join("; ")})`,
    ignore: missing.length > 0 && !IN_CI,
    // The fixture's servers and the provider's processes end inside the test.
    sanitizeOps: false,
    sanitizeResources: false,
    fn: async (t) => {
      if (failure !== undefined) throw failure;
      if (programs === undefined || missing.length > 0) {
        throw new Error(`Missing test requirements: ${missing.join("; ")}`);
      }
      await fn(t, programs);
    },
  });
}

/**
 * Declares a test against a real control plane, started for the test and
 * stopped after it, pass or fail.
 */
export async function testWithRealKube(
  name: string,
  fn: (t: Deno.TestContext, context: RealKubeContext) => Promise<void>,
): Promise<void> {
  await testWithRealKubePrograms(name, {}, async (t, programs) => {
    const kube = await startKubeFixture(programs.fixture, programs.apiServer);
    try {
      await fn(t, { kube, programs });
    } finally {
      await kube.close();
    }
  });
}
