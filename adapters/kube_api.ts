/**
 * The namespace's registry pull secrets, listed from the Kubernetes API with
 * the pod's own service-account token.
 *
 * One list per secret type (`fieldSelector=type=…`), so Secrets of other
 * types never leave the API server, paged with `limit`/`continue`. TLS is
 * verified against the cluster CA; only an explicit opt-out skips it.
 *
 * @module
 */

import * as z from "zod/mini";
import { PULL_SECRET_TYPES } from "../domain/docker_config.ts";
import type { PullSecret, SecretListing, SecretSource } from "../domain/ports.ts";

/** How to reach the API server, decided lazily by the caller (it reads files and logs). */
export interface ApiConnection {
  /** `https://host:port`, or `http://` on loopback. */
  readonly server: string;
  /**
   * The CA bundle (PEM) to verify the server with; `insecure` for the explicit
   * opt-out; `plain-http` for an `http://` loopback server.
   */
  readonly trust: { readonly caPem: string } | "insecure" | "plain-http";
}

/** Options for {@linkcode createSecretSource}. */
export interface SecretSourceOptions {
  /** Resolves where the API server is and how to trust it; called once, on first use. */
  readonly connect: () => Promise<ApiConnection>;
  /** Aborts every request when the run's deadline passes. */
  readonly signal: AbortSignal;
  /** Items per page. @default 500 */
  readonly pageSize?: number;
}

const SECRET_LIST = z.looseObject({
  items: z.nullish(z.array(z.looseObject({
    metadata: z.looseObject({ name: z.string() }),
    type: z.optional(z.string()),
    // Secret data is base64 on the wire; anything else is a malformed answer.
    data: z.nullish(z.record(z.string(), z.base64())),
  }))),
  metadata: z.optional(z.looseObject({ continue: z.optional(z.string()) })),
});

/** An HTTP answer, read whole. */
export interface HttpAnswer {
  readonly status: number;
  readonly statusText: string;
  readonly body: string;
  readonly retryAfter: string | null;
}

/** What a GET sends besides its URL. */
export interface GetRequest {
  readonly headers: Record<string, string>;
  /** Aborts the request (the run's deadline). */
  readonly signal: AbortSignal;
}

/** A GET request, read whole. */
export type Get = (url: string, request: GetRequest) => Promise<HttpAnswer>;

function fetchGet(client: Deno.HttpClient | undefined): Get {
  return async (url, { headers, signal }) => {
    const response = await fetch(url, { headers, signal, ...(client ? { client } : {}) });
    return {
      status: response.status,
      statusText: response.statusText,
      body: await response.text(),
      retryAfter: response.headers.get("retry-after"),
    };
  };
}

function decodeData(data: Record<string, string> | null | undefined): Record<string, string> {
  const decoded: Record<string, string> = {};
  for (const [key, value] of Object.entries(data ?? {})) {
    decoded[key] = new TextDecoder().decode(Uint8Array.fromBase64(value));
  }
  return decoded;
}

/** The Kubernetes `Status` message of an error answer, if it has one. */
function statusMessage(body: string): string {
  try {
    const message = (JSON.parse(body) as { message?: unknown }).message;
    return typeof message === "string" ? `: ${message}` : "";
  } catch {
    return "";
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}

/**
 * Lists pull secrets from the Kubernetes API.
 *
 * @example
 * ```ts ignore
 * import { createSecretSource } from "./kube_api.ts";
 * const source = createSecretSource({ connect, signal: AbortSignal.timeout(30_000) });
 * const listing = await source.listPullSecrets("default", token);
 * ```
 */
export function createSecretSource(options: SecretSourceOptions): SecretSource {
  const pageSize = options.pageSize ?? 500;
  return {
    async listPullSecrets(namespace: string, token: string): Promise<SecretListing> {
      const connection = await options.connect();
      const client = typeof connection.trust === "string"
        ? undefined
        : Deno.createHttpClient({ caCerts: [connection.trust.caPem] });
      // Node's HTTP stack is slow to load; only the explicit opt-out needs it.
      const get = connection.trust === "insecure"
        ? (await import("./insecure_https.ts")).insecureGet
        : fetchGet(client);
      const base = `${connection.server}/api/v1/namespaces/${
        encodeURIComponent(namespace)
      }/secrets`;
      const headers = { Authorization: `Bearer ${token}`, Accept: "application/json" };
      try {
        const lists = await Promise.all(PULL_SECRET_TYPES.map(async (type) => {
          const secrets: PullSecret[] = [];
          let continueToken: string | undefined;
          do {
            const query = new URLSearchParams({
              fieldSelector: `type=${type}`,
              limit: `${pageSize}`,
            });
            if (continueToken) query.set("continue", continueToken);
            const answer = await getWithRetry(get, `${base}?${query}`, {
              headers,
              server: connection.server,
              signal: options.signal,
            });
            if (answer.status === 401 || answer.status === 403) return answer.status;
            if (answer.status < 200 || answer.status > 299) {
              throw new Error(
                `Cannot list secrets from ${
                  JSON.stringify(base)
                }: HTTP ${answer.status} ${answer.statusText}${statusMessage(answer.body)}`,
              );
            }
            const page = parseSecretList(answer.body);
            if (page === undefined) {
              throw new Error(
                `Cannot list secrets from ${JSON.stringify(base)}: unexpected answer`,
              );
            }
            for (const item of page.items ?? []) {
              secrets.push({
                name: item.metadata.name,
                type: item.type ?? type,
                data: decodeData(item.data),
              });
            }
            continueToken = page.metadata?.continue;
          } while (continueToken);
          return secrets;
        }));
        const refused = lists.find((list): list is 401 | 403 => typeof list === "number");
        if (refused !== undefined) return { kind: "forbidden", status: refused };
        return { kind: "listed", secrets: lists.flat() as PullSecret[] };
      } finally {
        client?.close();
      }
    },
  };
}

/** The page of a secret list, or `undefined` when the body is not one. */
function parseSecretList(body: string): z.infer<typeof SECRET_LIST> | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  const page = SECRET_LIST.safeParse(json);
  return page.success ? page.data : undefined;
}

/**
 * Retries "429 Too Many Requests" as the server asks, within the deadline.
 * Only transport failures (and the deadline) are reported here; what the
 * server answers is the caller's to judge.
 */
async function getWithRetry(
  get: Get,
  url: string,
  request: GetRequest & { readonly server: string },
): Promise<HttpAnswer> {
  const { signal } = request;
  try {
    for (let attempt = 1;; attempt++) {
      const answer = await get(url, request);
      if (answer.status !== 429 || attempt === 3) return answer;
      const seconds = Math.min(Number(answer.retryAfter) || 1, 5);
      await sleep(seconds * 1000, signal);
    }
  } catch (error) {
    const target = `Cannot reach the API server ${JSON.stringify(request.server)}`;
    // The abort reason ("The operation was aborted due to timeout") adds nothing to this.
    if (signal.aborted) throw new Error(`${target}: the run's deadline passed`);
    // fetch reports "fetch failed" and keeps the reason (TLS, connection refused…) in its cause.
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new Error(`${target}: ${detail}`, { cause });
  }
}
