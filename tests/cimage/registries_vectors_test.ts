/**
 * The port against the containers/image that CRI-O 1.36 vendors
 * (`go.podman.io/image/v5` v5.38.0 with BurntSushi toml v1.6.0, through
 * `tests/cimage/cmd/cimage-oracle`, see `support/cimage_oracle.ts`): for every
 * Part R and D vector and the two examples of issue 10, the matched table, its
 * mirrors, the pull sources in order and which of them the docker transport
 * refuses before any network access (a blocked table, a tag together with a
 * digest), or the configuration error, must agree. `registries_random_test.ts`
 * asks the same of random scenarios.
 *
 * How the questions are asked and compared, and what `CIMAGE_REPEAT` and
 * `CIMAGE_REPORT` do: `support/cimage_batches.ts`.
 */

import { assertEquals } from "../support/assert.ts";
import {
  parseNormalizedReference,
  referenceString,
} from "../../domain/registries/image_reference.ts";
import { pulled } from "../support/cimage_answers.ts";
import {
  type Batch,
  check,
  noteNondeterminism,
  report,
  runAll,
} from "../support/cimage_batches.ts";
import { testWithCimageOracle } from "../support/cimage_oracle.ts";
import { DISCOVERY_CASES } from "../support/discovery_vectors.ts";
import { registriesFixture, registriesVectors } from "../support/registries_fixtures.ts";

/**
 * Deliberate differences (README, "How registries.conf is read"): an explicit
 * main file that is missing is an error for containers/image, while the port
 * treats it as empty and applies the drop-ins, as CRI-O does by default.
 */
const DELIBERATE: Record<string, string> = {
  "a missing explicit main file still applies the drop-ins":
    "containers/image fails on a missing explicit main file; the port applies the drop-ins",
};

/** Whether a lookup string is also an image as a user would name it. */
function isImage(ref: string): boolean {
  try {
    return referenceString(parseNormalizedReference(ref)) === ref;
  } catch {
    return false;
  }
}

async function vectorBatches(): Promise<Batch[]> {
  const batches: Batch[] = [];
  for (const vector of await registriesVectors()) {
    const sources = await registriesFixture(vector.fixture);
    const files: Record<string, string> = {};
    if (sources.main) files["etc/containers/registries.conf"] = sources.main.text;
    for (const d of sources.dropIns) files[d.path.slice(1)] = d.text;
    const lookups = (vector.lookups ?? []).map((l) => l.ref);
    const images = [...lookups.filter(isImage), ...(vector.pullSources ?? []).map((p) => p.ref)];
    batches.push({
      setting: (root) => ({ where: `${vector.id} ${vector.name}`, root, files }),
      asks: [
        ...lookups.map((lookup) => ({ lookup })),
        ...(images.length > 0 ? images : ["docker.io/library/nginx"]).map((image) => ({
          image: pulled(image),
        })),
      ],
    });
  }
  for (const c of DISCOVERY_CASES) {
    batches.push({
      setting: (root) => ({
        where: c.name,
        root,
        files: c.files,
        ...(c.explicitMain ? { conf: "etc/containers/registries.conf" } : {}),
      }),
      asks: [{ image: pulled("docker.io/library/nginx") }],
    });
  }
  return batches;
}

/** The two examples of issue 10, kept as fixed rows. */
const ISSUE_BATCHES: readonly Batch[] = [
  {
    setting: (root) => ({
      where: "issue 10: a digest pull rewritten by a location with a tag",
      root,
      files: {
        "etc/containers/registries.conf":
          '[[registry]]\nprefix = "a.io/x"\nlocation = "b.io/y:v1"\n',
      },
    }),
    asks: [{ image: `a.io/x@sha256:${"a".repeat(64)}` }],
  },
  {
    setting: (root) => ({
      where: "issue 10: one array of tables in two letter cases",
      root,
      files: {
        "etc/containers/registries.conf":
          '[[REGISTRY]]\n[[REGISTRY.mirror]]\n[[registry]]\nlocation = "a.io"\n',
      },
    }),
    asks: [{ image: "a.io/x:1" }],
  },
];

await testWithCimageOracle(
  "containers/image v5.38 differential: Part R and D vectors and the issue 10 examples",
  async (t, path) => {
    const outcome = await runAll(path, [...await vectorBatches(), ...ISSUE_BATCHES]);
    await report("vectors", outcome);
    await noteNondeterminism(t, outcome);
    for (const [where, reason] of Object.entries(DELIBERATE)) {
      await t.step(`deliberate difference: ${reason}`, () => {
        const found = outcome.disagreements.filter((d) => d.where === where);
        assertEquals(found.length, 1);
        const theirs = found[0]!.containersImage;
        assertEquals(theirs.length, 1);
        const error = "error" in theirs[0]! ? theirs[0].error : "";
        assertEquals(error.endsWith(": no such file or directory"), true, error);
        assertEquals("sources" in found[0]!.port, true);
      });
    }
    check(outcome, DELIBERATE);
  },
);
