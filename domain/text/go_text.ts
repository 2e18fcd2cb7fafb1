/**
 * Go's notion of white space (`unicode.IsSpace`), which differs from
 * JavaScript's `\s`: Go counts U+0085 (next line) and not U+FEFF (byte-order
 * mark). Used wherever a Go program's `strings.TrimSpace` decides something.
 *
 * @module
 */

// unicode.IsSpace: the Latin-1 spaces (with U+0085) and the White_Space property beyond.
const GO_SPACE = new Set([
  0x09,
  0x0a,
  0x0b,
  0x0c,
  0x0d,
  0x20,
  0x85,
  0xa0,
  0x1680,
  ...Array.from({ length: 11 }, (_, i) => 0x2000 + i),
  0x2028,
  0x2029,
  0x202f,
  0x205f,
  0x3000,
]);

/**
 * Go's `strings.TrimSpace`.
 *
 * @example
 * ```ts
 * import { goTrimSpace } from "./go_text.ts";
 * goTrimSpace("\u0085 a.io \n"); // "a.io"
 * goTrimSpace("\ufeffa.io"); // "\ufeffa.io"
 * ```
 */
export function goTrimSpace(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && GO_SPACE.has(text.charCodeAt(start))) start++;
  while (end > start && GO_SPACE.has(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end);
}

const FATAL = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** The length of the valid UTF-8 sequence at `at`, or 0 (Go's `utf8.DecodeRune` size rules). */
function sequenceLength(bytes: Uint8Array, at: number): number {
  const lead = bytes[at]!;
  const continuation = (i: number, low = 0x80, high = 0xbf) =>
    bytes[at + i] !== undefined && bytes[at + i]! >= low && bytes[at + i]! <= high;
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return continuation(1) ? 2 : 0;
  if (lead >= 0xe0 && lead <= 0xef) {
    const [low, high] = lead === 0xe0 ? [0xa0, 0xbf] : lead === 0xed ? [0x80, 0x9f] : [0x80, 0xbf];
    return continuation(1, low, high) && continuation(2) ? 3 : 0;
  }
  if (lead >= 0xf0 && lead <= 0xf4) {
    const [low, high] = lead === 0xf0 ? [0x90, 0xbf] : lead === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
    return continuation(1, low, high) && continuation(2) && continuation(3) ? 4 : 0;
  }
  return 0;
}

/**
 * Bytes as text the way Go's `encoding/json` reads them: a byte-order mark is
 * kept (Go refuses it as JSON), and every byte that does not start a valid
 * UTF-8 sequence becomes one U+FFFD (`TextDecoder` would replace a cut-short
 * sequence as a whole).
 *
 * @example
 * ```ts
 * import { goDecodeUtf8 } from "./go_text.ts";
 * goDecodeUtf8(new Uint8Array([0x61, 0xe2, 0x82, 0x62])); // "a\ufffd\ufffdb"
 * ```
 */
export function goDecodeUtf8(bytes: Uint8Array): string {
  try {
    return FATAL.decode(bytes);
  } catch (error) {
    // Only a decoding error means "not UTF-8 throughout"; anything else (too large) is a fault.
    if (!(error instanceof TypeError)) throw error;
  }
  // Valid runs are decoded whole, one U+FFFD per byte between them.
  const parts: string[] = [];
  let start = 0;
  for (let at = 0; at < bytes.length;) {
    const length = sequenceLength(bytes, at);
    if (length > 0) {
      at += length;
      continue;
    }
    if (at > start) parts.push(FATAL.decode(bytes.subarray(start, at)));
    parts.push("\ufffd");
    start = ++at;
  }
  if (start < bytes.length) parts.push(FATAL.decode(bytes.subarray(start)));
  return parts.join("");
}
