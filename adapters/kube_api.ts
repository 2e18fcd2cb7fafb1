/**
 * The namespace's registry pull secrets, listed from the Kubernetes API with
 * the pod's own service-account token.
 *
 * One list per secret type (`fieldSelector=type=…`), so Secrets of other
 * types never leave the API server, sent together, each one page (`limit`
 * one more than {@linkcode MAX_PULL_SECRETS}; a server's `continue` token is
 * followed).
 * Only the configured API server is a source of credentials: TLS is
 * verified against the cluster CA (only an explicit opt-out skips it), a
 * redirect is an error and never followed, each answer
 * is bounded by {@linkcode MAX_ANSWER_BYTES} and all of them together by
 * {@linkcode MAX_LIST_BYTES}, and a proxy is used only as client-go would
 * use it.
 *
 * @module
 */

import { isBearerToken } from "../domain/kubelet/service_account_token.ts";
import { PULL_SECRET_TYPES } from "../domain/credentials/pull_secret.ts";
import type { PullSecret, SecretListing, SecretLookup, SecretSource } from "../domain/ports.ts";
import { allAnswers, answerError, getWithRetry } from "./api_requests.ts";
import { pullSecret, readSecret, readSecretList, statusMessage } from "./secret_answers.ts";
import { type ByteBudget, fetchGet, type Get } from "./http_get.ts";

/**
 * The most bytes read over all answers of one run, counted as they arrive
 * (concurrent pages share it), so memory stays bounded whatever the server
 * sends.
 */
export const MAX_LIST_BYTES = 64 * 1024 * 1024;

/**
 * The largest answer accepted: the run's whole budget, since one type's pull
 * secrets come in one page. kube-apiserver sends about 520 bytes for a pull
 * secret with one registry (managedFields included) and 1.16 KB for one
 * made by `kubectl apply` (its last-applied annotation too): 50,000 of those
 * are about 55 MiB.
 */
export const MAX_ANSWER_BYTES = MAX_LIST_BYTES;

/** The most pull secrets read in one run, over all types and pages. */
export const MAX_PULL_SECRETS = 50_000;

/**
 * The most pages read for one type: twice what a server that ignores `limit`
 * and pages at client-go's 500 needs to pass {@linkcode MAX_PULL_SECRETS}
 * (whose message then comes first), while one that keeps sending empty
 * pages with new tokens is stopped here rather than at the run's deadline.
 */
export const MAX_PAGES = 200;

/** A proxy to reach the API server through, as decided from the environment. */
export interface ApiProxy {
  /** `http://`, `https://` or `socks5://` URL, without credentials. */
  readonly url: string;
  readonly basicAuth?: { readonly username: string; readonly password: string };
}

/** How to reach the API server, decided lazily by the caller (it reads files and logs). */
export interface ApiConnection {
  /** `https://host:port`, or `http://` on loopback. */
  readonly server: string;
  /**
   * The CA bundle (PEM) to verify the server with; `insecure` for the explicit
   * opt-out; `plain-http` for an `http://` loopback server.
   */
  readonly trust: { readonly caPem: string } | "insecure" | "plain-http";
  /** The proxy to go through; absent for a direct connection. */
  readonly proxy?: ApiProxy;
}

/** Options for {@linkcode createSecretSource}. */
export interface SecretSourceOptions {
  /** Resolves where the API server is and how to trust it; called once, on first use. */
  readonly connect: () => Promise<ApiConnection>;
  /** Aborts every request when the run's deadline passes. */
  readonly signal: AbortSignal;
  /** `User-Agent`, as client-go identifies its users in audit logs. */
  readonly userAgent: string;
  /**
   * Items asked for per page. One page holds every pull secret a run
   * accepts and one more, so a namespace past the cap is known from the
   * first answer: kube-apiserver 1.31+ answers a first page from its watch
   * cache, while each continued page is a read from etcd before 1.34 (the
   * `ListFromCacheSnapshot` gate), so paging would cost the API server more
   * and the pull a round trip per page. A server may still page; its
   * continue token is followed. @default MAX_PULL_SECRETS + 1
   */
  readonly pageSize?: number;
  /** The largest answer accepted, in bytes. @default MAX_ANSWER_BYTES */
  readonly maxAnswerBytes?: number;
}

/**
 * The options of a client for `connection`: its CA (none for plain HTTP or
 * the public roots) and its proxy. Always an explicit client: the process's
 * proxy variables are cleared at start, and what they said is applied here,
 * as client-go applies them.
 */
export function clientOptions(connection: ApiConnection): Deno.CreateHttpClientOptions {
  const proxy = connection.proxy === undefined ? {} : {
    proxy: {
      url: connection.proxy.url,
      ...(connection.proxy.basicAuth ? { basicAuth: connection.proxy.basicAuth } : {}),
    },
  };
  const caCerts = typeof connection.trust === "string" ? {} : { caCerts: [connection.trust.caPem] };
  return { ...caCerts, ...proxy };
}

async function httpClient(connection: ApiConnection): Promise<
  { get: Get; close(): void }
> {
  if (connection.trust === "insecure") {
    if (connection.proxy !== undefined) {
      throw new Error(
        "Cannot skip TLS verification through a proxy: drop --insecure-skip-tls-verify, " +
          "or exempt the API server with NO_PROXY",
      );
    }
    // Node's HTTP stack is slow to load; only the explicit opt-out needs it.
    return { get: (await import("./insecure_https.ts")).insecureGet, close() {} };
  }
  const options = clientOptions(connection);
  if (connection.trust === "plain-http") {
    const client = Deno.createHttpClient(options);
    return { get: fetchGet(client), close: () => client.close() };
  }
  // HTTP/2 only, as kube-apiserver serves: the lists sent together then share one connection
  // (offered HTTP/1.1 too, the client opens one TLS connection per list, measured). A server
  // that refuses HTTP/2 refuses it in the TLS handshake, before any request: then both.
  const http2 = Deno.createHttpClient({ ...options, http1: false });
  let both: Deno.HttpClient | undefined;
  return {
    get: async (url, request) => {
      if (both === undefined) {
        try {
          return await fetchGet(http2)(url, request);
        } catch (error) {
          if (request.signal.aborted || !refusesHttp2(error)) throw error;
          both ??= Deno.createHttpClient(options);
        }
      }
      return await fetchGet(both)(url, request);
    },
    close: () => {
      http2.close();
      both?.close();
    },
  };
}

/**
 * Whether a request may have failed because the server does not speak
 * HTTP/2: refused in the handshake (ALPN), garbage back, or any failure to
 * connect (the lists waiting for the same connection are cancelled with it).
 * Retried with both protocols; a connection that fails for another reason
 * fails again the same way.
 */
function refusesHttp2(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if (/NoApplicationProtocol|\bhttp2 error\b|\(Connect\)/.test(cause.message)) return true;
  }
  return false;
}

/** What every request sends, and what every answer's failure says. */
function requestShape(connection: ApiConnection, options: SecretSourceOptions, token: string) {
  // Anything else is no bearer token, and fetch would refuse the header quoting it whole.
  if (!isBearerToken(token)) {
    throw new Error(
      "Cannot send the service account token: it is not a bearer token " +
        "(RFC 6750: letters, digits, '-._~+/', then '=' padding)",
    );
  }
  return {
    headers: {
      Authorization: `Bearer ${token}`,
      Accept: "application/json",
      "User-Agent": options.userAgent,
    },
    server: connection.server,
    signal: options.signal,
  };
}

/** A list the API server refused: 401 (the token) or 403 (the type), with its Status message. */
interface ListRefusal {
  readonly status: 401 | 403;
  readonly message?: string;
}

/**
 * Reads pull secrets from the Kubernetes API: listed by type, or fetched by name.
 *
 * @example
 * ```ts ignore
 * import { createSecretSource } from "./kube_api.ts";
 * const source = createSecretSource({ connect, signal: AbortSignal.timeout(30_000), userAgent });
 * const listing = await source.listPullSecrets("default", token);
 * const named = await source.getSecrets("default", { token, names: ["mirror-creds"] });
 * ```
 */
export function createSecretSource(options: SecretSourceOptions): SecretSource {
  const pageSize = `${options.pageSize ?? MAX_PULL_SECRETS + 1}`;
  const base = (connection: ApiConnection, namespace: string) =>
    `${connection.server}/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets`;
  return {
    async listPullSecrets(namespace: string, token: string): Promise<SecretListing> {
      const connection = await options.connect();
      const { get, close } = await httpClient(connection);
      const target = base(connection, namespace);
      const shape = requestShape(connection, options, token);
      const budget: ByteBudget = { remaining: MAX_LIST_BYTES, total: MAX_LIST_BYTES };
      let items = 0;
      // One type's pull secrets, or the server's refusal of that list.
      const listType = async (type: string): Promise<PullSecret[] | ListRefusal> => {
        const secrets: PullSecret[] = [];
        const seen = new Set<string>();
        let continueToken: string | undefined;
        for (let pages = 0;; pages++) {
          if (pages === MAX_PAGES) {
            throw new Error(
              `Cannot list secrets from ${JSON.stringify(target)}: the API server sent more ` +
                `than ${MAX_PAGES} pages of ${type} Secrets`,
            );
          }
          const query = new URLSearchParams({ fieldSelector: `type=${type}`, limit: pageSize });
          if (continueToken) query.set("continue", continueToken);
          const answer = await getWithRetry(get, `${target}?${query}`, {
            ...shape,
            maxBodyBytes: options.maxAnswerBytes ?? MAX_ANSWER_BYTES,
            budget,
          });
          if (answer.status === 401 || answer.status === 403) {
            const message = statusMessage(answer.body);
            return { status: answer.status, ...(message ? { message } : {}) };
          }
          if (answer.status < 200 || answer.status > 299) {
            throw answerError("list secrets", target, answer, token);
          }
          const page = readSecretList(answer.body);
          if (page === undefined) throw answerError("list secrets", target);
          items += page.items.length;
          if (items > MAX_PULL_SECRETS) {
            throw new Error(
              `Cannot list secrets from ${JSON.stringify(target)}: more than ` +
                `${MAX_PULL_SECRETS} pull secrets; name the ones to use in the service ` +
                "account's annotation instead",
            );
          }
          for (const item of page.items) secrets.push(pullSecret(item, type));
          continueToken = page.continueToken;
          if (!continueToken) return secrets;
          if (seen.has(continueToken)) {
            throw new Error(
              `Cannot list secrets from ${JSON.stringify(target)}: the API server sent ` +
                "the same continue token twice",
            );
          }
          seen.add(continueToken);
        }
      };
      const unauthorized = (list: PullSecret[] | ListRefusal) =>
        !Array.isArray(list) && list.status === 401;
      try {
        const lists = await allAnswers(PULL_SECRET_TYPES.map(listType), unauthorized);
        // A 403 is that type's alone: a failure of another list was thrown above.
        const refused = lists.find(unauthorized) ?? lists.find((list) => !Array.isArray(list));
        if (refused !== undefined && !Array.isArray(refused)) {
          return { kind: "refused", ...refused };
        }
        return { kind: "listed", secrets: lists.flat() as PullSecret[] };
      } finally {
        close();
      }
    },

    async getSecrets(namespace, { token, names }): Promise<SecretLookup> {
      const connection = await options.connect();
      const { get, close } = await httpClient(connection);
      const shape = requestShape(connection, options, token);
      const budget: ByteBudget = { remaining: MAX_LIST_BYTES, total: MAX_LIST_BYTES };
      try {
        const answers = await allAnswers(
          names.map(async (name) => {
            const target = `${base(connection, namespace)}/${encodeURIComponent(name)}`;
            const answer = await getWithRetry(get, target, {
              ...shape,
              maxBodyBytes: options.maxAnswerBytes ?? MAX_ANSWER_BYTES,
              budget,
            });
            if (answer.status === 401) {
              const message = statusMessage(answer.body);
              return { refused: message ?? null };
            }
            if (answer.status === 403 || answer.status === 404) {
              return { unavailable: { name, status: answer.status } } as const;
            }
            if (answer.status < 200 || answer.status > 299) {
              throw answerError("get secret", target, answer, token);
            }
            const item = readSecret(answer.body);
            if (item === undefined) throw answerError("get secret", target);
            return { secret: pullSecret(item, "") };
          }),
          (answer) => "refused" in answer,
        );
        const refused = answers.find((a) => "refused" in a);
        if (refused !== undefined && "refused" in refused) {
          return {
            kind: "refused",
            status: 401,
            ...(refused.refused === null ? {} : { message: refused.refused }),
          };
        }
        return {
          kind: "found",
          secrets: answers.flatMap((a) => "secret" in a ? [a.secret] : []),
          unavailable: answers.flatMap((a) => "unavailable" in a ? [a.unavailable] : []),
        };
      } finally {
        close();
      }
    },
  };
}
