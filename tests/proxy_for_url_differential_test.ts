/**
 * proxyForUrl() against client-go itself: every row of the proxy table and
 * random cases run through the real Go code (`tests/kube/cmd/proxy-for-url`:
 * golang.org/x/net/http/httpproxy wrapped by k8s.io/apimachinery's
 * `NewProxierWithNoProxyCIDR`) in one process, both answers compared as
 * `support/proxy_answers.ts` shapes them; the random cases come from
 * `support/random_proxy_cases.ts`. Replay a random run with
 * PROXY_DIFFERENTIAL_SEED=<seed> (printed in the test name);
 * PROXY_DIFFERENTIAL_CASES sets the number of random cases (default 3000).
 */

import { assertEquals } from "./support/assert.ts";
import { askGoProgram, testWithGoProgram } from "./support/go_oracle.ts";
import {
  type Answer,
  goAnswer,
  type GoAnswerLine,
  ourAnswer,
  same,
} from "./support/proxy_answers.ts";
import { ROWS } from "./support/proxy_rows.ts";
import { type Case, MALFORMED_PROXIES, randomCase } from "./support/random_proxy_cases.ts";
import { Random } from "./support/random_registries.ts";

const SEED = Number(
  Deno.env.get("PROXY_DIFFERENTIAL_SEED") ?? Math.floor(Math.random() * 2 ** 31),
);
const CASES = Number(Deno.env.get("PROXY_DIFFERENTIAL_CASES") ?? 3000);

interface Disagreement extends Case {
  readonly go: Answer;
  readonly ours: Answer;
}

// --- Deliberate differences ---------------------------------------------

/** The value of the proxy variable that applies to the case's URL. */
function proxyValue(c: Case): string {
  return c.url.startsWith("https:")
    ? c.env.HTTPS_PROXY || c.env.https_proxy || ""
    : c.env.HTTP_PROXY || c.env.http_proxy || "";
}

/**
 * Where this program decides differently from client-go on purpose; each is
 * asserted, not skipped: the cases it explains must get exactly this answer.
 */
const DELIBERATE: readonly {
  readonly name: string;
  readonly applies: (d: Disagreement) => boolean;
  readonly ours: (answer: Answer) => boolean;
}[] = [
  {
    name: "an upper-case LOCALHOST is loopback and never proxied (httpproxy's useProxy " +
      'compares the host with "localhost" before lower-casing it)',
    applies: (d) => /^https?:\/\/localhost(?=[:/]|$)/i.test(d.url),
    ours: (answer) => "direct" in answer,
  },
  {
    name: "a malformed proxy value (spaces, control characters, http:host, //host, a bad port) " +
      "is refused with an error, where Go's url.Parse goes direct or dials a broken address",
    applies: (d) => MALFORMED_PROXIES.includes(proxyValue(d)),
    ours: (answer) => "refused" in answer,
  },
];

// --- The test --------------------------------------------------------------

function compare(c: Case, go: Answer): Disagreement | undefined {
  const ours = ourAnswer(c.url, c.env);
  return same(ours, go) ? undefined : { ...c, go, ours };
}

await testWithGoProgram(
  `proxyForUrl() agrees with client-go on the table and ${CASES} random cases (seed ${SEED})`,
  "proxy-for-url",
  async (t, program) => {
    const random = new Random(SEED);
    const tableCases = ROWS.map((row): Case => ({ where: row.name, url: row.url, env: row.env }));
    const randomCases = Array.from(
      { length: CASES },
      (_, i) => randomCase(random, `seed ${SEED} case ${i}`),
    );
    const cases = [...tableCases, ...randomCases];
    // One process answers every case, in order.
    const lines = await askGoProgram(program, cases.map((c) => ({ url: c.url, env: c.env })));
    const disagreements = cases.flatMap((c, i) =>
      compare(c, goAnswer(lines[i] as GoAnswerLine)) ?? []
    );

    const deliberate = new Map<string, Disagreement[]>();
    const unknown: Disagreement[] = [];
    for (const d of disagreements) {
      const kind = DELIBERATE.find((k) => k.applies(d) && k.ours(d.ours));
      if (kind === undefined) unknown.push(d);
      else deliberate.set(kind.name, [...deliberate.get(kind.name) ?? [], d]);
    }
    const fromTable = (d: Disagreement) => !d.where.startsWith("seed ");
    await t.step(`every table row (${tableCases.length})`, () => {
      assertEquals(unknown.filter(fromTable), []);
    });
    await t.step(`${CASES} random cases (seed ${SEED})`, () => {
      const found = unknown.filter((d) => !fromTable(d));
      assertEquals(found.slice(0, 5), [], `${found.length} disagreements`);
    });
    for (const kind of DELIBERATE) {
      await t.step(
        `deliberately: ${kind.name} (${deliberate.get(kind.name)?.length ?? 0} cases)`,
        () => {},
      );
    }
  },
);
