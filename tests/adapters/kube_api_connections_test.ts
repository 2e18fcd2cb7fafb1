/**
 * How many connections the lists of one run cost: over HTTP/2, as
 * kube-apiserver serves, one; and a server that speaks only HTTP/1.1 still
 * answers, refusing HTTP/2 in the handshake (ALPN) or by not understanding it.
 */

import assert from "node:assert/strict";
import { assertEquals } from "../support/assert.ts";
import { createSecretSource } from "../../adapters/kube_api.ts";
import { serviceAccountToken, startApiStandIn } from "../support/api_stand_in.ts";
import { startTcpForwarder } from "../support/tcp_forwarder.ts";

const TOKEN = serviceAccountToken("default");
const TLS = new URL("../testdata/tls/", import.meta.url);
const CA = await Deno.readTextFile(new URL("ca.pem", TLS));
const CERT = await Deno.readTextFile(new URL("server.pem", TLS));
const KEY = await Deno.readTextFile(new URL("server-key.pem", TLS));
const LIST = JSON.stringify({
  kind: "SecretList",
  items: [{
    metadata: { name: "a" },
    type: "kubernetes.io/dockerconfigjson",
    data: { ".dockerconfigjson": btoa('{"auths":{"a.example":{"auth":"dTpw"}}}') },
  }],
});

function source(port: number) {
  return createSecretSource({
    connect: () => Promise.resolve({ server: `https://127.0.0.1:${port}`, trust: { caPem: CA } }),
    signal: AbortSignal.timeout(10_000),
    userAgent: "crio-credential-provider/0.0.0-test (linux/amd64)",
  });
}

Deno.test("listPullSecrets() sends its lists over one HTTP/2 connection", async () => {
  const standIn = startApiStandIn({ token: TOKEN, secrets: [] });
  const forwarder = startTcpForwarder("127.0.0.1", {
    hostname: "127.0.0.1",
    port: Number(new URL(standIn.url).port),
  });
  try {
    const listing = await source(forwarder.port).listPullSecrets("default", TOKEN);
    assertEquals(listing.kind, "listed");
    assertEquals([standIn.requests.length, forwarder.connections()], [3, 1]);
  } finally {
    await forwarder.close();
    await standIn.close();
  }
});

Deno.test("listPullSecrets() also talks to a server that speaks only HTTP/1.1", async (t) => {
  const rows: readonly [string, readonly string[] | undefined][] = [
    ["refusing HTTP/2 in the handshake (ALPN)", ["http/1.1"]],
    ["without ALPN, not understanding HTTP/2", undefined],
  ];
  const { createServer } = await import("node:https");
  for (const [name, alpn] of rows) {
    await t.step(`listPullSecrets() with a server ${name}`, async () => {
      const seen: string[] = [];
      const server = createServer(
        { cert: CERT, key: KEY, ...(alpn ? { ALPNProtocols: [...alpn] } : {}) },
        (request, response) => {
          seen.push(
            `${request.httpVersion} ${request.headers.authorization === `Bearer ${TOKEN}`}`,
          );
          response.writeHead(200, { "content-type": "application/json" }).end(LIST);
        },
      );
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      try {
        const port = (server.address() as { port: number }).port;
        const listing = await source(port).listPullSecrets("default", TOKEN);
        assert.ok(listing.kind === "listed");
        assertEquals(listing.secrets.map((s) => s.name), ["a", "a", "a"]);
        assertEquals(seen, ["1.1 true", "1.1 true", "1.1 true"]);
      } finally {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    });
  }
});
