import { assertEquals } from "../support/assert.ts";
import { concatBytes, writeAll } from "../../adapters/bytes.ts";

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
