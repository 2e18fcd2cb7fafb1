/**
 * The logger the provider writes through: every record at or above the
 * journal threshold goes to journald, and records at or above the stderr
 * threshold go to stderr. kubelet shows stderr only when the provider fails,
 * so by default stderr carries warnings and errors only.
 *
 * Logging never holds the run up: journal records are sent in order but
 * best-effort (a journald that does not read its socket blocks only the
 * journal queue), at most {@linkcode MAX_JOURNAL_RECORDS} per run, and
 * {@linkcode FlushableLogger.flush} waits a bounded time, then reports how
 * many records were dropped in one stderr line. Records are escaped and cut
 * (`logRecord`), so no value can forge a line.
 *
 * @module
 */

import { logRecord } from "../domain/text/log_text.ts";
import type { Logger, LogLevel } from "../domain/ports.ts";
import { delay } from "./delay.ts";
import type { Journal } from "./journald.ts";
import type { TextSink } from "./stdio.ts";

const RANK: Readonly<Record<LogLevel, number>> = { debug: 0, info: 1, warning: 2, error: 3 };

/** The most records one run sends to the journal; journald rate-limits kubelet's unit. */
export const MAX_JOURNAL_RECORDS = 1000;

/** Options for {@linkcode createLogger}. */
export interface LoggerOptions {
  readonly stderr: TextSink;
  /** Lowest level written to stderr. @default "warning" */
  readonly stderrLevel?: LogLevel;
  readonly journal?: Journal;
  /** Lowest level sent to the journal. @default "info" */
  readonly journalLevel?: LogLevel;
}

/** A logger whose pending writes can be awaited, for a while, before the process exits. */
export interface FlushableLogger extends Logger {
  /**
   * Waits up to `timeoutMs` for pending writes, then writes one stderr line
   * if journal records were dropped.
   */
  flush(options?: { readonly timeoutMs?: number }): Promise<void>;
}

/**
 * Creates the logger.
 *
 * @example
 * ```ts
 * import { createLogger } from "./logger.ts";
 * import { stderr } from "./stdio.ts";
 * const logger = createLogger({ stderr, stderrLevel: "info" });
 * logger.log("info", "Running credential provider");
 * await logger.flush({ timeoutMs: 500 });
 * ```
 */
export function createLogger(options: LoggerOptions): FlushableLogger {
  const stderrRank = RANK[options.stderrLevel ?? "warning"];
  const journalRank = RANK[options.journalLevel ?? "info"];
  // Two queues, each keeping its records in order; neither waits for the other.
  let stderrQueue: Promise<void> = Promise.resolve();
  let journalQueue: Promise<void> = Promise.resolve();
  let queued = 0;
  let sent = 0;
  let overLimit = 0;
  return {
    log(level: LogLevel, message: string): void {
      const line = logRecord(message);
      const journal = options.journal;
      if (journal && RANK[level] >= journalRank) {
        if (queued >= MAX_JOURNAL_RECORDS) {
          overLimit++;
        } else {
          queued++;
          journalQueue = journalQueue.then(() => journal.send(level, line)).then(
            () => void sent++,
            () => {}, // counted as dropped
          );
        }
      }
      if (RANK[level] >= stderrRank) {
        stderrQueue = stderrQueue.then(() => options.stderr.write(`${line}\n`)).catch(() => {});
      }
    },
    async flush(flushOptions = {}): Promise<void> {
      const timeout = delay(flushOptions.timeoutMs ?? 1000);
      await Promise.race([Promise.all([stderrQueue, journalQueue]), timeout]);
      const dropped = queued - sent + overLimit;
      if (dropped > 0) {
        const line = `Dropped ${dropped} of ${
          queued + overLimit
        } journal records: the journal did not take them in time or the run logged more than ${MAX_JOURNAL_RECORDS}\n`;
        await Promise.race([options.stderr.write(line).catch(() => {}), timeout]);
      }
    },
  };
}
