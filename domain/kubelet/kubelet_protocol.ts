/**
 * The kubelet's exec credential-provider protocol: the request it writes to
 * stdin and the one response line it decodes strictly from stdout.
 *
 * @module
 */

import { parseNormalizedReference, referenceName } from "../registries/image_reference.ts";
import { parseJson } from "../text/json_document.ts";
import { cutText } from "../text/log_text.ts";

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

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * What is wrong with a decoded request, `field: problem` each, in field order.
 * Checked by hand: this runs on every pull, and a schema library's set-up
 * cost more than the whole check (measured with `--cpu-prof`).
 */
function requestIssues(json: unknown): string[] {
  if (!isObject(json)) return ["request: expected object"];
  const issues: string[] = [];
  const { apiVersion, kind, image, serviceAccountToken, serviceAccountAnnotations } = json;
  if (!(API_VERSIONS as readonly unknown[]).includes(apiVersion)) {
    issues.push(`apiVersion: expected ${API_VERSIONS.map((v) => JSON.stringify(v)).join(" or ")}`);
  }
  if (kind !== "CredentialProviderRequest") {
    issues.push('kind: expected "CredentialProviderRequest"');
  }
  if (typeof image !== "string") issues.push("image: expected string");
  else if (image === "") issues.push("image: must not be empty");
  if (serviceAccountToken !== undefined && typeof serviceAccountToken !== "string") {
    issues.push("serviceAccountToken: expected string");
  }
  if (serviceAccountAnnotations !== undefined) {
    if (!isObject(serviceAccountAnnotations)) {
      issues.push("serviceAccountAnnotations: expected record");
    } else {
      for (const [key, value] of Object.entries(serviceAccountAnnotations)) {
        if (typeof value !== "string") {
          issues.push(`serviceAccountAnnotations.${key}: expected string`);
        }
      }
    }
  }
  return issues;
}

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
  const issues = requestIssues(json);
  if (issues.length > 0) throw new RequestError(issues.join("; "));
  const { apiVersion, image, serviceAccountToken, serviceAccountAnnotations } = json as {
    apiVersion: ApiVersion;
    image: string;
    serviceAccountToken?: string;
    serviceAccountAnnotations?: Record<string, string>;
  };
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
