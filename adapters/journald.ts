/**
 * Sends log records to systemd-journald over its native protocol, so they
 * carry a real priority and can be found with
 * `journalctl _COMM=crio-credential` or `SYSLOG_IDENTIFIER=crio-credential-provider`.
 * Where there is no journal socket, nothing is sent and nothing fails.
 *
 * @module
 */

import type { LogLevel } from "../domain/ports.ts";
import { concatBytes } from "./bytes.ts";

/** The standard journal socket. */
export const JOURNAL_SOCKET = "/run/systemd/journal/socket";

const PRIORITY: Readonly<Record<LogLevel, number>> = { error: 3, warning: 4, info: 6, debug: 7 };

/** An open connection to the journal. */
export interface Journal {
  /** Sends one record; resolves once the socket took it, rejects when it refused it. */
  send(level: LogLevel, message: string): Promise<void>;
  close(): void;
}

const encoder = new TextEncoder();

/** One field in the native format; values with a newline use the length-prefixed form. */
function field(name: string, value: string): Uint8Array[] {
  if (!value.includes("\n")) return [encoder.encode(`${name}=${value}\n`)];
  const bytes = encoder.encode(value);
  const length = new Uint8Array(8);
  new DataView(length.buffer).setBigUint64(0, BigInt(bytes.length), true);
  return [encoder.encode(`${name}\n`), length, bytes, encoder.encode("\n")];
}

/**
 * Encodes one journal entry (exported for tests).
 *
 * @example
 * ```ts
 * import { encodeJournalEntry } from "./journald.ts";
 * new TextDecoder().decode(encodeJournalEntry({ MESSAGE: "hi", PRIORITY: "6" }));
 * // "MESSAGE=hi\nPRIORITY=6\n"
 * ```
 */
export function encodeJournalEntry(fields: Record<string, string>): Uint8Array {
  return concatBytes(Object.entries(fields).flatMap(([name, value]) => field(name, value)));
}

/**
 * Opens the journal, or returns `undefined` when there is no socket (containers,
 * CI, developer machines) or datagram sockets are unavailable.
 *
 * @example
 * ```ts ignore
 * import { openJournal } from "./journald.ts";
 * const journal = await openJournal({ socket: JOURNAL_SOCKET, identifier: "crio-credential-provider" });
 * await journal?.send("info", "Running credential provider");
 * ```
 */
export async function openJournal(
  options: { readonly socket: string; readonly identifier: string },
): Promise<Journal | undefined> {
  try {
    if (!(await Deno.stat(options.socket)).isSocket) return undefined;
  } catch {
    return undefined;
  }
  let connection: Deno.DatagramConn;
  try {
    // An abstract address needs no file and no cleanup; the kernel frees it on exit.
    const name = crypto.getRandomValues(new Uint8Array(6)).toHex();
    connection = Deno.listenDatagram({
      transport: "unixpacket",
      path: `\0crio-credential-provider-${name}`,
    });
  } catch {
    return undefined;
  }
  const address = { transport: "unixpacket" as const, path: options.socket };
  return {
    async send(level: LogLevel, message: string): Promise<void> {
      const entry = encodeJournalEntry({
        MESSAGE: message,
        PRIORITY: `${PRIORITY[level]}`,
        SYSLOG_IDENTIFIER: options.identifier,
      });
      // A failure rejects; the logger counts the record as dropped and never fails the pull.
      await connection.send(entry, address);
    },
    close(): void {
      connection.close();
    },
  };
}
