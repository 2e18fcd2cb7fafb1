/**
 * The rules of adapters/api_requests.ts that need no server: how long a 429
 * waits, and which answer of requests sent together the run reports.
 */

import assert from "node:assert/strict";
import { allAnswers, retryDelaySeconds } from "../../adapters/api_requests.ts";
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

Deno.test("allAnswers() reports a refusal over the failures of requests sent beside it", async (t) => {
  type Answer = "listed" | "refused";
  const failure = (message: string) => Promise.reject(new Error(message));
  const rows: readonly [string, () => Promise<Answer>[], Answer[] | RegExp][] = [
    ["all answered", () => [Promise.resolve("listed"), Promise.resolve("listed")], [
      "listed",
      "listed",
    ]],
    [
      "a refusal beside connection errors (kube-apiserver closes the connection after a 401)",
      () => [failure("connection error received"), Promise.resolve("refused"), failure("reset")],
      ["refused"],
    ],
    ["a refusal beside an answer", () => [Promise.resolve("listed"), Promise.resolve("refused")], [
      "listed",
      "refused",
    ]],
    [
      "failures without a refusal: the first in request order",
      () => [Promise.resolve("listed"), failure("first"), failure("second")],
      /^first$/,
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
