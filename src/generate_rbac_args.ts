/**
 * `--namespace NS [--service-account SA] [--secret NAME…]…`: the flags that
 * follow a `--namespace` belong to it, so several namespaces can be given in
 * one command line.
 *
 * @module
 */

import type { NamespaceAccess } from "../domain/deployment/rbac.ts";
import { isNamespaceName } from "../domain/kubelet/service_account_token.ts";
import { UsageError } from "./usage_error.ts";

const DNS_SUBDOMAIN = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;

const GROUPED = ["--namespace", "--service-account", "--secret"];

/**
 * The namespaces named on the command line, each with its service account
 * and pull secrets.
 *
 * @example
 * ```ts
 * import { namespaceRbacOptions } from "./generate_rbac_args.ts";
 * namespaceRbacOptions(["--namespace", "a", "--secret", "s", "--namespace=b"]);
 * // [{ namespace: "a", secrets: ["s"] }, { namespace: "b", secrets: [] }]
 * ```
 * @throws {UsageError} for a flag before any `--namespace`, or a name Kubernetes would refuse
 */
export function namespaceRbacOptions(args: readonly string[]): NamespaceAccess[] {
  const groups: { namespace: string; serviceAccount?: string; secrets: string[] }[] = [];
  for (let at = 0; at < args.length; at++) {
    const arg = args[at]!;
    const flag = GROUPED.find((name) => arg === name || arg.startsWith(`${name}=`));
    if (flag === undefined) continue;
    const value = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : args[++at] ?? "";
    const current = groups.at(-1);
    if (flag === "--namespace") {
      if (!isNamespaceName(value)) {
        throw new UsageError(
          `--namespace must be a namespace name (a DNS-1123 label), got ${JSON.stringify(value)}`,
        );
      }
      groups.push({ namespace: value, secrets: [] });
      continue;
    }
    if (current === undefined) {
      throw new UsageError(`${flag} must follow the --namespace it belongs to`);
    }
    if (value.length > 253 || !DNS_SUBDOMAIN.test(value)) {
      throw new UsageError(
        `${flag} must be a lower-case DNS-1123 subdomain, got ${JSON.stringify(value)}`,
      );
    }
    if (flag === "--service-account") {
      if (current.serviceAccount !== undefined) {
        throw new UsageError(
          `--service-account is given twice for --namespace ${current.namespace}`,
        );
      }
      current.serviceAccount = value;
    } else if (current.secrets.includes(value)) {
      throw new UsageError(`--secret ${value} is given twice for --namespace ${current.namespace}`);
    } else {
      current.secrets.push(value);
    }
  }
  return groups.map((group) => ({
    namespace: group.namespace,
    ...(group.serviceAccount === undefined ? {} : { serviceAccount: group.serviceAccount }),
    secrets: group.secrets,
  }));
}
