import assert from "node:assert/strict";
import { assertEquals } from "../support/assert.ts";
import type { Journal } from "../../adapters/journald.ts";
import { createLogger, MAX_JOURNAL_RECORDS } from "../../adapters/logger.ts";
import type { LogLevel } from "../../domain/ports.ts";

function sinks() {
  const stderr: string[] = [];
  const journal: [LogLevel, string][] = [];
  const journalSink: Journal = {
    send: (level, message) => Promise.resolve(void journal.push([level, message])),
    close() {},
  };
  return {
    stderr,
    journal,
    stderrSink: { write: (text: string) => Promise.resolve(void stderr.push(text)) },
    journalSink,
  };
}

Deno.test("createLogger() keeps stderr to warnings and errors by default", async () => {
  const s = sinks();
  const logger = createLogger({ stderr: s.stderrSink, journal: s.journalSink });
  logger.log("debug", "d");
  logger.log("info", "i");
  logger.log("warning", "w");
  logger.log("error", "e\nsecond line");
  await logger.flush();
  // A value cannot start a forged line: control characters are escaped.
  assertEquals(s.stderr, ["w\n", "e\\x0asecond line\n"]);
  assertEquals(s.journal, [["info", "i"], ["warning", "w"], ["error", "e\\x0asecond line"]]);
});

Deno.test("createLogger() honours the stderr level", async (t) => {
  const rows: readonly [LogLevel, string[]][] = [
    ["debug", ["d\n", "i\n", "w\n", "e\n"]],
    ["info", ["i\n", "w\n", "e\n"]],
    ["error", ["e\n"]],
  ];
  for (const [level, expected] of rows) {
    await t.step(`createLogger() at ${level}`, async () => {
      const s = sinks();
      const logger = createLogger({ stderr: s.stderrSink, stderrLevel: level });
      for (const l of ["debug", "info", "warning", "error"] as const) logger.log(l, l[0]!);
      await logger.flush();
      assertEquals(s.stderr, expected);
    });
  }
});

Deno.test("createLogger() never waits long for a journal that does not take records", async () => {
  const stderr: string[] = [];
  const stuck: Journal = { send: () => new Promise(() => {}), close() {} };
  const logger = createLogger({
    stderr: { write: (text) => Promise.resolve(void stderr.push(text)) },
    journal: stuck,
  });
  logger.log("info", "a");
  logger.log("error", "b");
  const started = performance.now();
  await logger.flush({ timeoutMs: 100 });
  assert.ok(performance.now() - started < 1000);
  assertEquals(stderr, [
    "b\n",
    `Dropped 2 of 2 journal records: the journal did not take them in time or the run logged more than ${MAX_JOURNAL_RECORDS}\n`,
  ]);
});

Deno.test("createLogger() counts records the journal refused and caps a run's records", async () => {
  const stderr: string[] = [];
  let sent = 0;
  const refusing: Journal = {
    send: () => ++sent % 2 === 0 ? Promise.reject(new Error("ENOBUFS")) : Promise.resolve(),
    close() {},
  };
  const logger = createLogger({
    stderr: { write: (text) => Promise.resolve(void stderr.push(text)) },
    journal: refusing,
  });
  for (let i = 0; i < MAX_JOURNAL_RECORDS + 10; i++) logger.log("info", `${i}`);
  await logger.flush();
  assertEquals(sent, MAX_JOURNAL_RECORDS);
  assertEquals(stderr, [
    `Dropped ${MAX_JOURNAL_RECORDS / 2 + 10} of ${
      MAX_JOURNAL_RECORDS + 10
    } journal records: the journal did not take them in time or the run logged more than ${MAX_JOURNAL_RECORDS}\n`,
  ]);
});
