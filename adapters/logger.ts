/**
 * The logger the provider writes through: every record at or above the
 * journal threshold goes to journald, and records at or above the stderr
 * threshold go to stderr. kubelet shows stderr only when the provider fails,
 * so by default stderr carries warnings and errors only.
 *
 * @module
 */

import type { Logger, LogLevel } from "../domain/ports.ts";
import type { Journal } from "./journald.ts";
import type { TextSink } from "./stdio.ts";

const RANK: Readonly<Record<LogLevel, number>> = { debug: 0, info: 1, warning: 2, error: 3 };

/** Options for {@linkcode createLogger}. */
export interface LoggerOptions {
  readonly stderr: TextSink;
  /** Lowest level written to stderr. @default "warning" */
  readonly stderrLevel?: LogLevel;
  readonly journal?: Journal;
  /** Lowest level sent to the journal. @default "info" */
  readonly journalLevel?: LogLevel;
}

/** A logger whose pending writes can be awaited before the process exits. */
export interface FlushableLogger extends Logger {
  flush(): Promise<void>;
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
 * await logger.flush();
 * ```
 */
export function createLogger(options: LoggerOptions): FlushableLogger {
  const stderrRank = RANK[options.stderrLevel ?? "warning"];
  const journalRank = RANK[options.journalLevel ?? "info"];
  // Writes are chained so that records keep their order.
  let pending: Promise<void> = Promise.resolve();
  return {
    log(level: LogLevel, message: string): void {
      const line = message.replaceAll("\n", " ");
      if (options.journal && RANK[level] >= journalRank) {
        const journal = options.journal;
        pending = pending.then(() => journal.send(level, line));
      }
      if (RANK[level] >= stderrRank) {
        pending = pending.then(() => options.stderr.write(`${line}\n`)).catch(() => {});
      }
    },
    async flush(): Promise<void> {
      await pending;
    },
  };
}
