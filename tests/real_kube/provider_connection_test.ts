/**
 * How the provider reaches a real kube-apiserver: it refuses the server
 * when the CA is not the cluster's or the serving certificate does not name
 * the address (exit 1, and the audit log shows that nothing reached the
 * server), it never sends the token through kubelet's proxy to a loopback
 * server, and it finds server and CA on a node the way kubeadm and
 * OpenShift lay them out.
 */

import assert from "node:assert/strict";
import { assertEquals } from "../support/assert.ts";
import {
  dockerConfigSecret,
  listSecretsGrant,
  namespace,
  pod,
  serviceAccount,
} from "../support/kube_objects.ts";
import { testWithRealKube } from "../support/real_kube.ts";
import { authFile, authOf, runAgainst } from "../support/real_kube_run.ts";
import { startConnectProxy } from "../support/connect_proxy.ts";
import { startTcpForwarder } from "../support/tcp_forwarder.ts";
import { makeTempDir } from "../support/temp_tree.ts";

/** A CA that did not sign the API server's certificate (the stand-in's). */
const OTHER_CA = await Deno.readTextFile(new URL("../testdata/tls/ca.pem", import.meta.url));
const WRITTEN = authFile({ "localhost:5000": authOf("team-a") });

await testWithRealKube("provider reaching a real API server", async (t, { kube }) => {
  await kube.apply([
    namespace("team-a"),
    serviceAccount("team-a"),
    ...listSecretsGrant("team-a"),
    dockerConfigSecret("team-a", "mirror", "localhost:5000", "team-a"),
    pod("team-a", "app"),
  ]);
  const { token } = await kube.token({ namespace: "team-a", pod: "app" });
  const { hostname, port } = new URL(kube.server);

  await t.step("a CA that is not the cluster's: exit 1, nothing sent", async () => {
    const run = await runAgainst(kube, {
      namespace: "team-a",
      token,
      files: { "etc/kubernetes/ca.pem": OTHER_CA },
      stale: true,
    });
    assertEquals([run.code, run.stdout, run.written, run.leftovers], [1, "", undefined, []]);
    assert.match(
      run.stderr,
      /^Failed to run credential provider: unable to get secrets: Cannot reach the API server "https:\/\/127\.0\.0\.1:\d+": .*invalid peer certificate: UnknownIssuer\n$/,
    );
    assertEquals(run.requests, []);
  });

  await t.step(
    "a serving certificate without the address's SAN: exit 1, nothing sent",
    async () => {
      const forwarder = startTcpForwarder("127.0.0.2", { hostname, port: Number(port) });
      try {
        const run = await runAgainst(kube, {
          namespace: "team-a",
          token,
          connection: (node) => [
            `--ca-file=${node.paths.caFile}`,
            `--api-server=https://127.0.0.2:${forwarder.port}`,
          ],
          stale: true,
        });
        assertEquals([run.code, run.stdout, run.written, run.leftovers], [1, "", undefined, []]);
        assert.match(
          run.stderr,
          /^Failed to run credential provider: unable to get secrets: Cannot reach the API server "https:\/\/127\.0\.0\.2:\d+": .*invalid peer certificate: certificate not valid for name "127\.0\.0\.2"; certificate is only valid for IpAddress\(127\.0\.0\.1\)\n$/,
        );
        // The handshake did reach the API server (its certificate was judged), no request did.
        assert.ok(forwarder.connections() >= 1);
        assertEquals(run.requests, []);
      } finally {
        await forwarder.close();
      }
    },
  );

  await t.step("kubelet's proxy variables: a loopback API server is never proxied", async () => {
    const proxy = startConnectProxy();
    try {
      const run = await runAgainst(kube, {
        namespace: "team-a",
        token,
        env: { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url },
      });
      assertEquals([run.code, run.stderr, run.written], [0, "", WRITTEN]);
      assertEquals(proxy.heads, []);
      assertEquals(run.requests.length, 3);
    } finally {
      proxy.close();
    }
  });

  await t.step("API server and CA from a kubeadm kubelet kubeconfig (kubelet.conf)", async () => {
    const scratch = await makeTempDir();
    let kubeletConf: string;
    try {
      await kube.nodeKubeconfig("node-a", `${scratch}/kubelet.conf`);
      kubeletConf = await Deno.readTextFile(`${scratch}/kubelet.conf`);
    } finally {
      await Deno.remove(scratch, { recursive: true });
    }
    // No --api-server, --ca-file or --kubeconfig; the node's pki/ca.crt is another CA.
    const run = await runAgainst(kube, {
      namespace: "team-a",
      token,
      files: { "etc/kubernetes/kubelet.conf": kubeletConf, "etc/kubernetes/pki/ca.crt": OTHER_CA },
      connection: () => [],
      args: ["--log-level=info"],
    });
    assertEquals(run.code, 0, run.stderr);
    assertEquals(run.written, WRITTEN);
    const lines = run.stderr.split("\n");
    assert.ok(lines.includes(`Using API server host: ${hostname}:${port}`), run.stderr);
    assert.ok(
      lines.some((line) =>
        /^Verifying the API server certificate with CA certificate-authority-data of ".*\/etc\/kubernetes\/kubelet\.conf"$/
          .test(line)
      ),
      run.stderr,
    );
  });

  await t.step(
    "API server from OpenShift's apiserver-url.env, CA from kubelet-ca.crt",
    async () => {
      const run = await runAgainst(kube, {
        namespace: "team-a",
        token,
        files: {
          "etc/kubernetes/apiserver-url.env":
            `KUBERNETES_SERVICE_HOST='${hostname}'\nKUBERNETES_SERVICE_PORT='${port}'\n`,
          "etc/kubernetes/kubelet-ca.crt": kube.caPem,
          "etc/kubernetes/pki/ca.crt": OTHER_CA,
        },
        // A kubeconfig that does not exist, so the machine's own is never read.
        connection: (node) => [`--kubeconfig=${node.paths.kubeletKubeconfig}`],
        args: ["--log-level=info"],
      });
      assertEquals(run.code, 0, run.stderr);
      assertEquals(run.written, WRITTEN);
      const lines = run.stderr.split("\n");
      assert.ok(lines.includes(`Using API server host: ${hostname}:${port}`), run.stderr);
      assert.ok(
        lines.some((line) =>
          /^Verifying the API server certificate with CA ".*\/etc\/kubernetes\/kubelet-ca\.crt"$/
            .test(line)
        ),
        run.stderr,
      );
    },
  );
});
