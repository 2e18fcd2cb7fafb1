/**
 * The provider run by kubelet's own code: `kubelet-driver` registers it with
 * plugin.RegisterCredentialProviderPlugins and looks images up with
 * NewExternalCredentialProviderDockerKeyring(…).Lookup, with kubelet's token
 * manager asking the real API server for tokens as `system:node:node-a`
 * (Node authorizer, NodeRestriction). The kubelet configs are the ones the
 * README's `generate kubelet-config` prints, or hand-written where a row
 * needs another setting; the node RBAC is what `generate rbac` prints.
 */

import assert from "node:assert/strict";
import { assertEquals } from "../support/assert.ts";
import { type KubeletNode, kubeletNode, type Lookup } from "../support/kubelet_driver.ts";
import { driveKubelet, startKubeletDriver } from "../support/kubelet_driver.ts";
import { AUDIENCE, PULL_SECRETS_ANNOTATION } from "../support/kube_objects.ts";
import { listDir } from "../support/provider_scenario.ts";
import { testWithRealKube } from "../support/real_kube.ts";
import { authFile, authFileName, authOf, IMAGE } from "../support/real_kube_run.ts";
import { withTempDir } from "../support/temp_tree.ts";
import {
  clusterObjects,
  configFor,
  deletePod,
  generatedNodeRbac,
  README_CONFIG,
} from "../support/kubelet_plugin_cluster.ts";

const DIGEST = `sha256:${"0123456789abcdef".repeat(4)}`;
const OTHER_CA = await Deno.readTextFile(new URL("../testdata/tls/ca.pem", import.meta.url));

await testWithRealKube("kubelet's plugin code against a real API server", async (t, context) => {
  const { kube, programs } = context;
  const uids = await clusterObjects(kube);
  const lookup = (ns: string, podName: string, image = "nginx", account = "default"): Lookup => ({
    name: `${ns}/${podName} ${image}`,
    namespace: ns,
    podName,
    podUID: uids[`${ns}/${podName}`]!,
    serviceAccount: account,
    image,
  });
  type NodeOptions = Parameters<typeof kubeletNode>[2];
  /** Runs `fn` on a fresh kubelet node, removed afterwards. */
  const onNode = <T>(
    options: NodeOptions,
    fn: (node: KubeletNode) => Promise<T>,
  ) => withTempDir(async (root) => fn(await kubeletNode(root, kube, options)));
  /** Runs `lookups` in one kubelet on node-a; what it got and the auth files it left. */
  const drive = (
    providerConfig: string,
    lookups: Lookup[],
    extra: Omit<Partial<NodeOptions>, "name" | "providerConfig"> = {},
  ) =>
    onNode({ name: "node-a", providerConfig, ...extra }, async (node) => ({
      results: await driveKubelet(programs.driver, node, lookups),
      // The auth files the lookups left, by name (read before the node is removed).
      files: Object.fromEntries(
        await Promise.all((await listDir(node.layout.paths.authDir)).map(async (name) => [
          name,
          await Deno.readTextFile(`${node.layout.paths.authDir}/${name}`),
        ])),
      ) as Record<string, string>,
    }));

  await t.step(
    "without the node ClusterRole for the audience, the token request is refused",
    async () => {
      const { results: [result] } = await drive(README_CONFIG, [lookup("team-a", "app")]);
      assertEquals([result!.found, result!.providerRuns], [false, 0]);
      assertEquals(result!.errors, [
        'Error getting service account token team-a/default: failed to fetch token: serviceaccounts "default" is forbidden: audience "https://kubernetes.default.svc" not found in pod spec volume, system:node:node-a is not authorized to request tokens for this audience',
      ]);
    },
  );

  await kube.apply(await generatedNodeRbac());
  await kube.access({
    user: "system:node:node-a",
    groups: ["system:nodes"],
    verb: "request-serviceaccounts-token-audience",
    resource: AUDIENCE,
    namespace: "team-a",
    name: "default",
  }, { wait: true });

  await t.step(
    "with the README's ClusterRole: a pod-bound token, the file, the empty credential",
    async () => {
      // The gate makes kubelet track where a credential came from (the README asks for it on 1.34).
      const { results: [result], files } = await drive(README_CONFIG, [lookup("team-a", "app")], {
        featureGates: { KubeletEnsureSecretPulledImages: true },
      });
      assertEquals(result!.errors, []);
      assertEquals(result!.repository, IMAGE);
      assertEquals([result!.found, result!.credentials], [true, [
        { username: "", password: "", serviceAccount: "team-a/default" },
      ]]);
      assertEquals(result!.providerRequests, [{
        kind: "CredentialProviderRequest",
        apiVersion: "credentialprovider.kubelet.k8s.io/v1",
        image: IMAGE,
        serviceAccountToken: "<redacted>",
      }]);
      const [request] = result!.tokenRequests;
      const claims = request!.claims as Record<string, unknown>;
      const kubernetes = claims["kubernetes.io"] as Record<string, { name: string; uid: string }>;
      assertEquals([request!.audiences, request!.boundPod, claims.aud], [[AUDIENCE], "Pod/app", [
        AUDIENCE,
      ]]);
      assertEquals([claims.sub, claims.iss], ["system:serviceaccount:team-a:default", AUDIENCE]);
      assertEquals(kubernetes.pod, { name: "app", uid: uids["team-a/app"] });
      assertEquals(kubernetes.node!.name, "node-a");
      assertEquals(files, {
        [await authFileName("team-a")]: authFile({ "localhost:5000": authOf("team-a") }),
      });
    },
  );

  await t.step("a pod bound to another node: refused even with the ClusterRole", async () => {
    const { results: [result] } = await drive(README_CONFIG, [lookup("team-a", "elsewhere")]);
    assertEquals([result!.found, result!.providerRuns], [false, 0]);
    assertEquals(result!.errors.length, 1);
    assert.match(
      result!.errors[0]!,
      /^Error getting service account token team-a\/default: failed to fetch token: serviceaccounts "default" is forbidden: node requested token bound to a pod scheduled on a different node$/,
    );
  });

  for (const image of ["nginx", "nginx:1.27", `nginx@${DIGEST}`]) {
    await t.step(`${image} reaches the provider as docker.io/library/nginx`, async () => {
      const { results: [result], files } = await drive(README_CONFIG, [
        lookup("team-a", "app", image),
      ]);
      assertEquals(result!.providerRequests.map((r) => r.image), [IMAGE]);
      assertEquals(Object.keys(files), [await authFileName("team-a", IMAGE)]);
    });
  }

  const cached: readonly [string, string | undefined, number[]][] = [
    ['cacheDuration "0s": kubelet runs the provider on every lookup', undefined, [1, 1]],
    [
      "(control) an answer without cacheDuration is served from kubelet's cache",
      's/,"cacheDuration":"0s"//',
      [1, 0],
    ],
  ];
  for (const [name, editAnswer, runs] of cached) {
    await t.step(name, async () => {
      const config = configFor({ defaultCacheDuration: "1h" });
      const { results } = await drive(config, [lookup("team-a", "app"), lookup("team-a", "app")], {
        ...(editAnswer === undefined ? {} : { editAnswer }),
      });
      assertEquals(results.map((r) => [r.providerRuns, r.found, r.errors]), [
        [runs[0], true, []],
        [runs[1], true, []],
      ]);
    });
  }

  const versions: readonly [string, string | undefined][] = [
    ["credentialprovider.kubelet.k8s.io/v1", undefined],
    ["credentialprovider.kubelet.k8s.io/v1beta1", undefined],
    ["credentialprovider.kubelet.k8s.io/v1alpha1", undefined],
    // kubelet's decoder is strict: an unknown field in the answer is an error.
    ["credentialprovider.kubelet.k8s.io/v1beta1", 's/}$/,"surplus":1}/'],
  ];
  for (const [apiVersion, editAnswer] of versions) {
    const title = editAnswer === undefined
      ? `${apiVersion} without tokenAttributes: no token, the answer passes kubelet's strict decoder`
      : `(control) ${apiVersion} with an unknown field in the answer: kubelet refuses it`;
    await t.step(title, async () => {
      const { results: [result], files } = await drive(
        configFor({ apiVersion, tokenAttributes: false }),
        [lookup("team-a", "app")],
        editAnswer === undefined ? {} : { editAnswer },
      );
      assertEquals(result!.providerRequests, [{
        kind: "CredentialProviderRequest",
        apiVersion,
        image: IMAGE,
      }]);
      assertEquals([result!.found, result!.tokenRequests, files], [false, [], {}]);
      if (editAnswer === undefined) assertEquals(result!.errors, []);
      // kubelet does not quote the decoder's error: it may hold credentials.
      else {
        assertEquals(result!.errors, [
          "Failed getting credential from external registry credential provider: error decoding " +
          "credential provider plugin response from stdout",
        ]);
      }
    });
  }

  const accounts: readonly [string, string, Lookup, number, Record<string, string> | null][] = [
    [
      "requireServiceAccount: true, a pod without one: not run",
      configFor({ require: true }),
      {
        ...lookup("team-a", "app"),
        serviceAccount: "",
      },
      0,
      null,
    ],
    [
      "requireServiceAccount: false, a pod without one: run without a token",
      README_CONFIG,
      {
        ...lookup("team-a", "app"),
        serviceAccount: "",
      },
      1,
      null,
    ],
    [
      "a required annotation the service account lacks: not run",
      configFor({ require: true, requiredKey: "example.com/opt-in" }),
      lookup("team-r", "plain"),
      0,
      null,
    ],
    [
      "a required annotation the service account has: run with it and a token",
      configFor({ require: true, requiredKey: "example.com/opt-in" }),
      lookup("team-r", "opted", "nginx", "opted-in"),
      1,
      { "example.com/opt-in": "yes" },
    ],
  ];
  for (const [name, config, l, runs, annotations] of accounts) {
    await t.step(name, async () => {
      const { results: [result] } = await drive(config, [l]);
      assertEquals([result!.providerRuns, result!.errors], [runs, []]);
      const withToken = annotations !== null;
      assertEquals(
        result!.providerRequests.map((r) => [r.serviceAccountToken, r.serviceAccountAnnotations]),
        runs === 0 ? [] : [[withToken ? "<redacted>" : undefined, annotations ?? undefined]],
      );
    });
  }

  await t.step(
    "the README's annotation mode: kubelet passes it, the named secret is used",
    async () => {
      const { results: [result], files } = await drive(README_CONFIG, [lookup("team-n", "app")]);
      assertEquals(result!.errors, []);
      assertEquals(result!.providerRequests.map((r) => r.serviceAccountAnnotations), [
        { [PULL_SECRETS_ANNOTATION]: "mirror-credentials" },
      ]);
      assertEquals(files, {
        [await authFileName("team-n")]: authFile({ "localhost:5000": authOf("team-n") }),
      });
    },
  );

  await t.step(
    "a provider that cannot verify the API server: kubelet's one error line",
    async () => {
      const { results: [result] } = await drive(README_CONFIG, [lookup("team-a", "app")], {
        caPem: OTHER_CA,
      });
      assertEquals([result!.found, result!.providerRuns], [false, 1]);
      assertEquals(result!.errors.length, 1);
      assert.match(
        result!.errors[0]!,
        /^Failed getting credential from external registry credential provider: error execing credential provider plugin crio-credential-provider for image docker\.io\/library\/nginx: exit status 1: Failed to run credential provider: unable to get secrets: Cannot reach the API server "https:\/\/127\.0\.0\.1:\d+": [^\n]*invalid peer certificate: UnknownIssuer$/,
      );
    },
  );

  await t.step("a deleted pod's token from kubelet's cache: kubelet's one error line", async () => {
    await onNode({ name: "node-a", providerConfig: README_CONFIG }, async (node) => {
      const driver = startKubeletDriver(programs.driver, node);
      try {
        // The first lookup (no mirror: no API call) makes kubelet's token manager keep the token.
        const first = await driver.lookup(lookup("team-a", "doomed", "quay.io/team/app"));
        assertEquals([first.providerRuns, first.errors], [1, []]);
        const exp = first.tokenRequests[0]!.claims!.exp as number;
        await deletePod(kube, "team-a", "doomed");
        const second = await driver.lookup(lookup("team-a", "doomed"));
        assertEquals([second.found, second.tokenRequests.length], [false, 1]);
        assertEquals(second.errors, [
          "Failed getting credential from external registry credential provider: error execing " +
          "credential provider plugin crio-credential-provider for image docker.io/library/nginx: " +
          "exit status 1: Failed to run credential provider: unable to get secrets: the API " +
          "server did not accept the service account token (HTTP 401: Unauthorized); the token " +
          `has audience "${AUDIENCE}", expires at ${new Date(exp * 1000).toISOString()}: check ` +
          "that tokenAttributes.serviceAccountTokenAudience in kubelet's credential provider " +
          "config is an audience the API server accepts (its --api-audiences), and that the " +
          "token is still valid",
        ]);
      } finally {
        await driver.close();
      }
    });
  });
});
