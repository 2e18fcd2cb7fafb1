/**
 * Ignition file contents as Butane writes them (coreos/butane
 * `base/util/url.go` `MakeDataURL`), without the gzip candidate: the shorter
 * of the percent-escaped form `data:,<escaped>` (RFC 2396 unreserved bytes
 * kept, every other byte `%XX` in upper case) and `data:;base64,<b64>`; base64
 * wins only when strictly shorter. Leaving gzip out keeps the output
 * byte-stable (Go's deflate cannot be reproduced here) and is what Butane
 * itself emits for short files; the Machine Config Operator reads both, with
 * `compression: ""`.
 *
 * @module
 */

// RFC 2396 unreserved: alphanum and - _ . ! ~ * ' ( )
const UNRESERVED = /^[A-Za-z0-9\-_.!~*'()]$/;

/**
 * The data URL for `contents`.
 *
 * @example
 * ```ts
 * import { dataUrl } from "./data_url.ts";
 * dataUrl(new TextEncoder().encode("hello world: a/b\n")); // "data:,hello%20world%3A%20a%2Fb%0A"
 * dataUrl(new TextEncoder().encode("ééé")); // "data:;base64,w6nDqcOp"
 * ```
 */
export function dataUrl(contents: Uint8Array): string {
  let escaped = ",";
  for (const byte of contents) {
    const char = String.fromCharCode(byte);
    escaped += byte < 0x80 && UNRESERVED.test(char)
      ? char
      : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  const base64 = `;base64,${contents.toBase64()}`;
  return `data:${base64.length < escaped.length ? base64 : escaped}`;
}

/**
 * The bytes a data URL holds (the inverse of {@linkcode dataUrl}, for both forms).
 *
 * @example
 * ```ts
 * import { dataUrlContents } from "./data_url.ts";
 * new TextDecoder().decode(dataUrlContents("data:,a%20b")); // "a b"
 * ```
 * @throws {SyntaxError} for a URL that is not `data:,…` or `data:;base64,…`
 */
export function dataUrlContents(url: string): Uint8Array {
  if (url.startsWith("data:;base64,")) return Uint8Array.fromBase64(url.slice(13));
  if (!url.startsWith("data:,")) throw new SyntaxError("not a data URL Butane writes");
  const bytes: number[] = [];
  const text = url.slice(6);
  for (let at = 0; at < text.length; at++) {
    if (text[at] === "%") {
      bytes.push(parseInt(text.slice(at + 1, at + 3), 16));
      at += 2;
    } else {
      bytes.push(text.charCodeAt(at));
    }
  }
  return new Uint8Array(bytes);
}
