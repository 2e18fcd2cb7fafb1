/**
 * A TCP forwarder on loopback that counts the connections a client opens to
 * a server behind it (TLS passes through untouched), for tests of how many
 * connections a run costs.
 */

/** A running forwarder; close it in `finally`. */
export interface CountingForwarder {
  /** The port to connect to instead of the server's. */
  readonly port: number;
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

/** Forwards every connection on a new loopback port to `127.0.0.1:targetPort`. */
export function startCountingForwarder(targetPort: number): CountingForwarder {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  let accepted = 0;
  const pipes: Promise<unknown>[] = [];
  const loop = (async () => {
    for await (const conn of listener) {
      accepted++;
      const upstream = await Deno.connect({ hostname: "127.0.0.1", port: targetPort });
      pipes.push(
        conn.readable.pipeTo(upstream.writable).catch(() => {}),
        upstream.readable.pipeTo(conn.writable).catch(() => {}),
      );
    }
  })().catch(() => {});
  return {
    port: (listener.addr as Deno.NetAddr).port,
    connections: () => accepted,
    async close() {
      listener.close();
      await loop;
      await Promise.allSettled(pipes);
    },
  };
}
