import { assertEquals } from "../support/assert.ts";
import type { Journal } from "../../adapters/journald.ts";
import { createLogger } from "../../adapters/logger.ts";
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
