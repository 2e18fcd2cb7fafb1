import assert from "node:assert/strict";
import { assertEquals } from "../../support/assert.ts";
import {
  cutText,
  loggedKey,
  logRecord,
  MAX_LOG_RECORD,
  MAX_REDACTED_TEXT,
  redactRegistryKey,
  withoutSecret,
} from "../../../domain/text/log_text.ts";

Deno.test("redactRegistryKey() hides credentials written into a key", async (t) => {
  const rows: readonly [string, string][] = [
    ["https://bob:hunter2@mirror.example:5000/v1/", "https://REDACTED@mirror.example:5000/v1/"],
    ["http://bob@mirror.example", "http://REDACTED@mirror.example"],
    ["bob:hunter2@mirror.example:5000", "REDACTED@mirror.example:5000"],
    ["mirror.example:5000/team", "mirror.example:5000/team"],
    // Whatever precedes the last @ may be a credential, even in a malformed key.
    ["https//user:hunter2@mirror.example", "REDACTED@mirror.example"],
    ["a@b:c@mirror.example", "REDACTED@mirror.example"],
    ["https://index.docker.io/v1/", "https://index.docker.io/v1/"],
  ];
  for (const [key, expected] of rows) {
    await t.step(`redactRegistryKey() on ${JSON.stringify(key)}`, () => {
      assertEquals(redactRegistryKey(key), expected);
    });
  }
});

Deno.test("withoutSecret() redacts a token and its long parts wherever they are echoed", async (t) => {
  const token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW0ifQ.c2lnbmF0dXJl";
  const rows: readonly [string, string, string][] = [
    ["the whole token", `Bearer ${token} refused`, "Bearer REDACTED refused"],
    ["its signature alone", "bad signature c2lnbmF0dXJl", "bad signature REDACTED"],
    ["its payload alone", "claims eyJzdWIiOiJzeXN0ZW0ifQ", "claims REDACTED"],
    ["nothing of it", "forbidden", "forbidden"],
  ];
  for (const [name, text, expected] of rows) {
    await t.step(
      `withoutSecret() with ${name}`,
      () => assertEquals(withoutSecret(text, token), expected),
    );
  }
  // 16 characters in a row of a token (its signature, cut short or glued to other text).
  const signature = "QmVhcmVyIHRva2VuIHNpZ25hdHVyZSwgbG9uZyBhcyBhbiBSUzI1NiBzaWduYXR1cmUgaXM";
  const long = `eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW0ifQ.${signature}`;
  const echoes: readonly [string, string, string][] = [
    ["cut short", `bad ${signature.slice(0, 40)}... token`, "bad REDACTED... token"],
    ["glued to other text", `tokenis${signature.slice(10, 34)}x!`, "REDACTED!"],
    ["of 15 characters only", `got ${signature.slice(0, 15)}`, `got ${signature.slice(0, 15)}`],
    // 10 characters on each side of a dot: no part alone is 16 long.
    ["across a dot", `server said: ${long.slice(33, 54)} is bad.`, "server said: REDACTED is bad."],
  ];
  for (const [name, text, expected] of echoes) {
    await t.step(
      `withoutSecret() with an echo ${name}`,
      () => assertEquals(withoutSecret(text, long), expected),
    );
  }
  await t.step(
    "withoutSecret() with an empty secret",
    () => assertEquals(withoutSecret("text", ""), "text"),
  );
});

Deno.test("cutText() and loggedKey() keep values to a sane length", () => {
  assertEquals(cutText("abcdef", 3), "abc… (3 more characters)");
  assertEquals(cutText("abc", 3), "abc");
  assertEquals(loggedKey(`${"x".repeat(1000)}.io`), `${"x".repeat(256)}… (747 more characters)`);
});

Deno.test("logRecord() escapes control characters and cuts long records", async (t) => {
  const rows: readonly [string, string, string][] = [
    ["a line break", "Parsing secret: a\nforged", "Parsing secret: a\\x0aforged"],
    ["a carriage return", "x\ry", "x\\x0dy"],
    ["an escape sequence", "\x1b[31mred", "\\x1b[31mred"],
    ["DEL and C1 controls", "a\x7fb\x85c", "a\\x7fb\\x85c"],
    ["line and paragraph separators", "a\u2028b\u2029c", "a\\u2028b\\u2029c"],
    [
      "text that needs nothing",
      'Got mirror(s) for "docker.io/library/nginx"',
      'Got mirror(s) for "docker.io/library/nginx"',
    ],
  ];
  for (const [name, message, expected] of rows) {
    await t.step(`logRecord() with ${name}`, () => assertEquals(logRecord(message), expected));
  }
  await t.step("logRecord() cuts a record past the limit", () => {
    const record = logRecord("y".repeat(MAX_LOG_RECORD + 10));
    assertEquals(record, `${"y".repeat(MAX_LOG_RECORD)}… (10 more characters)`);
  });
});

Deno.test("withoutSecret() reads no more than it may log, however long the text", () => {
  const token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW0ifQ.QmVhcmVyIHRva2VuIHNpZ25hdHVyZQ";
  // One run of token characters of megabytes once overflowed the pattern's stack.
  const redacted = withoutSecret("A".repeat(6_000_000), token);
  assert.ok(redacted.length < MAX_REDACTED_TEXT + 64, `${redacted.length} characters`);
  assert.ok(redacted.endsWith(`(${6_000_000 - MAX_REDACTED_TEXT} more characters)`));
});
