/**
 * The node of the cached-image tests (`tests/kubelet_cached_images*_test.ts`):
 * registries.conf mirrors registry.example.com to mirror.example:5000, the
 * global auth file is empty, and the API stand-in has a pull secret for the
 * mirror in team-a and team-b, none in team-c.
 */

import type { StandInSecret } from "./api_stand_in.ts";

export const IMAGE = "registry.example.com/team/app:v1";
/** The image as the pull record maps it: repository, no tag or digest. */
export const REPOSITORY = "registry.example.com/team/app";
const MIRROR = "mirror.example:5000";
const AUDIENCE = "https://kubernetes.default.svc";
export const PROVIDER = "crio-credential-provider";

export const REGISTRIES_CONF = `[[registry]]\nlocation = "registry.example.com"\n` +
  `[[registry.mirror]]\nlocation = "${MIRROR}"\n`;

export const PROVIDER_CONFIG = `apiVersion: kubelet.config.k8s.io/v1
kind: CredentialProviderConfig
providers:
  - name: ${PROVIDER}
    matchImages:
      - registry.example.com
    defaultCacheDuration: 1s
    apiVersion: credentialprovider.kubelet.k8s.io/v1
    tokenAttributes:
      serviceAccountTokenAudience: ${AUDIENCE}
      cacheType: Token
      requireServiceAccount: false
`;

function mirrorSecret(namespace: string, user: string): StandInSecret {
  return {
    name: "mirror-pull",
    namespace,
    type: "kubernetes.io/dockerconfigjson",
    data: {
      ".dockerconfigjson": JSON.stringify({
        auths: { [MIRROR]: { auth: btoa(`${user}:${user}-password`) } },
      }),
    },
  };
}

export const SECRETS = [mirrorSecret("team-a", "team-a"), mirrorSecret("team-b", "team-b")];

/**
 * The API stand-in accepts the harness's unsigned tokens for the namespace
 * their claim names, with the provider's audience.
 */
export function acceptToken(token: string, namespace: string): boolean {
  try {
    const payload = token.split(".")[1] ?? "";
    const claims = JSON.parse(
      new TextDecoder().decode(Uint8Array.fromBase64(payload, { alphabet: "base64url" })),
    );
    const audiences: unknown = claims.aud;
    return namespace !== "" && claims["kubernetes.io"]?.namespace === namespace &&
      Array.isArray(audiences) && audiences.includes(AUDIENCE);
  } catch {
    return false;
  }
}
