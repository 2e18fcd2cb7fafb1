/**
 * Least privilege: the pull secrets a service account names in an
 * annotation, read one by one with `get` instead of listing every Secret of
 * the namespace. kubelet passes the annotation in the request when its
 * credential provider config lists the key under
 * `tokenAttributes.optionalServiceAccountAnnotationKeys` (or
 * `requiredServiceAccountAnnotationKeys`), Kubernetes 1.34+.
 *
 * @module
 */

/** The annotation on the ServiceAccount that names its pull secrets, in precedence order. */
export const PULL_SECRETS_ANNOTATION = "crio-credential-provider.cri-o.io/pull-secrets";

/** The most secrets one annotation may name (each is one API request per pull). */
export const MAX_NAMED_SECRETS = 50;

// A Secret's name is a DNS-1123 subdomain (Kubernetes `IsDNS1123Subdomain`).
const DNS1123_SUBDOMAIN = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;

/** Where the run finds the namespace's pull secrets. */
export type SecretSelection =
  | { readonly kind: "list" }
  | { readonly kind: "named"; readonly names: readonly string[] }
  | { readonly kind: "malformed"; readonly value: string; readonly problem: string };

/**
 * The secrets named by the request's service-account annotations, or "list"
 * when the annotation is absent.
 *
 * @example
 * ```ts
 * import { secretSelection } from "./pull_secret_annotation.ts";
 * secretSelection({ "crio-credential-provider.cri-o.io/pull-secrets": "mirror-creds, cache-creds" });
 * // { kind: "named", names: ["mirror-creds", "cache-creds"] }
 * secretSelection(undefined); // { kind: "list" }
 * ```
 */
export function secretSelection(
  annotations: Readonly<Record<string, string>> | undefined,
): SecretSelection {
  const value = annotations?.[PULL_SECRETS_ANNOTATION];
  if (value === undefined) return { kind: "list" };
  const malformed = (problem: string) => ({ kind: "malformed", value, problem }) as const;
  const names = value.split(",").map((name) => name.trim());
  if (names.length > MAX_NAMED_SECRETS) {
    return malformed(`it names more than ${MAX_NAMED_SECRETS} secrets`);
  }
  for (const name of names) {
    if (name === "") return malformed("it has an empty name");
    if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) {
      return malformed(
        `${JSON.stringify(name)} is not a Secret name (a DNS-1123 subdomain)`,
      );
    }
  }
  const repeated = names.find((name, index) => names.indexOf(name) !== index);
  if (repeated !== undefined) return malformed(`it names ${JSON.stringify(repeated)} twice`);
  return { kind: "named", names };
}
