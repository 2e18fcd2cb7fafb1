/**
 * The process's standard streams, as the small sinks the rest of the program
 * writes to. stdout carries only protocol or command output; logs never go there.
 *
 * @module
 */

import { concatBytes, writeAll } from "./bytes.ts";

/** Somewhere to write text. */
export interface TextSink {
  write(text: string): Promise<void>;
}

const encoder = new TextEncoder();

function sink(stream: { write(p: Uint8Array): Promise<number> }): TextSink {
  return {
    write: (text: string) => writeAll(stream, encoder.encode(text)),
  };
}

/** The process's stdout. */
export const stdout: TextSink = sink(Deno.stdout);

/** The process's stderr. */
export const stderr: TextSink = sink(Deno.stderr);

/**
 * The largest request read: kubelet's is a token and the service account's
 * annotations, which the API server caps at 256 KiB together.
 */
export const MAX_REQUEST_BYTES = 1024 * 1024;

/**
 * Reads all of stdin as text.
 *
 * @example
 * ```ts
 * import { readStdin } from "./stdio.ts";
 * const request = await readStdin();
 * ```
 * @throws {RangeError} past {@linkcode MAX_REQUEST_BYTES}
 */
export async function readStdin(): Promise<string> {
  // A plain read loop: wrapping the stream in a Response costs several
  // milliseconds of start-up on every pull.
  const chunks: Uint8Array[] = [];
  const buffer = new Uint8Array(64 * 1024);
  let size = 0;
  for (
    let read = await Deno.stdin.read(buffer);
    read !== null;
    read = await Deno.stdin.read(buffer)
  ) {
    size += read;
    if (size > MAX_REQUEST_BYTES) {
      throw new RangeError(`Cannot read the request: it is larger than ${MAX_REQUEST_BYTES} bytes`);
    }
    chunks.push(buffer.slice(0, read));
  }
  return new TextDecoder().decode(concatBytes(chunks));
}
