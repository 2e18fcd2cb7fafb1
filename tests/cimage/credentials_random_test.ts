/**
 * Credential lookup against the containers/image that CRI-O 1.36 vendors
 * (`pkg/docker/config` of `go.podman.io/image/v5` v5.38.0, through
 * `tests/cimage/cmd/cimage-oracle`; see `credentials_vectors_test.ts`):
 * random pull-secret sets (`support/random_secret_sets.ts`) merged the way
 * the provider merges them (`credentialTargets`, `mergeAuths`,
 * `encodeAuthFile`, and no file when there is no mirror or no namespace
 * credential): for every pull source v5.38 tries for the image (tag and
 * digest pulls), `GetCredentialsForRef` on the written file must return the
 * credential the specification says (`auth-files.md` §7,
 * `support/spec_credentials.ts`): that of the most specific matching key, the
 * first secret by name winning a key, and none where no key matches — never
 * another host's.
 *
 * Replay with `CIMAGE_CREDENTIALS_SEED=<seed>`; `CIMAGE_CREDENTIALS_CASES`
 * sets the number of random secret sets (default 1000).
 */

import { assertEquals } from "../support/assert.ts";
import { encodeAuthFile } from "../../domain/credentials/auth_file_json.ts";
import { mergeAuths } from "../../domain/credentials/auth_merge.ts";
import { credentialTargets } from "../../domain/credentials/credential_targets.ts";
import type { PullSecret } from "../../domain/ports.ts";
import { loadRegistriesConf } from "../../domain/registries/registries_conf.ts";
import { testWithCimageOracle } from "../support/cimage_oracle.ts";
import type { CredentialsAnswer, RegistriesAnswer } from "../support/cimage_protocol.ts";
import { CimageSession } from "../support/cimage_session.ts";
import { Random } from "../support/random_registries.ts";
import { type SecretSet, secretSet } from "../support/random_secret_sets.ts";
import { NONE, type SpecCredential, specCredential } from "../support/spec_credentials.ts";
import { withTempDir } from "../support/temp_tree.ts";

const SEED = Number(
  Deno.env.get("CIMAGE_CREDENTIALS_SEED") ?? Math.floor(Math.random() * 2 ** 31),
);
const CASES = Number(Deno.env.get("CIMAGE_CREDENTIALS_CASES") ?? 1000);

/** The provider's file for the set, as `writePullAuthFile` decides it; undefined: none. */
function providerFile(set: SecretSet): string | undefined {
  const conf = loadRegistriesConf({
    main: { path: "/etc/containers/registries.conf", text: set.conf },
    dropIns: [],
  });
  const targets = credentialTargets(conf, set.image);
  if (targets.mirrors.length === 0) return undefined;
  const secrets: PullSecret[] = set.secrets.map((secret) => ({
    name: secret.name,
    type: "kubernetes.io/dockerconfigjson",
    data: {
      ".dockerconfigjson": JSON.stringify({
        auths: Object.fromEntries(secret.entries.map((e) => [e.key, e.value])),
      }),
    },
  }));
  const merged = mergeAuths(
    {
      image: set.image,
      targets: targets.targets,
      secrets,
      global: { entries: [], credHelpers: new Map() },
    },
    { log() {} },
  );
  if (merged.fromNamespace === 0) return undefined;
  return encodeAuthFile(merged.entries, { credHelpers: merged.credHelpers });
}

interface Mismatch {
  readonly set: SecretSet;
  readonly repository: string;
  readonly file: string | undefined;
  readonly expected: SpecCredential;
  readonly containersImage: readonly CredentialsAnswer[];
}

await testWithCimageOracle(
  `containers/image v5.38 credential lookup: ${CASES} random secret sets (seed ${SEED})`,
  async (t, path) => {
    await withTempDir(async (dir) => {
      const random = new Random(SEED);
      const sets = Array.from({ length: CASES }, () => secretSet(random));
      const files = sets.map(providerFile);
      for (const [i, set] of sets.entries()) {
        await Deno.writeTextFile(`${dir}/r${i}.conf`, set.conf);
        if (files[i] !== undefined) await Deno.writeTextFile(`${dir}/a${i}.json`, files[i]);
      }
      const session = CimageSession.start(path);
      try {
        // Every source v5.38 tries, for a tag pull and for a digest pull.
        const pulls = sets.flatMap((set, i) =>
          [`${set.image}:latest`, `${set.image}@sha256:${"0".repeat(64)}`].map((image) => ({
            op: "registries" as const,
            conf: `${dir}/r${i}.conf`,
            confDir: `${dir}/none.d`,
            image,
          }))
        );
        const resolved = await session.ask(pulls);
        const sources = sets.map((_set, i) => {
          const names = new Set<string>();
          for (const answer of [resolved[2 * i]!, resolved[2 * i + 1]!]) {
            const found = answer.answers[0] as RegistriesAnswer;
            if (!("sources" in found) || found.sources === undefined) {
              throw new Error(`v5.38 does not resolve set ${i}: ${JSON.stringify(found)}`);
            }
            for (const source of found.sources) names.add(source.name);
          }
          return [...names];
        });
        const lookups = sources.flatMap((names, i) =>
          names.map((name) => ({
            op: "credentials" as const,
            authFile: `${dir}/a${i}.json`,
            image: name,
            repeat: 4,
          }))
        );
        const found = await session.ask(lookups);
        const mismatches: Mismatch[] = [];
        let next = 0;
        let withCredential = 0;
        sources.forEach((names, i) => {
          for (const repository of names) {
            const answers = found[next++]!.answers;
            const expected = files[i] === undefined ? NONE : specCredential(sets[i]!, repository);
            if (expected !== NONE) withCredential++;
            const agrees = answers.length === 1 &&
              JSON.stringify(answers[0]) === JSON.stringify(expected);
            if (!agrees) {
              mismatches.push({
                set: sets[i]!,
                repository,
                file: files[i],
                expected,
                containersImage: answers,
              });
            }
          }
        });
        await t.step(
          `${lookups.length} lookups, ${withCredential} of them expecting a credential`,
          () => {},
        );
        assertEquals(
          mismatches.slice(0, 5),
          [],
          `${mismatches.length} of ${lookups.length} lookups differ from the specification`,
        );
      } finally {
        await session.close();
      }
    });
  },
);
