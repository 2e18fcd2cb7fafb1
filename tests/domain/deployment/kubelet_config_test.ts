import { assertEquals } from "../../support/assert.ts";
import {
  type CredentialProvider,
  type CredentialProviderConfig,
  validateCredentialProviderConfig,
} from "../../../domain/deployment/kubelet_config.ts";

const OURS: CredentialProvider = {
  name: "crio-credential-provider",
  matchImages: ["docker.io"],
  defaultCacheDuration: "1s",
  apiVersion: "credentialprovider.kubelet.k8s.io/v1",
  tokenAttributes: {
    serviceAccountTokenAudience: "https://kubernetes.default.svc",
    cacheType: "Token",
    requireServiceAccount: false,
  },
};

function config(...providers: CredentialProvider[]): CredentialProviderConfig {
  return { apiVersion: "kubelet.config.k8s.io/v1", kind: "CredentialProviderConfig", providers };
}

const ON_134 = { minor: 34, tokenGate: true };

Deno.test("validateCredentialProviderConfig() holds kubelet's start-up checks, in its words", async (t) => {
  // kubernetes pkg/credentialprovider/plugin/config.go validateCredentialProviderConfig (deployment.md §3.2).
  const token = OURS.tokenAttributes!;
  const rows: readonly [string, CredentialProviderConfig, string[]][] = [
    ["this provider's entry", config(OURS), []],
    ["no provider", config(), [
      "providers: Required value: at least 1 item in plugins is required",
    ]],
    ["a name with a slash", config({ ...OURS, name: "a/b" }), [
      "providers.name: Invalid value: \"a/b\": provider name cannot contain '/'",
    ]],
    ["a name with a space", config({ ...OURS, name: "a b" }), [
      'providers.name: Invalid value: "a b": provider name cannot contain spaces',
    ]],
    ["the name ..", config({ ...OURS, name: ".." }), [
      "providers.name: Invalid value: \"..\": provider name cannot be '..'",
    ]],
    ["a name twice", config(OURS, OURS), [
      'providers.name: Duplicate value: "crio-credential-provider"',
    ]],
    [
      "an unknown API version",
      config({ ...OURS, apiVersion: "credentialprovider.kubelet.k8s.io/v2" }),
      [
        'providers.apiVersion: Unsupported value: "credentialprovider.kubelet.k8s.io/v2": supported values: "credentialprovider.kubelet.k8s.io/v1", "credentialprovider.kubelet.k8s.io/v1alpha1", "credentialprovider.kubelet.k8s.io/v1beta1"',
        "providers.tokenAttributes: Forbidden: tokenAttributes is only supported for credentialprovider.kubelet.k8s.io/v1 API version",
      ],
    ],
    ["no matchImages", config({ ...OURS, matchImages: [] }), [
      "providers.matchImages: Required value: at least 1 item in matchImages is required",
    ]],
    ["a bad port", config({ ...OURS, matchImages: ["r:x"] }), [
      'providers.matchImages: Invalid value: "r:x": match image is invalid: invalid port ":x" after host',
    ]],
    ["no defaultCacheDuration", config({ ...OURS, defaultCacheDuration: "" }), [
      "providers.defaultCacheDuration: Required value",
    ]],
    ["a negative defaultCacheDuration", config({ ...OURS, defaultCacheDuration: "-1s" }), [
      'providers.defaultCacheDuration: Invalid value: "-1s": must be greater than or equal to 0',
    ]],
    [
      "no audience",
      config({ ...OURS, tokenAttributes: { ...token, serviceAccountTokenAudience: "" } }),
      [
        "providers.tokenAttributes.serviceAccountTokenAudience: Required value",
      ],
    ],
    [
      "no cacheType from 1.34",
      config({
        ...OURS,
        tokenAttributes: { serviceAccountTokenAudience: "a", requireServiceAccount: false },
      }),
      [
        "providers.tokenAttributes.cacheType: Required value: cacheType is required to be set when tokenAttributes is specified. Supported values are: ServiceAccount, Token",
      ],
    ],
    ["an unknown cacheType", config({ ...OURS, tokenAttributes: { ...token, cacheType: "Pod" } }), [
      'providers.tokenAttributes.cacheType: Unsupported value: "Pod": supported values: "ServiceAccount", "Token"',
    ]],
    [
      "required keys without requireServiceAccount",
      config({
        ...OURS,
        tokenAttributes: { ...token, requiredServiceAccountAnnotationKeys: ["example.com/id"] },
      }),
      [
        "providers.tokenAttributes.requiredServiceAccountAnnotationKeys: Forbidden: requireServiceAccount cannot be false when requiredServiceAccountAnnotationKeys is set",
      ],
    ],
    [
      "an annotation key that is no qualified name",
      config({
        ...OURS,
        tokenAttributes: { ...token, optionalServiceAccountAnnotationKeys: ["a/b/c"] },
      }),
      [
        'providers.tokenAttributes.optionalServiceAccountAnnotationKeys: Invalid value: "a/b/c": a qualified name must consist of an optional prefix and a name',
      ],
    ],
    [
      "a key twice",
      config({
        ...OURS,
        tokenAttributes: { ...token, optionalServiceAccountAnnotationKeys: ["a.io/k", "a.io/k"] },
      }),
      ['providers.tokenAttributes.optionalServiceAccountAnnotationKeys: Duplicate value: "a.io/k"'],
    ],
    [
      "a key both required and optional",
      config({
        ...OURS,
        tokenAttributes: {
          ...token,
          requireServiceAccount: true,
          requiredServiceAccountAnnotationKeys: ["a.io/k"],
          optionalServiceAccountAnnotationKeys: ["a.io/k"],
        },
      }),
      [
        'providers.tokenAttributes: Invalid value: ["a.io/k"]: annotation keys cannot be both required and optional',
      ],
    ],
  ];
  for (const [name, value, errors] of rows) {
    await t.step(`validateCredentialProviderConfig() with ${name}`, () => {
      assertEquals(validateCredentialProviderConfig(value, ON_134), errors);
    });
  }
  await t.step("validateCredentialProviderConfig() with the token gate off", () => {
    assertEquals(validateCredentialProviderConfig(config(OURS), { minor: 33, tokenGate: false }), [
      "providers.tokenAttributes: Forbidden: tokenAttributes is not supported when KubeletServiceAccountTokenForCredentialProviders feature gate is disabled",
    ]);
  });
});
