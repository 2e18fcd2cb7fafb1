import { assertEquals } from "../support/assert.ts";
import { concatBytes, keptChunk, writeAll } from "../../adapters/bytes.ts";

Deno.test("concatBytes() joins chunks in order", async (t) => {
  const rows: readonly [string, number[][], number[]][] = [
    ["no chunks", [], []],
    ["empty chunks", [[], []], []],
    ["several chunks", [[1], [], [2, 3], [4]], [1, 2, 3, 4]],
  ];
  for (const [name, chunks, expected] of rows) {
    await t.step(`concatBytes() ${name}`, () => {
      assertEquals([...concatBytes(chunks.map((c) => new Uint8Array(c)))], expected);
    });
  }
});

Deno.test("keptChunk() keeps only a chunk's own bytes, never the buffer it views", async (t) => {
  const rows: readonly [string, () => Uint8Array, number][] = [
    // Deno's fetch: a 1 KB chunk on its own 64 KiB buffer.
    ["a small view of a large buffer", () => new Uint8Array(65536).subarray(10, 1010), 1000],
    ["a chunk that fills its buffer", () => new Uint8Array(1000), 1000],
    ["an empty view", () => new Uint8Array(65536).subarray(0, 0), 0],
  ];
  for (const [name, make, bytes] of rows) {
    await t.step(`keptChunk() with ${name}`, () => {
      const chunk = make();
      chunk.fill(7);
      const kept = keptChunk(chunk);
      assertEquals([kept.buffer.byteLength, kept.byteLength], [bytes, bytes]);
      assertEquals([...kept], [...chunk]);
      assertEquals(kept === chunk, chunk.buffer.byteLength === bytes);
    });
  }
});

Deno.test("writeAll() writes every byte to a writer that takes them in parts", async (t) => {
  for (const take of [1, 3, 1024]) {
    await t.step(`writeAll() with ${take} byte(s) per write`, async () => {
      const received: number[] = [];
      const writer = {
        write(bytes: Uint8Array): Promise<number> {
          const part = bytes.subarray(0, take);
          received.push(...part);
          return Promise.resolve(part.length);
        },
      };
      const bytes = new TextEncoder().encode("a partial writer gets all of it");
      await writeAll(writer, bytes);
      assertEquals(received, [...bytes]);
    });
  }
});
