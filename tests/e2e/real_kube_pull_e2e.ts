/**
 * End to end with real Kubernetes pieces, inside a network namespace with
 * only loopback (started by tests/e2e_test.ts, which builds the Go programs
 * first and names them in KUBE_APISERVER_BIN, KUBE_FIXTURE_BIN and
 * KUBELET_DRIVER_BIN): a real registry with htpasswd auth, etcd and
 * kube-apiserver holding the namespace's pull secret, kubelet's own plugin
 * code and token manager (as node-a, Node authorizer, the README's RBAC)
 * running the provider for a pod's image, and the auth file consumed as
 * CRI-O consumes it, by skopeo.
 */

import assert from "node:assert/strict";
import { assertEquals } from "../support/assert.ts";
import { crioPull } from "../support/crio_pull.ts";
import { startKubeFixture } from "../support/kube_fixture.ts";
import { driveKubelet, kubeletNode } from "../support/kubelet_driver.ts";
import { generatedNodeRbac, README_CONFIG } from "../support/kubelet_plugin_cluster.ts";
import {
  listSecretsGrant,
  namespace,
  node,
  pod,
  secret,
  serviceAccount,
} from "../support/kube_objects.ts";
import { authFileName } from "../support/real_kube_run.ts";
import { buildTestImage, pushImage, servedManifest, startRegistry } from "../support/registry.ts";
import { makeTempDir, withTempDir } from "../support/temp_tree.ts";

const interfaces = new Set(Deno.networkInterfaces().map((i) => i.name));
if ([...interfaces].some((name) => name !== "lo")) {
  throw new Error(`Refusing to run outside an isolated network namespace (${[...interfaces]})`);
}
const program = (variable: string) => {
  const path = Deno.env.get(variable);
  if (path === undefined) throw new Error(`${variable} must name the built program`);
  return path;
};
const APISERVER = program("KUBE_APISERVER_BIN");
const FIXTURE = program("KUBE_FIXTURE_BIN");
const DRIVER = program("KUBELET_DRIVER_BIN");

const USERS = { pusher: "push-pass", myuser: "mypassword" };
const POD_IMAGE = "docker.io/library/nginx:latest";

Deno.test({
  name: "a pod's pull through a mirror: kubelet's code, a real API server, skopeo as CRI-O",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const root = await makeTempDir("crio-credential-provider-e2e-kube-");
    await Deno.mkdir(`${root}/registry`);
    const registry = await startRegistry(`${root}/registry`, USERS);
    const kube = await startKubeFixture(FIXTURE, APISERVER).catch(async (error) => {
      await registry.stop();
      throw error;
    });
    try {
      await Deno.mkdir(`${root}/image`);
      await pushImage(await buildTestImage(`${root}/image`), {
        reference: `${registry.host}/library/nginx:latest`,
        credentials: `pusher:${USERS.pusher}`,
      });
      // Upstream's test secret: the mirror's key with a scheme, user, password and auth.
      const mirrorSecret = (ns: string) =>
        secret(ns, "my-secret", "kubernetes.io/dockerconfigjson", {
          ".dockerconfigjson": JSON.stringify({
            auths: {
              [`http://${registry.host}`]: {
                username: "myuser",
                password: USERS.myuser,
                auth: btoa(`myuser:${USERS.myuser}`),
              },
            },
          }),
        });
      await kube.apply([
        node("node-a"),
        ...await generatedNodeRbac(),
        namespace("team-a"),
        serviceAccount("team-a"),
        ...listSecretsGrant("team-a"),
        mirrorSecret("team-a"),
        // The same secret, but its service account may not read it.
        namespace("team-c"),
        serviceAccount("team-c"),
        mirrorSecret("team-c"),
      ]);
      const [a, c] = await kube.apply([
        pod("team-a", "app", { nodeName: "node-a", image: POD_IMAGE }),
        pod("team-c", "app", { nodeName: "node-a", image: POD_IMAGE }),
      ]);
      const registriesConf = `[[registry]]\nlocation = "docker.io"\n[[registry.mirror]]\n` +
        `location = "${registry.host}"\ninsecure = true\n`;

      const rows: readonly [string, string, string, boolean][] = [
        ["the pod's namespace may read its pull secret: pulled with it", "team-a", a!, true],
        [
          "(control) its service account may not read it: no file, the pull fails",
          "team-c",
          c!,
          false,
        ],
      ];
      for (const [name, ns, podUID, pulls] of rows) {
        await t.step(name, () =>
          withTempDir(async (dir) => {
            const kubelet = await kubeletNode(`${dir}/node`, kube, {
              name: "node-a",
              providerConfig: README_CONFIG,
              registriesConf,
            });
            await Deno.mkdir(kubelet.layout.paths.registriesConfDir, { recursive: true });
            const logBefore = (await registry.log()).length;
            const [result] = await driveKubelet(DRIVER, kubelet, [{
              name,
              namespace: ns,
              podName: "app",
              podUID,
              serviceAccount: "default",
              image: POD_IMAGE,
            }]);
            assertEquals([result!.providerRuns, result!.errors], [1, []]);
            const pull = await crioPull({
              authDir: kubelet.layout.paths.authDir,
              authFileName: await authFileName(ns),
              registriesConf: kubelet.layout.paths.registriesConf,
              registriesConfDir: kubelet.layout.paths.registriesConfDir,
              image: POD_IMAGE,
              scratch: `${dir}/scratch`,
            });
            assertEquals([pull.usedAuthFile, pull.pulled], [pulls, pulls], pull.output);
            const log = (await registry.log()).slice(logBefore);
            assertEquals(servedManifest(log, "library/nginx", "myuser"), pulls, log);
            if (!pulls) assert.match(pull.output, /unauthorized|authentication required/i);
          }));
      }
    } finally {
      await kube.close();
      await registry.stop();
      await Deno.remove(root, { recursive: true });
    }
  },
});
