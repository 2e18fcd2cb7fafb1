/**
 * A TCP forwarder on another loopback address: a client that connects to
 * `127.0.0.2:PORT` reaches the real API server, whose serving certificate
 * names only `127.0.0.1`. The bytes pass through untouched (TLS end to end),
 * so the client sees the API server's own certificate for an address it
 * does not name.
 *
 * @module
 */

/** A running forwarder; close it in `finally`. */
export interface TcpForwarder {
  readonly hostname: string;
  readonly port: number;
  /** How many connections it accepted so far. */
  readonly connections: () => number;
  close(): Promise<void>;
}

/** Closes a connection that a finished pipe may have closed already. */
function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // closed when its stream ended
  }
}

/** Forwards `hostname`:(any free port) to `target`. */
export function startTcpForwarder(
  hostname: string,
  target: { readonly hostname: string; readonly port: number },
): TcpForwarder {
  const listener = Deno.listen({ hostname, port: 0 });
  const open = new Set<Deno.Conn>();
  const pipes: Promise<unknown>[] = [];
  let accepted = 0;
  const serving = (async () => {
    for await (const client of listener) {
      accepted++;
      const server = await Deno.connect(target).catch(() => undefined);
      if (server === undefined) {
        client.close();
        continue;
      }
      open.add(client);
      open.add(server);
      const done = () => {
        for (const conn of [client, server]) {
          open.delete(conn);
          closeQuietly(conn);
        }
      };
      pipes.push(
        Promise.allSettled([
          client.readable.pipeTo(server.writable),
          server.readable.pipeTo(client.writable),
        ]).then(done),
      );
    }
  })().catch(() => {});
  return {
    hostname,
    port: (listener.addr as Deno.NetAddr).port,
    connections: () => accepted,
    async close() {
      listener.close();
      await serving;
      for (const conn of open) closeQuietly(conn);
      open.clear();
      await Promise.allSettled(pipes);
    },
  };
}
