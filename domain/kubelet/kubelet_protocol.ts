/**
 * The kubelet's exec credential-provider protocol: the request it writes to
 * stdin and the one response line it decodes strictly from stdout.
 *
 * @module
 */

import * as z from "zod/mini";
import { parseNormalizedReference, referenceName } from "../registries/image_reference.ts";
import { parseJson } from "../text/json_document.ts";
import { cutText } from "../text/log_text.ts";
import { describeIssues } from "../errors/schema_issues.ts";

/** The API versions kubelet may use; only v1 carries a service-account token. */
export const API_VERSIONS = [
  "credentialprovider.kubelet.k8s.io/v1",
  "credentialprovider.kubelet.k8s.io/v1beta1",
  "credentialprovider.kubelet.k8s.io/v1alpha1",
] as const;

/** One of {@linkcode API_VERSIONS}. */
export type ApiVersion = typeof API_VERSIONS[number];

/** A validated `CredentialProviderRequest`. */
export interface CredentialProviderRequest {
  readonly apiVersion: ApiVersion;
  /** The normalized repository name, e.g. `docker.io/library/nginx` (no tag, no digest). */
  readonly image: string;
  /** The pod's service-account token (a JWT), absent without a service account. */
  readonly serviceAccountToken?: string;
  readonly serviceAccountAnnotations?: Readonly<Record<string, string>>;
}

// zod/mini: the same validation, but tree-shakable, so start-up stays cheap.
const REQUEST = z.looseObject({
  apiVersion: z.enum(API_VERSIONS),
  kind: z.literal("CredentialProviderRequest"),
  image: z.string().check(z.minLength(1)),
  serviceAccountToken: z.optional(z.string()),
  serviceAccountAnnotations: z.optional(z.record(z.string(), z.string())),
});

/** The request on stdin is not a valid `CredentialProviderRequest`. */
export class RequestError extends SyntaxError {
  /** @param message what is wrong with the request */
  constructor(message: string) {
    super(message);
    this.name = "RequestError";
  }
}

/**
 * Parses and validates the request kubelet writes to stdin. Unknown fields
 * are tolerated (newer kubelets may add some); the image must be the
 * normalized repository name kubelet sends, since CRI-O names the auth file
 * after exactly that string.
 *
 * @example
 * ```ts
 * import { parseRequest } from "./kubelet_protocol.ts";
 * parseRequest('{"kind":"CredentialProviderRequest","apiVersion":"credentialprovider.kubelet.k8s.io/v1","image":"docker.io/library/nginx"}').image;
 * // "docker.io/library/nginx"
 * ```
 * @throws {RequestError} naming the first problem
 */
export function parseRequest(text: string): CredentialProviderRequest {
  let json: unknown;
  try {
    json = parseJson(text);
  } catch (error) {
    // The request carries the pod's token: the message names the place, never the text.
    throw new RequestError((error as Error).message);
  }
  const parsed = REQUEST.safeParse(json);
  if (!parsed.success) {
    throw new RequestError(describeIssues(parsed.error, "request"));
  }
  const { apiVersion, image, serviceAccountToken, serviceAccountAnnotations } = parsed.data;
  let normalized: string | undefined;
  try {
    const reference = parseNormalizedReference(image);
    if (reference.tag === undefined && reference.digest === undefined) {
      normalized = referenceName(reference);
    }
  } catch {
    // reported below
  }
  if (normalized !== image) {
    throw new RequestError(
      `image ${
        JSON.stringify(cutText(image))
      } is not a normalized repository name such as "docker.io/library/nginx"`,
    );
  }
  return {
    apiVersion,
    image,
    ...(serviceAccountToken ? { serviceAccountToken } : {}),
    // Only v1 has the field; an older version's request cannot mean it.
    ...(serviceAccountAnnotations === undefined || apiVersion !== API_VERSIONS[0]
      ? {}
      : { serviceAccountAnnotations }),
  };
}

/** Options for {@linkcode encodeResponse}. */
export interface ResponseOptions {
  /**
   * The request's image, when the request carried a service-account token:
   * the answer then holds an empty credential for it (see below).
   */
  readonly image?: string;
}

/**
 * The response line: the request's API version, `Registry` keys and
 * `cacheDuration: "0s"`, so kubelet does not cache a response whose real
 * effect is the auth file written for this one pull (with caching, kubelet
 * would skip the run and no fresh file would be written).
 *
 * Real credentials returned to kubelet would never reach a mirror. But when
 * the request carries a service-account token, the answer holds an entry with
 * an empty username and password for the request's image: kubelet then
 * records the pull under the pod's service account (KEP-2535,
 * `KubeletEnsureSecretPulledImages`) instead of as accessible to every pod on
 * the node, so another namespace cannot start the cached private image
 * without pulling it with its own credentials. CRI-O sets registry
 * credentials only for a non-empty username (`server/image_pull.go`), so the
 * pull still uses the namespaced auth file.
 *
 * @example
 * ```ts
 * import { encodeResponse } from "./kubelet_protocol.ts";
 * encodeResponse("credentialprovider.kubelet.k8s.io/v1");
 * // '{"kind":"CredentialProviderResponse","apiVersion":"credentialprovider.kubelet.k8s.io/v1","cacheKeyType":"Registry","cacheDuration":"0s"}\n'
 * encodeResponse("credentialprovider.kubelet.k8s.io/v1", { image: "docker.io/library/nginx" });
 * // '{"kind":"CredentialProviderResponse","apiVersion":"credentialprovider.kubelet.k8s.io/v1","cacheKeyType":"Registry","cacheDuration":"0s","auth":{"docker.io/library/nginx":{"username":"","password":""}}}\n'
 * ```
 */
export function encodeResponse(apiVersion: ApiVersion, options: ResponseOptions = {}): string {
  return `${
    JSON.stringify({
      kind: "CredentialProviderResponse",
      apiVersion,
      cacheKeyType: "Registry",
      cacheDuration: "0s",
      ...(options.image === undefined
        ? {}
        : { auth: { [options.image]: { username: "", password: "" } } }),
    })
  }\n`;
}
