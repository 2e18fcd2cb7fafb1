import assert from "node:assert/strict";
import { assertEquals } from "../support/assert.ts";
import { BodyTooLargeError, readBounded } from "../../adapters/http_get.ts";

Deno.test("readBounded() reads a body up to the limit", async (t) => {
  await t.step("readBounded() with a body within the limit", async () => {
    assertEquals(await readBounded(new Response("0123456789").body, 10), "0123456789");
  });
  await t.step("readBounded() without a body", async () => {
    assertEquals(await readBounded(null, 10), "");
  });
  await t.step("readBounded() stops an endless body and cancels it", async () => {
    let cancelled = false;
    const endless = new ReadableStream<Uint8Array>({
      pull: (controller) => controller.enqueue(new Uint8Array(1024)),
      cancel: () => void (cancelled = true),
    });
    await assert.rejects(
      readBounded(endless, 4096),
      (error) =>
        error instanceof BodyTooLargeError &&
        error.message === "the answer is larger than 4096 bytes",
    );
    assert.ok(cancelled);
  });
});
