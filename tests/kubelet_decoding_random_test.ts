/**
 * Random pull-secret documents (`support/random_docker_configs.ts`) against
 * kubelet's own code (kubernetes v1.34.4, through the Go oracle
 * `tests/kube/cmd/kubelet-decode`; see `kubelet_decoding_fixed_rows_test.ts`),
 * each as a dockerconfigjson Secret, a dockercfg Secret (sometimes in a random
 * envelope) and a node config.json.
 *
 * Replay the random documents with KUBELET_DECODING_SEED=<seed> (printed in
 * the test name); KUBELET_DECODING_CASES sets how many (default 2000).
 * Nothing is skipped: random disagreements are shrunk to small documents
 * before they are reported.
 */

import assert from "node:assert/strict";
import { parseDockerConfig } from "../domain/credentials/docker_config.ts";
import { secretEntries } from "../domain/credentials/pull_secret.ts";
import {
  type KubeletDecode,
  type KubeletRequest,
  testWithKubeletDecode,
} from "./support/kubelet_decode_oracle.ts";
import {
  DOCKERCFG,
  DOCKERCONFIGJSON,
  type Envelope,
  envelope,
  kubeletOutcome,
  type Mode,
  MODES,
  ours,
  type Outcome,
  request,
  shapeName,
} from "./support/kubelet_decoding_outcomes.ts";
import { type Doc, serialize, smaller } from "./support/json_doc_tree.ts";
import { Draw, random, randomDocument } from "./support/random_docker_configs.ts";

const SEED = Number(Deno.env.get("KUBELET_DECODING_SEED") ?? Math.floor(Math.random() * 2 ** 31));
const CASES = Number(Deno.env.get("KUBELET_DECODING_CASES") ?? 2000);

/** A secret type and data keys kubelet may or may not read (never podman's). */
function randomEnvelope(draw: Draw, document: string): Envelope {
  const type = draw.pick([
    DOCKERCONFIGJSON,
    DOCKERCFG,
    "Opaque",
    "kubernetes.io/basic-auth",
    "",
    "kubernetes.io/DockerConfigJson",
  ]);
  const data: Record<string, string> = {};
  for (const key of [".dockerconfigjson", ".dockercfg", "config.json"]) {
    if (draw.chance(0.5)) data[key] = draw.chance(0.2) ? "" : document;
  }
  return { type, data };
}

interface RandomCase {
  readonly index: number;
  readonly mode: Mode;
  readonly doc: Doc;
  readonly secret?: Envelope;
}

function randomCases(seed: number, count: number): RandomCase[] {
  const cases: RandomCase[] = [];
  for (let index = 0; index < count; index++) {
    const draw = new Draw(random(seed ^ Math.imul(index + 1, 0x9e3779b9)));
    const doc = randomDocument(draw);
    for (const mode of MODES) {
      const secret = mode !== "file" && draw.chance(0.1)
        ? randomEnvelope(draw, serialize(doc))
        : undefined;
      cases.push({ index, mode, doc, ...(secret ? { secret } : {}) });
    }
  }
  return cases;
}

function caseRequest(c: RandomCase): KubeletRequest {
  return request(c.mode, serialize(c.doc), c.secret ?? envelope(c.mode, serialize(c.doc)));
}

function caseOurs(c: RandomCase): Outcome {
  return ours(c.mode, serialize(c.doc), c.secret ?? envelope(c.mode, serialize(c.doc)));
}

/** Why the provider rejected a case, with keys and numbers left out: it tells causes apart. */
function ourReason(c: RandomCase): string {
  const text = serialize(c.doc);
  const secret = c.secret ?? envelope(c.mode, text);
  let message: string;
  if (secret === undefined) {
    try {
      parseDockerConfig(text, { legacy: false, credHelpers: true });
      return "";
    } catch (error) {
      message = (error as Error).message;
    }
  } else {
    const found = secretEntries({ name: "s", type: secret.type, data: { ...secret.data } });
    if (!("problem" in found)) return "";
    message = found.problem.replace(/^.*? is not parsable: /, "");
  }
  const general = message.replace(/"(?:[^"\\]|\\.)*"/g, '"…"').replace(/\d+/g, "N")
    .replace(/cannot unmarshal \w+ into/, "cannot unmarshal … into");
  return ` (${general})`;
}

/** The kind of a disagreement (`undefined`: none), which shrinking must keep. */
function disagreement(c: RandomCase, kubelet: Outcome): string | undefined {
  const provider = caseOurs(c);
  if (JSON.stringify(kubelet) === JSON.stringify(provider)) return undefined;
  const [k, p] = [shapeName(kubelet), shapeName(provider)];
  return `${c.mode}: ` +
    (k === p
      ? `both ${k}, entries differ`
      : `kubelet ${k}, provider ${p}${p === "rejected" ? ourReason(c) : ""}`);
}

interface Found {
  readonly start: RandomCase;
  current: RandomCase;
  readonly kind: string;
  done: boolean;
}

/** Shrinks each disagreement while it keeps its kind; all candidates of a round go to one Go run. */
async function shrink(decode: KubeletDecode, found: Found[]): Promise<void> {
  for (let round = 0; round < 200 && found.some((f) => !f.done); round++) {
    const open = found.filter((f) => !f.done);
    const candidates = open.map((f) =>
      [...smaller(f.current.doc)].slice(0, 200).map((doc) => ({
        ...f.current,
        doc,
        // A random envelope holds the document in its data: rebuild it around the smaller one.
        ...(f.current.secret
          ? {
            secret: {
              type: f.current.secret.type,
              data: Object.fromEntries(
                Object.entries(f.current.secret.data).map((
                  [k, v],
                ) => [k, v === "" ? "" : serialize(doc)]),
              ),
            },
          }
          : {}),
      }))
    );
    const answers = await decode(candidates.flat().map(caseRequest));
    let at = 0;
    for (const [i, f] of open.entries()) {
      const list = candidates[i]!;
      const better = list.findIndex((c, j) =>
        disagreement(c, kubeletOutcome(answers[at + j]!)) === f.kind
      );
      at += list.length;
      if (better === -1) f.done = true;
      else f.current = list[better]!;
    }
  }
}

await testWithKubeletDecode(
  `kubelet and the provider decode ${CASES} random documents alike (KUBELET_DECODING_SEED=${SEED})`,
  async (t, decode) => {
    const cases = randomCases(SEED, CASES);
    const answers = await decode(cases.map(caseRequest));
    const found: Found[] = [];
    const counts = new Map<string, number>();
    for (const [i, c] of cases.entries()) {
      const kind = disagreement(c, kubeletOutcome(answers[i]!));
      if (kind === undefined) continue;
      counts.set(kind, (counts.get(kind) ?? 0) + 1);
      // Shrink up to 24, at most 3 of a kind, so one frequent kind does not hide the others.
      if (found.length < 24 && found.filter((f) => f.kind === kind).length < 3) {
        found.push({ start: c, current: c, kind, done: false });
      }
    }
    await t.step(`the random documents cover every outcome (seed ${SEED})`, () => {
      const shapes = new Set(
        cases.map((c, i) => `${c.mode} ${shapeName(kubeletOutcome(answers[i]!))}`),
      );
      for (const mode of MODES) {
        for (const shape of ["accepted", "rejected", ...(mode === "file" ? [] : ["ignored"])]) {
          assert.ok(shapes.has(`${mode} ${shape}`), `no ${mode} document was ${shape}`);
        }
      }
    });
    await shrink(decode, found);
    const minimal = new Map<string, string>();
    const final = await decode(found.map((f) => caseRequest(f.current)));
    for (const [i, f] of found.entries()) {
      const document = serialize(f.current.doc);
      const secret = f.current.secret ? ` in ${JSON.stringify(f.current.secret)}` : "";
      const kubelet = final[i];
      minimal.set(
        `${f.current.mode}${secret}: ${JSON.stringify(document)}`,
        `${f.kind}: kubelet ${JSON.stringify(kubeletOutcome(kubelet!))}, provider ${
          JSON.stringify(caseOurs(f.current))
        } (first seen in case ${f.start.index})`,
      );
    }
    await t.step(
      `kubelet and the provider agree on ${cases.length} random cases (seed ${SEED})`,
      () => {
        const report = [...counts].map(([kind, n]) => `${n} × ${kind}`).concat(
          [...minimal].map(([where, what]) => `  ${where}\n    ${what}`),
        );
        assert.ok(
          counts.size === 0,
          `disagreements (replay with KUBELET_DECODING_SEED=${SEED} KUBELET_DECODING_CASES=${CASES}):\n${
            report.join("\n")
          }`,
        );
      },
    );
  },
);
