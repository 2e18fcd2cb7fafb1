import { assertEquals, assertThrows } from "../../support/assert.ts";
import { kubeconfigCluster } from "../../../domain/api_server/kubeconfig.ts";

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- name: other
  cluster:
    server: https://other:6443
- name: local
  cluster:
    server: https://10.0.0.1:6443
    certificate-authority: pki/ca.crt
contexts:
- name: kubelet
  context:
    cluster: local
    user: kubelet
current-context: kubelet
users:
- name: kubelet
  user:
    client-certificate: /var/lib/kubelet/pki/kubelet-client-current.pem
`;

Deno.test("kubeconfigCluster() follows the current context", () => {
  assertEquals(kubeconfigCluster(KUBECONFIG, "/etc/kubernetes/kubelet.conf"), {
    server: "https://10.0.0.1:6443",
    caFile: "/etc/kubernetes/pki/ca.crt",
  });
});

Deno.test("kubeconfigCluster() decodes certificate-authority-data", () => {
  const pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
  const text =
    `clusters:\n- name: c\n  cluster:\n    server: https://api:6443\n    certificate-authority-data: ${
      btoa(pem)
    }\n`;
  assertEquals(kubeconfigCluster(text, "/var/lib/kubelet/kubeconfig"), {
    server: "https://api:6443",
    caData: pem,
  });
});

Deno.test("kubeconfigCluster() rejects what names no cluster", async (t) => {
  const rows: readonly [string, string, string][] = [
    ["no clusters", "kind: Config\n", "clusters"],
    [
      "a cluster without server",
      "clusters:\n- name: c\n  cluster: {}\n",
      "clusters.0.cluster.server",
    ],
    ["not YAML", "clusters: [\n", "invalid YAML"],
    [
      "bad CA data",
      "clusters:\n- name: c\n  cluster:\n    server: https://a\n    certificate-authority-data: '!!'\n",
      "not valid base64",
    ],
  ];
  for (const [name, text, message] of rows) {
    await t.step(`kubeconfigCluster() rejects ${name}`, () => {
      assertThrows(() => kubeconfigCluster(text, "/k"), SyntaxError, message);
    });
  }
});
