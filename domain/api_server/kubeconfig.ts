/**
 * The cluster a kubelet kubeconfig points at: its API server and CA. Kept
 * apart from the rest of the API-server discovery because the YAML parser is
 * costly to load, and most runs never read a kubeconfig.
 *
 * @module
 */

import { parse as parseYaml } from "yaml";
import * as z from "zod/mini";
import { describeIssues } from "../errors/schema_issues.ts";

/** The cluster a kubeconfig points at. */
export interface KubeconfigCluster {
  readonly server: string;
  /** PEM text from `certificate-authority-data`. */
  readonly caData?: string;
  /** `certificate-authority`, resolved against the kubeconfig's directory. */
  readonly caFile?: string;
}

const KUBECONFIG = z.looseObject({
  "current-context": z.optional(z.string()),
  contexts: z.nullish(z.array(z.looseObject({
    name: z.string(),
    context: z.looseObject({ cluster: z.string() }),
  }))),
  clusters: z.array(z.looseObject({
    name: z.string(),
    cluster: z.looseObject({
      server: z.string().check(z.minLength(1)),
      "certificate-authority": z.optional(z.string()),
      "certificate-authority-data": z.optional(z.string()),
    }),
  })).check(z.minLength(1)),
});

/**
 * The current context's cluster of a kubeconfig (or its only cluster).
 *
 * @example
 * ```ts
 * import { kubeconfigCluster } from "./kubeconfig.ts";
 * kubeconfigCluster("clusters:\n- name: c\n  cluster:\n    server: https://10.0.0.1:6443\n", "/etc/kubernetes/kubelet.conf").server;
 * // "https://10.0.0.1:6443"
 * ```
 * @throws {SyntaxError} when the text is not YAML, or names no usable cluster
 */
export function kubeconfigCluster(text: string, path: string): KubeconfigCluster {
  let document: unknown;
  try {
    // No warnings printed (they would reach stderr unfiltered), no source excerpt built.
    document = parseYaml(text, { logLevel: "error", prettyErrors: false });
  } catch (error) {
    throw new SyntaxError(`invalid YAML: ${yamlProblem(error, text)}`);
  }
  const parsed = KUBECONFIG.safeParse(document);
  if (!parsed.success) throw new SyntaxError(describeIssues(parsed.error, "kubeconfig"));
  const config = parsed.data;
  const contextCluster = config.contexts?.find((c) => c.name === config["current-context"])
    ?.context.cluster;
  const [first] = config.clusters;
  const { cluster } = config.clusters.find((c) => c.name === contextCluster) ?? first!;
  const caFile = cluster["certificate-authority"];
  const caData = cluster["certificate-authority-data"];
  const dir = path.slice(0, path.lastIndexOf("/")) || "/";
  return {
    server: cluster.server,
    ...(caData ? { caData: new TextDecoder().decode(decodeBase64(caData)) } : {}),
    ...(caFile ? { caFile: caFile.startsWith("/") ? caFile : `${dir}/${caFile}` } : {}),
  };
}

/**
 * A YAML error by its code and position: the library's messages quote the
 * document, and a kubeconfig holds client keys and tokens.
 */
function yamlProblem(error: unknown, text: string): string {
  const { code, pos } = error as { code?: unknown; pos?: unknown };
  if (typeof code !== "string") return "cannot be parsed";
  const offset = Array.isArray(pos) && typeof pos[0] === "number" ? pos[0] : -1;
  if (offset < 0) return code;
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const column = offset - (before.lastIndexOf("\n") + 1) + 1;
  return `${code} at line ${line}, column ${column}`;
}

function decodeBase64(value: string): Uint8Array {
  try {
    return Uint8Array.fromBase64(value);
  } catch {
    throw new SyntaxError("certificate-authority-data is not valid base64");
  }
}
