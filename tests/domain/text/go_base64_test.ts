import { assertEquals, assertThrows } from "../../support/assert.ts";
import { CorruptInputError, goBase64Decode } from "../../../domain/text/go_base64.ts";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

Deno.test("goBase64Decode() decodes as Go's StdEncoding and RawStdEncoding", async (t) => {
  const rows: readonly [string, string, boolean, string][] = [
    ["padded", "dXNlcjpwdw==", true, "user:pw"],
    ["unpadded, raw", "dXNlcjpwdw", false, "user:pw"],
    ["line breaks anywhere", "dXNl\r\ncjpw\ndw=\n=", true, "user:pw"],
    // Not Strict: the unused low bits of the last quantum are ignored ("x" instead of "w").
    ["unused bits set, padded", "dXNlcjpwdx==", true, "user:pw"],
    ["unused bits set, raw", "dXNlcjpwdx", false, "user:pw"],
    ["empty", "", true, ""],
  ];
  for (const [name, input, padded, expected] of rows) {
    await t.step(`goBase64Decode() ${name}`, () => {
      assertEquals(text(goBase64Decode(input, { padded })), expected);
    });
  }
});

Deno.test("goBase64Decode() fails at Go's offset", async (t) => {
  const rows: readonly [string, string, boolean, number][] = [
    ["padding missing", "dXNlcjpwdw", true, 8],
    ["padding in raw", "dXNlcjpwdw==", false, 10],
    ["one character left", "dXNlc", false, 4],
    ["a character outside the alphabet", "dXN-", true, 3],
    ["data after padding", "dw==dw==", true, 4],
  ];
  for (const [name, input, padded, offset] of rows) {
    await t.step(`goBase64Decode() with ${name}`, () => {
      const error = assertThrows(() => goBase64Decode(input, { padded }), CorruptInputError);
      assertEquals(error.offset, offset);
    });
  }
});

Deno.test("goBase64Decode() decodes canonical input natively as it decodes byte by byte", () => {
  // A line break is skipped anywhere, and sends the input down the byte-by-byte decoder.
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  let seed = 7;
  const next = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
  for (let i = 0; i < 2000; i++) {
    const body = Array.from({ length: next(24) }, () => alphabet[next(64)]).join("");
    for (const padded of [true, false]) {
      const input = padded && body.length % 4 > 1 ? body + "=".repeat(4 - (body.length % 4)) : body;
      const outcome = (value: string) => {
        try {
          return text(goBase64Decode(value, { padded }));
        } catch (error) {
          return (error as Error).name;
        }
      };
      assertEquals(
        outcome(input),
        outcome(`${input}\n`),
        `${JSON.stringify(input)} padded=${padded}`,
      );
    }
  }
});
