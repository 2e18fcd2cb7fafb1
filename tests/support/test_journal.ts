/** A datagram socket standing in for journald, collecting the entries sent to it. */

/** Parses native-protocol entries (both the `KEY=value` and the length-prefixed form). */
export function parseJournalEntry(bytes: Uint8Array): Record<string, string> {
  const fields: Record<string, string> = {};
  const decoder = new TextDecoder();
  let at = 0;
  while (at < bytes.length) {
    const newline = bytes.indexOf(10, at);
    const line = decoder.decode(bytes.subarray(at, newline));
    const equals = line.indexOf("=");
    if (equals !== -1) {
      fields[line.slice(0, equals)] = line.slice(equals + 1);
      at = newline + 1;
    } else {
      const length = Number(
        new DataView(bytes.buffer, bytes.byteOffset + newline + 1, 8).getBigUint64(0, true),
      );
      const start = newline + 9;
      fields[line] = decoder.decode(bytes.subarray(start, start + length));
      at = start + length + 1;
    }
  }
  return fields;
}

/** A listening journal socket at `path`; `entries` fills as datagrams arrive. */
export interface TestJournal {
  readonly path: string;
  readonly entries: Record<string, string>[];
  close(): Promise<void>;
}

/** Opens the test journal (needs --unstable-net). */
export function openTestJournal(path: string): TestJournal {
  const socket = Deno.listenDatagram({ transport: "unixpacket", path });
  const entries: Record<string, string>[] = [];
  const receiving = (async () => {
    try {
      for (;;) {
        const [bytes] = await socket.receive();
        entries.push(parseJournalEntry(bytes));
      }
    } catch {
      // closed
    }
  })();
  return {
    path,
    entries,
    async close() {
      socket.close();
      await receiving;
      await Deno.remove(path).catch(() => {});
    },
  };
}
