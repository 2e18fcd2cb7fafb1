/**
 * Drives `tests/upstream/cmd/journal-stand-in`: a Go process that binds a
 * datagram socket per node layout, as journald's, and reads every record
 * sent there. In its own process, reading never waits on the benchmark's
 * event loop (a Deno reader takes about 60 µs a record, which would hold up
 * upstream, whose journal sends block while the socket's queue is full).
 *
 * @module
 */

import { startControlProcess } from "./control_process.ts";

/** What one pull sent to the journal. */
export interface JournalStats {
  readonly records: number;
  readonly bytes: number;
  /** Records without a MESSAGE field. */
  readonly malformed: number;
}

/** The running stand-in. */
export interface JournalStandIn {
  /** The records sent to `socket` since the last call for it (every one of them read). */
  take(socket: string): Promise<JournalStats>;
  close(): Promise<void>;
}

/** Starts the stand-in at `sockets` (their directories must exist). */
export async function startJournalStandIn(
  binary: string,
  sockets: readonly string[],
): Promise<JournalStandIn> {
  const process = await startControlProcess(binary, sockets);
  if (process.greeting !== "ready") {
    throw new Error(`The journal stand-in said ${JSON.stringify(process.greeting)}`);
  }
  const last = new Map<string, JournalStats>();
  return {
    async take(socket: string): Promise<JournalStats> {
      const index = sockets.indexOf(socket);
      if (index === -1) throw new Error(`The journal stand-in does not serve ${socket}`);
      const answer = await process.ask(`count ${index}`);
      const [records, bytes, malformed] = answer.split(" ").map(Number);
      if (answer.startsWith("error") || malformed === undefined) {
        throw new Error(`The journal stand-in answered ${JSON.stringify(answer)}`);
      }
      const total = { records: records!, bytes: bytes!, malformed };
      const before = last.get(socket) ?? { records: 0, bytes: 0, malformed: 0 };
      last.set(socket, total);
      return {
        records: total.records - before.records,
        bytes: total.bytes - before.bytes,
        malformed: total.malformed - before.malformed,
      };
    },
    close: () => process.close(),
  };
}
