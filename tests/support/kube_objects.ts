/**
 * Kubernetes objects as the real-Kubernetes suites create them (JSON, as
 * `kubectl apply` would send them), and the audit-log reading the suites
 * share.
 *
 * @module
 */

import type { AuditEvent } from "./kube_fixture.ts";

/** The audience kubelet requests and the API server serves (`--api-audiences`). */
export const AUDIENCE = "https://kubernetes.default.svc";

/** The annotation that names a service account's pull secrets. */
export const PULL_SECRETS_ANNOTATION = "crio-credential-provider.cri-o.io/pull-secrets";

export function namespace(name: string): unknown {
  return { apiVersion: "v1", kind: "Namespace", metadata: { name } };
}

export function serviceAccount(
  ns: string,
  name = "default",
  annotations: Record<string, string> = {},
): unknown {
  return {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name, namespace: ns, annotations },
  };
}

export function node(name: string): unknown {
  return { apiVersion: "v1", kind: "Node", metadata: { name } };
}

/**
 * A pod whose container runs `image`, with service account `account`; bound
 * to `nodeName` when given (as the scheduler would), else unscheduled.
 */
export function pod(
  ns: string,
  name: string,
  options: { readonly nodeName?: string; readonly account?: string; readonly image?: string } = {},
): unknown {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: ns },
    spec: {
      serviceAccountName: options.account ?? "default",
      ...(options.nodeName === undefined ? {} : { nodeName: options.nodeName }),
      containers: [{ name: "app", image: options.image ?? "docker.io/library/nginx:1.27" }],
    },
  };
}

/** A Secret with `data` given as text. */
export function secret(
  ns: string,
  name: string,
  type: string,
  data: Record<string, string>,
): unknown {
  const encoded = Object.fromEntries(
    Object.entries(data).map(([key, value]) => [key, new TextEncoder().encode(value).toBase64()]),
  );
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name, namespace: ns },
    type,
    data: encoded,
  };
}

/** `kubectl create secret docker-registry`: one registry, user and password. */
export function dockerConfigSecret(
  ns: string,
  name: string,
  registry: string,
  user: string,
): unknown {
  const auth = btoa(`${user}:${user}-password`);
  return secret(ns, name, "kubernetes.io/dockerconfigjson", {
    ".dockerconfigjson": JSON.stringify({ auths: { [registry]: { auth } } }),
  });
}

/**
 * The README's list-mode Role (get and list on secrets) bound to the
 * namespace's `default` service account.
 */
export function listSecretsGrant(ns: string): unknown[] {
  return [
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name: "read-pull-secrets", namespace: ns },
      rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get", "list"] }],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: "read-pull-secrets", namespace: ns },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "read-pull-secrets" },
      subjects: [{ kind: "ServiceAccount", name: "default", namespace: ns }],
    },
  ];
}

/** The user a namespace's `default` service account authenticates as. */
export function serviceAccountUser(ns: string, name = "default"): string {
  return `system:serviceaccount:${ns}:${name}`;
}

/** The requests one user made, as `VERB URI` with the status. */
export function requestsBy(events: readonly AuditEvent[], user: string): string[] {
  return events.filter((event) => event.user === user)
    .map((event) => `${event.code} ${event.verb} ${event.uri}`).sort();
}

/** The requests any provider run made (its User-Agent names it). */
export function providerRequests(events: readonly AuditEvent[]): AuditEvent[] {
  return events.filter((event) => event.userAgent.startsWith("crio-credential-provider/"));
}
