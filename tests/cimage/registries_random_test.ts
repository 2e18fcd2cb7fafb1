/**
 * Random registries.conf scenarios (`support/random_registries_v538.ts`)
 * against the containers/image that CRI-O 1.36 vendors (v5.38.0, through
 * `tests/cimage/cmd/cimage-oracle`; see `registries_vectors_test.ts`): the
 * matched table, its mirrors, the pull sources in order and which of them the
 * docker transport refuses before any network access, or the configuration
 * error, must agree.
 *
 * Replay a run with `CIMAGE_SEED=<seed>` (the seed is in the test's name);
 * `CIMAGE_CASES` sets the number of random scenarios (default 2000);
 * `CIMAGE_WITHOUT=letter-cases,tagged-locations` leaves those features out of
 * the generator (to look for other differences while one is being fixed);
 * `CIMAGE_REPEAT` and `CIMAGE_REPORT`: see `support/cimage_batches.ts`.
 */

import { pulled } from "../support/cimage_answers.ts";
import {
  type Batch,
  check,
  noteNondeterminism,
  report,
  runAll,
} from "../support/cimage_batches.ts";
import { testWithCimageOracle } from "../support/cimage_oracle.ts";
import {
  type GeneratorOptions,
  Random,
  randomScenarioV538,
  type ScenarioV538,
} from "../support/random_registries_v538.ts";

const SEED = Number(Deno.env.get("CIMAGE_SEED") ?? Math.floor(Math.random() * 2 ** 31));
const CASES = Number(Deno.env.get("CIMAGE_CASES") ?? 2000);
const WITHOUT = new Set((Deno.env.get("CIMAGE_WITHOUT") ?? "").split(",").filter((f) => f !== ""));
const GENERATOR: GeneratorOptions = {
  letterCases: !WITHOUT.has("letter-cases"),
  taggedLocations: !WITHOUT.has("tagged-locations"),
};
const WITHOUT_NOTE = WITHOUT.size === 0 ? "" : `, without ${[...WITHOUT].join(", ")}`;

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
