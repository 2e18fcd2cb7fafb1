/**
 * A forward proxy on loopback, standing in for a corporate proxy in kubelet's
 * environment: it tunnels `CONNECT host:port` and records the head of every
 * request it receives, so a test can assert what a proxy gets to see (a
 * CONNECT line only, never a bearer token).
 */

/** A running proxy; close it in `finally`. */
export interface ConnectProxy {
  readonly url: string;
  /** The head (request line and headers) of each request received. */
  readonly heads: string[];
  close(): void;
}

async function readHead(conn: Deno.Conn): Promise<string> {
  const bytes: number[] = [];
  const buffer = new Uint8Array(1);
  while (true) {
    const read = await conn.read(buffer);
    if (read === null) break;
    bytes.push(buffer[0]!);
    const n = bytes.length;
    if (
      n >= 4 && bytes[n - 4] === 13 && bytes[n - 3] === 10 && bytes[n - 2] === 13 &&
      bytes[n - 1] === 10
    ) {
      break;
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

async function pipe(from: Deno.Conn, to: Deno.Conn): Promise<void> {
  try {
    await from.readable.pipeTo(to.writable, { preventClose: false });
  } catch {
    // one side closed
  }
}

/** Starts the proxy on `hostname` (default 127.0.0.3, so it is not the API server's address). */
export function startConnectProxy(hostname = "127.0.0.3"): ConnectProxy {
  const listener = Deno.listen({ hostname, port: 0 });
  const heads: string[] = [];
  (async () => {
    for await (const client of listener) {
      (async () => {
        const head = await readHead(client);
        heads.push(head);
        const target = /^CONNECT ([^ ]+) /.exec(head)?.[1];
        if (target === undefined) {
          await client.write(
            new TextEncoder().encode("HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n"),
          );
          client.close();
          return;
        }
        const colon = target.lastIndexOf(":");
        const upstream = await Deno.connect({
          hostname: target.slice(0, colon).replace(/^\[|\]$/g, ""),
          port: Number(target.slice(colon + 1)),
        });
        await client.write(new TextEncoder().encode("HTTP/1.1 200 Connection established\r\n\r\n"));
        await Promise.all([pipe(client, upstream), pipe(upstream, client)]);
      })().catch(() => {});
    }
  })().catch(() => {});
  const { port } = listener.addr as Deno.NetAddr;
  return { url: `http://${hostname}:${port}`, heads, close: () => listener.close() };
}
