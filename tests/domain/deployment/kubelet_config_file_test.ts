import assert from "node:assert/strict";
import { assertEquals } from "../../support/assert.ts";
import {
  mergeProvider,
  parseCredentialProviderConfig,
  providerEntry,
} from "../../../domain/deployment/kubelet_config_file.ts";

const ECR = `apiVersion: kubelet.config.k8s.io/v1
kind: CredentialProviderConfig
providers:
  - name: ecr-credential-provider
    matchImages:
      - "*.dkr.ecr.*.amazonaws.com"
    defaultCacheDuration: "12h"
    apiVersion: credentialprovider.kubelet.k8s.io/v1
`;

Deno.test("parseCredentialProviderConfig() decodes strictly, as kubelet does", async (t) => {
  await t.step("parseCredentialProviderConfig() reads a platform's config", () => {
    const config = parseCredentialProviderConfig(ECR, { minor: 34 });
    assertEquals(config.providers.map((p) => [p.name, p.defaultCacheDuration]), [[
      "ecr-credential-provider",
      "12h",
    ]]);
  });
  const refused: readonly [string, string, number, string][] = [
    [
      "a wrong kind",
      ECR.replace("CredentialProviderConfig", "KubeletConfiguration"),
      34,
      'failed to decode "KubeletConfiguration" (wrong Kind)',
    ],
    [
      "a wrong group",
      ECR.replace("kubelet.config.k8s.io/v1", "example.io/v1"),
      34,
      "failed to decode CredentialProviderConfig, unexpected Group: example.io",
    ],
    [
      "an unknown field",
      `${ECR}    cacheDuration: 1s\n`,
      34,
      'strict decoding error: unknown field "providers[0].cacheDuration"',
    ],
    [
      "cacheType before 1.34",
      `${ECR}    tokenAttributes:\n      serviceAccountTokenAudience: a\n      cacheType: Token\n      requireServiceAccount: false\n`,
      33,
      'strict decoding error: unknown field "providers[0].tokenAttributes.cacheType"',
    ],
    ["not YAML", "a: [b", 34, "not YAML (BAD_INDENT)"],
  ];
  for (const [name, text, minor, message] of refused) {
    await t.step(`parseCredentialProviderConfig() refuses ${name}`, () => {
      assert.throws(() => parseCredentialProviderConfig(text, { minor }), (error: Error) => {
        assertEquals(error.message, message);
        return true;
      });
    });
  }
});

Deno.test("providerEntry() fits the Kubernetes version", async (t) => {
  const options = { name: "crio-credential-provider", matchImages: ["docker.io"] };
  await t.step("providerEntry() for 1.34: cacheType Token", () => {
    assertEquals(providerEntry({ ...options, minor: 34 }).tokenAttributes, {
      serviceAccountTokenAudience: "https://kubernetes.default.svc",
      cacheType: "Token",
      requireServiceAccount: false,
    });
  });
  await t.step("providerEntry() for 1.33: no cacheType, which 1.33 refuses", () => {
    assertEquals(providerEntry({ ...options, minor: 33 }).tokenAttributes?.cacheType, undefined);
  });
  await t.step("providerEntry() with the least-privilege annotation and args", () => {
    const entry = providerEntry({
      ...options,
      minor: 34,
      args: ["--auth-dir=/run/crio/auth"],
      optionalAnnotationKeys: ["crio-credential-provider.cri-o.io/pull-secrets"],
    });
    assertEquals(entry.args, ["--auth-dir=/run/crio/auth"]);
    assertEquals(entry.tokenAttributes?.optionalServiceAccountAnnotationKeys, [
      "crio-credential-provider.cri-o.io/pull-secrets",
    ]);
  });
});

Deno.test("mergeProvider() keeps the other providers and replaces an older entry of ours", () => {
  const ecr = parseCredentialProviderConfig(ECR, { minor: 34 });
  const ours = providerEntry({
    name: "crio-credential-provider",
    matchImages: ["docker.io"],
    minor: 34,
  });
  const once = mergeProvider(ecr, ours);
  assertEquals(once.providers.map((p) => p.name), [
    "ecr-credential-provider",
    "crio-credential-provider",
  ]);
  assertEquals(once.providers[0], ecr.providers[0]);
  const again = mergeProvider(once, { ...ours, matchImages: ["quay.io"] });
  assertEquals(again.providers.map((p) => p.matchImages), [["*.dkr.ecr.*.amazonaws.com"], [
    "quay.io",
  ]]);
});
