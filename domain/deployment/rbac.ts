/**
 * The RBAC objects the provider needs, as Kubernetes manifests:
 *
 * - nodes may request service-account tokens for the provider's audience
 *   (`request-serviceaccounts-token-audience`, needed with
 *   `ServiceAccountNodeAudienceRestriction`, on by default from 1.33) and read
 *   service accounts; the objects have their own names, not
 *   `node-credential-providers`, which OpenShift 4.22+ owns;
 * - per namespace, the pods' service account may read its pull secrets:
 *   `get` on the named secrets only (least privilege, with the
 *   `crio-credential-provider.cri-o.io/pull-secrets` annotation on the
 *   service account), or `get` and `list` on secrets.
 *
 * @module
 */

import { PULL_SECRETS_ANNOTATION } from "../credentials/pull_secret_annotation.ts";

/** A Kubernetes object, as plain data. */
export type Manifest = Readonly<Record<string, unknown>>;

/** The name of the node-side ClusterRole and its binding. */
export const NODE_ROLE_NAME = "crio-credential-provider-node";

/** One namespace's access. */
export interface NamespaceAccess {
  readonly namespace: string;
  /** The pods' service account. @default "default" */
  readonly serviceAccount?: string;
  /** The pull secrets it may get, in precedence order; none: list mode. */
  readonly secrets?: readonly string[];
}

/**
 * The node ClusterRole and ClusterRoleBinding for `audience`.
 *
 * @example
 * ```ts
 * import { nodeRbac } from "./rbac.ts";
 * nodeRbac("https://kubernetes.default.svc").map((m) => m.kind); // ["ClusterRole", "ClusterRoleBinding"]
 * ```
 */
export function nodeRbac(audience: string): Manifest[] {
  return [
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: NODE_ROLE_NAME },
      rules: [
        { apiGroups: [""], resources: ["serviceaccounts"], verbs: ["get", "list"] },
        {
          apiGroups: [""],
          resources: [audience],
          verbs: ["request-serviceaccounts-token-audience"],
        },
      ],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: NODE_ROLE_NAME },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: NODE_ROLE_NAME },
      subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "system:nodes" }],
    },
  ];
}

/**
 * A namespace's Role and RoleBinding, and in least-privilege mode the
 * service account's annotation naming its pull secrets.
 *
 * @example
 * ```ts
 * import { namespaceRbac } from "./rbac.ts";
 * namespaceRbac({ namespace: "team-a", secrets: ["mirror-creds"] }).map((m) => m.kind);
 * // ["ServiceAccount", "Role", "RoleBinding"]
 * ```
 */
export function namespaceRbac(access: NamespaceAccess): Manifest[] {
  const { namespace } = access;
  const serviceAccount = access.serviceAccount ?? "default";
  const secrets = access.secrets ?? [];
  // One Role per service account: two accounts of a namespace may name different secrets.
  const name = `crio-credential-provider-pull-secrets-${serviceAccount}`;
  const rule = secrets.length > 0
    ? { apiGroups: [""], resources: ["secrets"], resourceNames: secrets, verbs: ["get"] }
    : { apiGroups: [""], resources: ["secrets"], verbs: ["get", "list"] };
  return [
    ...(secrets.length > 0
      ? [{
        apiVersion: "v1",
        kind: "ServiceAccount",
        metadata: {
          name: serviceAccount,
          namespace,
          annotations: { [PULL_SECRETS_ANNOTATION]: secrets.join(", ") },
        },
      }]
      : []),
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name, namespace },
      rules: [rule],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name, namespace },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
      subjects: [{ kind: "ServiceAccount", name: serviceAccount, namespace }],
    },
  ];
}
