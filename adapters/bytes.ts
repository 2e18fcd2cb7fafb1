/**
 * Byte chunks: joining those read from a stream or socket, and writing all
 * of a buffer to a file or stream that may take it in parts.
 *
 * @module
 */

/**
 * The chunks as one array.
 *
 * @example
 * ```ts
 * import { concatBytes } from "./bytes.ts";
 * concatBytes([new Uint8Array([1]), new Uint8Array([2, 3])]); // Uint8Array [1, 2, 3]
 * ```
 */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(chunks.reduce((n, chunk) => n + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

/**
 * A chunk to keep: the chunk itself when it fills its buffer, else a copy of
 * its bytes alone. A stream's chunk may be a view of a much larger buffer
 * (Deno's fetch gives each chunk its own 64 KiB buffer, whatever it holds),
 * so keeping views would hold far more memory than the bytes counted.
 *
 * @example
 * ```ts
 * import { keptChunk } from "./bytes.ts";
 * keptChunk(new Uint8Array(65536).subarray(0, 3)).buffer.byteLength; // 3
 * ```
 */
export function keptChunk(chunk: Uint8Array): Uint8Array {
  return chunk.byteLength === chunk.buffer.byteLength ? chunk : chunk.slice();
}

/**
 * Writes every byte: `write` may accept fewer bytes than offered.
 *
 * @example
 * ```ts
 * import { writeAll } from "./bytes.ts";
 * await writeAll(Deno.stdout, new TextEncoder().encode("hi\n"));
 * ```
 */
export async function writeAll(
  writer: { write(bytes: Uint8Array): Promise<number> },
  bytes: Uint8Array,
): Promise<void> {
  for (let written = 0; written < bytes.length;) {
    written += await writer.write(bytes.subarray(written));
  }
}
