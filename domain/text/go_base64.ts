/**
 * Go's `encoding/base64` decoding (`StdEncoding` with `=` padding, or
 * `RawStdEncoding` without), byte for byte: `\r` and `\n` are skipped
 * anywhere, padding must be complete and last, and a failure reports the
 * byte offset Go's `CorruptInputError` reports (`decodeQuantum`).
 *
 * @module
 */

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const VALUES = new Int16Array(256).fill(-1);
for (const [index, char] of [...ALPHABET].entries()) VALUES[char.charCodeAt(0)] = index;

const EQUALS = 0x3d;
const CANONICAL_PADDED = /^[A-Za-z0-9+/]*={0,2}$/;
const CANONICAL_RAW = /^[A-Za-z0-9+/]*$/;
const isLineBreak = (byte: number | undefined) => byte === 0x0a || byte === 0x0d;

/** Go's `CorruptInputError`: the input is not base64 at `offset` (a byte offset). */
export class CorruptInputError extends SyntaxError {
  /** @param offset the byte offset Go reports */
  constructor(readonly offset: number) {
    super(`illegal base64 data at input byte ${offset}`);
    this.name = "CorruptInputError";
  }
}

/**
 * Decodes `input` (its UTF-8 bytes) as Go's `DecodeString` does.
 *
 * @example
 * ```ts
 * import { goBase64Decode } from "./go_base64.ts";
 * new TextDecoder().decode(goBase64Decode("dXNl\ncjpwdw==", { padded: true })); // "user:pw"
 * ```
 * @throws {CorruptInputError} with Go's offset
 */
export function goBase64Decode(input: string, options: { readonly padded: boolean }): Uint8Array {
  // Canonical input (the usual case) decodes the same natively: the runtime's decoder, like Go's
  // without Strict, ignores the unused low bits of a final quantum. The rest is decoded below,
  // byte by byte, for Go's line breaks, padding rules and error offsets.
  if (
    options.padded
      ? input.length % 4 === 0 && CANONICAL_PADDED.test(input)
      : input.length % 4 !== 1 && CANONICAL_RAW.test(input)
  ) {
    return Uint8Array.fromBase64(input);
  }
  const src = new TextEncoder().encode(input);
  const out: number[] = [];
  let si = 0;
  for (;;) {
    const quantum: number[] = [];
    let end = false;
    while (quantum.length < 4) {
      if (si === src.length) {
        if (quantum.length === 0) return new Uint8Array(out);
        if (quantum.length === 1 || options.padded) {
          throw new CorruptInputError(si - quantum.length);
        }
        end = true;
        break;
      }
      const byte = src[si++]!;
      const value = VALUES[byte]!;
      if (value !== -1) {
        quantum.push(value);
        continue;
      }
      if (isLineBreak(byte)) continue;
      if (byte !== EQUALS || !options.padded) throw new CorruptInputError(si - 1);
      // Padding: only after two or three characters, "==" after two.
      if (quantum.length < 2) throw new CorruptInputError(si - 1);
      if (quantum.length === 2) {
        while (si < src.length && isLineBreak(src[si])) si++;
        if (si === src.length) throw new CorruptInputError(src.length);
        if (src[si] !== EQUALS) throw new CorruptInputError(si - 1);
        si++;
      }
      while (si < src.length && isLineBreak(src[si])) si++;
      if (si < src.length) throw new CorruptInputError(si);
      end = true;
      break;
    }
    const [a = 0, b = 0, c = 0, d = 0] = quantum;
    const bits = (a << 18) | (b << 12) | (c << 6) | d;
    out.push((bits >> 16) & 0xff);
    if (quantum.length > 2) out.push((bits >> 8) & 0xff);
    if (quantum.length > 3) out.push(bits & 0xff);
    if (end) return new Uint8Array(out);
  }
}
