/**
 * The node most black-box tests start from: upstream's S1 scenario, a
 * registries.conf mirroring docker.io to localhost:5000 and the namespace
 * secret upstream's own test uses, with the file and answer it yields.
 *
 * @module
 */

import { kubeletRequest, serviceAccountToken, type StandInSecret } from "./api_stand_in.ts";

export const TOKEN = serviceAccountToken("default");
export const IMAGE = "docker.io/library/nginx";
export const FILE = "default-7e59ad64326bc321517fb6fc6586de5ee149178394d9edfa2a877176cdf6fad5.json";
/** The answer to a request without a service-account token. */
export const RESPONSE_WITHOUT_TOKEN =
  '{"kind":"CredentialProviderResponse","apiVersion":"credentialprovider.kubelet.k8s.io/v1","cacheKeyType":"Registry","cacheDuration":"0s"}\n';

/**
 * The answer to a request with a token for `image`: an empty credential for
 * it, so kubelet records the pull under the pod's service account.
 */
export function responseFor(image: string): string {
  return RESPONSE_WITHOUT_TOKEN.replace(
    /}\n$/,
    `,"auth":{${JSON.stringify(image)}:{"username":"","password":""}}}\n`,
  );
}

/** The answer to upstream's S1 request (with a token, for `IMAGE`). */
export const RESPONSE = responseFor(IMAGE);
export const MIRRORED =
  '[[registry]]\nlocation = "docker.io"\n[[registry.mirror]]\nlocation = "localhost:5000"\ninsecure = true\n';
export const MY_SECRET: StandInSecret = {
  name: "my-secret",
  type: "kubernetes.io/dockerconfigjson",
  data: {
    ".dockerconfigjson":
      '{"auths":{"http://localhost:5000":{"username":"myuser","password":"mypassword","auth":"bXl1c2VyOm15cGFzc3dvcmQ="}}}\n',
  },
};
export const W03 =
  '{\n\t"auths": {\n\t\t"localhost:5000": {\n\t\t\t"auth": "bXl1c2VyOm15cGFzc3dvcmQ="\n\t\t}\n\t}\n}\n';

/** kubelet's request for `image` with the S1 token. */
export function kubeletRequestFor(image: string): string {
  return kubeletRequest(image, TOKEN);
}
