/**
 * The port against the real containers/image (Debian's skopeo 1.9): for every
 * fixed vector and for random scenarios, the endpoints tried, in order, which
 * of them are refused as blocked, and the configuration errors must agree.
 *
 * Replay a run with DIFFERENTIAL_SEED=<seed> (printed in the test name);
 * DIFFERENTIAL_CASES sets the number of random scenarios (default 500).
 */

import { assertEquals } from "./support/assert.ts";
import { readRegistriesSources } from "../adapters/registries_files.ts";
import {
  parseNormalizedReference,
  referenceName,
  referenceString,
} from "../domain/registries/image_reference.ts";
import { pullSources } from "../domain/registries/pull_sources.ts";
import { loadRegistriesConf } from "../domain/registries/registries_conf.ts";
import { DISCOVERY_CASES } from "./support/discovery_vectors.ts";
import { Random, randomScenario, type Scenario } from "./support/random_registries.ts";
import { registriesFixture, registriesVectors } from "./support/registries_fixtures.ts";
import {
  type OracleAnswer,
  prepareOracleRoot,
  skopeoPullSources,
} from "./support/skopeo_oracle.ts";
import { withTempDir, writeTree } from "./support/temp_tree.ts";
import { testWithTools } from "./support/tools.ts";

/**
 * Vectors where skopeo 1.9's containers/image 5.23 is older than the 5.38 that
 * CRI-O 1.36 vendors and the vectors describe; the vectors win (tested in
 * tests/domain/registries/registries_conf_test.ts), so these stay out of the comparison.
 */
const OLDER_THAN_CRIO: Record<string, string> = {
  R09: "5.23 keeps a trailing '/' on mirror locations (stripped since 5.35)",
  R44: "5.23 treats empty V1 arrays as unset (an error since 5.24)",
};

const SEED = Number(Deno.env.get("DIFFERENTIAL_SEED") ?? Math.floor(Math.random() * 2 ** 31));
const CASES = Number(Deno.env.get("DIFFERENTIAL_CASES") ?? 500);
const PARALLEL = 6;

async function portAnswer(root: string, image: string): Promise<OracleAnswer> {
  try {
    const conf = loadRegistriesConf(await readRegistriesSources({ root, home: `${root}/home` }));
    const reference = parseNormalizedReference(image);
    const bare = reference.tag === undefined && reference.digest === undefined;
    const plan = pullSources(conf, reference, { digested: bare || reference.digest !== undefined });
    return {
      sources: plan.sources.map((s) => ({ name: referenceName(s.reference), blocked: s.blocked })),
    };
  } catch (error) {
    return {
      error: (error as Error).message.replaceAll(`${root}/etc/containers`, "/etc/containers"),
    };
  }
}

/** Both answers in one comparable shape, keeping only what the two versions share. */
function comparable(answer: OracleAnswer, root: string): unknown {
  if ("sources" in answer) return answer;
  const message = answer.error
    .replace(/^Error parsing image name "[^"]*": /, "")
    .replace(/^loading registries configuration: /, "")
    .replaceAll(`${root}/`, "/")
    .replaceAll("interface {}", "any"); // BurntSushi before v1.4 spells `any` the long way
  // Only Go can print the struct dump that 5.38 appends (5.23 prints none);
  // a TOML syntax error's wording is the parser's.
  const mixing = /^(.*mixing sysregistry v1\/v2 is not supported)/.exec(message);
  const syntax = /^(.*: toml: line \d+: )(?!.*last key)/.exec(message);
  return { error: mixing?.[1] ?? syntax?.[1] ?? message };
}

interface Disagreement {
  readonly where: string;
  readonly image: string;
  readonly port: unknown;
  readonly containersImage: unknown;
  readonly files?: Record<string, string>;
}

async function compare(
  root: string,
  image: string,
  where: string,
): Promise<Disagreement | undefined> {
  const [port, oracle] = await Promise.all([
    portAnswer(root, image),
    skopeoPullSources(root, image),
  ]);
  const a = comparable(port, root);
  const b = comparable(oracle, root);
  return JSON.stringify(a) === JSON.stringify(b)
    ? undefined
    : { where, image, port: a, containersImage: b };
}

async function runScenario(scenario: Scenario, where: string): Promise<Disagreement[]> {
  return await withTempDir(async (root) => {
    await prepareOracleRoot(root);
    await writeTree(root, scenario.files);
    const found: Disagreement[] = [];
    for (const image of scenario.images) {
      const d = await compare(root, image, where);
      if (d !== undefined) found.push({ ...d, files: scenario.files });
    }
    return found;
  });
}

async function pool<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return results;
}

/** Lookup strings of the vectors that are also images as a user would name them. */
function isImage(ref: string): boolean {
  try {
    return referenceString(parseNormalizedReference(ref)) === ref;
  } catch {
    return false;
  }
}

const REQUIREMENTS = { tools: ["skopeo", "unshare", "mount"], root: true };

await testWithTools(
  "containers/image differential: Part R and D vectors",
  REQUIREMENTS,
  async (t) => {
    for (const vector of await registriesVectors()) {
      if (vector.id in OLDER_THAN_CRIO) continue;
      await t.step(`${vector.id}: ${vector.name}`, async () => {
        const sources = await registriesFixture(vector.fixture);
        const files: Record<string, string> = {};
        if (sources.main) files["etc/containers/registries.conf"] = sources.main.text;
        for (const d of sources.dropIns) files[d.path.slice(1)] = d.text;
        const images = [
          ...(vector.lookups ?? []).map((l) => l.ref),
          ...(vector.pullSources ?? []).map((p) => p.ref),
        ].filter(isImage);
        assertEquals(
          await runScenario(
            { files, images: images.length ? images : ["docker.io/library/nginx"] },
            vector.id,
          ),
          [],
        );
      });
    }
    for (const c of DISCOVERY_CASES) {
      await t.step(c.name, async () => {
        const files = Object.fromEntries(
          Object.entries(c.files).filter(([, e]) => typeof e === "string"),
        ) as Record<string, string>;
        assertEquals(await runScenario({ files, images: ["docker.io/library/nginx"] }, c.name), []);
      });
    }
  },
);

await testWithTools(
  `containers/image differential: ${CASES} random scenarios (seed ${SEED})`,
  REQUIREMENTS,
  async () => {
    const random = new Random(SEED);
    const scenarios = Array.from({ length: CASES }, () => randomScenario(random));
    const results = await pool(
      scenarios.map((s, i) => [s, i] as const),
      ([s, i]) => runScenario(s, `seed ${SEED} scenario ${i}`),
    );
    const disagreements = results.flat();
    assertEquals(disagreements.slice(0, 3), [], `${disagreements.length} disagreements`);
  },
);
