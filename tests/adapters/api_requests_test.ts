/**
 * The rules of adapters/api_requests.ts that need no server: how long a 429
 * waits, and which answer of requests sent together the run reports.
 */

import assert from "node:assert/strict";
import { allAnswers, ConnectionError, retryDelaySeconds } from "../../adapters/api_requests.ts";
import { assertEquals } from "../support/assert.ts";

Deno.test("retryDelaySeconds() waits what Retry-After asks, within [0, 5] s", async (t) => {
  const rows: readonly [string | null, number][] = [
    [null, 1],
    ["", 1],
    ["0", 0],
    ["2", 2],
    ["2.5", 2.5],
    ["3600", 5],
    ["-3", 1],
    ["NaN", 1],
    ["Infinity", 1],
    ["Wed, 21 Oct 2015 07:28:00 GMT", 1],
  ];
  for (const [header, seconds] of rows) {
    await t.step(
      `retryDelaySeconds(${JSON.stringify(header)})`,
      () => assertEquals(retryDelaySeconds(header), seconds),
    );
  }
});

Deno.test("allAnswers() waits for a refusal only where a request got no answer", async (t) => {
  type Answer = "listed" | "refused";
  const unanswered = (message: string) => Promise.reject(new ConnectionError(message));
  const failed = (message: string) => Promise.reject(new Error(message));
  const never = () => new Promise<Answer>(() => {});
  const rows: readonly [string, () => Promise<Answer>[], Answer[] | RegExp][] = [
    ["all answered", () => [Promise.resolve("listed"), Promise.resolve("listed")], [
      "listed",
      "listed",
    ]],
    [
      "a refusal beside requests that got no answer (kube-apiserver ends the connection after a 401)",
      () => [unanswered("connection reset"), Promise.resolve("refused"), unanswered("GOAWAY")],
      ["refused"],
    ],
    [
      "no answer and no refusal: the first in request order",
      () => [Promise.resolve("listed"), unanswered("first"), unanswered("second")],
      /^first$/,
    ],
    [
      "an answer that is an error fails at once, beside a request that never ends",
      () => [never(), failed("HTTP 500")],
      /^HTTP 500$/,
    ],
    [
      "an answer that is an error is not hidden by a refusal",
      () => [Promise.resolve("refused"), failed("HTTP 500")],
      /^HTTP 500$/,
    ],
  ];
  for (const [name, requests, expected] of rows) {
    await t.step(name, async () => {
      const answered = allAnswers(requests(), (answer) => answer === "refused");
      if (expected instanceof RegExp) {
        await assert.rejects(answered, (error: Error) => expected.test(error.message));
      } else {
        assertEquals(await answered, expected);
      }
    });
  }
});
