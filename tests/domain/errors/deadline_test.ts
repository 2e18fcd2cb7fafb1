import assert from "node:assert/strict";
import { assertEquals } from "../../support/assert.ts";
import { beforeDeadline, DeadlineError } from "../../../domain/errors/deadline.ts";

Deno.test("beforeDeadline() passes through what ends in time", async (t) => {
  await t.step("beforeDeadline() with a value", async () => {
    assertEquals(await beforeDeadline(new AbortController().signal, Promise.resolve(42)), 42);
  });
  await t.step("beforeDeadline() with an error", async () => {
    await assert.rejects(
      beforeDeadline(new AbortController().signal, Promise.reject(new Error("boom"))),
      /^Error: boom$/,
    );
  });
});

Deno.test("beforeDeadline() gives up on work that blocks", async (t) => {
  const blocks = new Promise<never>(() => {});
  await t.step("beforeDeadline() when the deadline passes during the work", async () => {
    const controller = new AbortController();
    const racing = beforeDeadline(controller.signal, blocks);
    controller.abort();
    await assert.rejects(racing, (error) => error instanceof DeadlineError);
  });
  await t.step("beforeDeadline() when the deadline has already passed", async () => {
    const controller = new AbortController();
    controller.abort();
    let ran = false;
    const work = Promise.resolve().then(() => (ran = true));
    await assert.rejects(
      beforeDeadline(controller.signal, work),
      (error) => error instanceof DeadlineError && error.message === "the run's deadline passed",
    );
    assert.ok(ran, "the work itself is not cancelled");
  });
});
