/**
 * `doctor`'s questions to the API server, asked the way the provider asks:
 * over TLS verified against the cluster CA, through the proxy client-go would
 * use, no redirect followed, answers bounded. `GET /version` needs no token;
 * a SelfSubjectAccessReview says whether a token may list secrets.
 *
 * @module
 */

import type { Found } from "../domain/diagnosis/node_facts.ts";
import { isBearerToken } from "../domain/kubelet/service_account_token.ts";
import { parseJson } from "../domain/text/json_document.ts";
import { cutText, withoutSecret } from "../domain/text/log_text.ts";
import { readBounded } from "./http_get.ts";
import { type ApiConnection, clientOptions } from "./kube_api.ts";

const MAX_ANSWER = 1024 * 1024;

async function request(
  connection: ApiConnection,
  path: string,
  init: { method: string; headers: Record<string, string>; body?: string; signal: AbortSignal },
): Promise<{ status: number; body: string }> {
  if (connection.trust === "insecure") {
    throw new Error("Not checked with --insecure-skip-tls-verify");
  }
  const http = Deno.createHttpClient(clientOptions(connection));
  try {
    const response = await fetch(`${connection.server}${path}`, {
      ...init,
      client: http,
      redirect: "manual",
    });
    return { status: response.status, body: await readBounded(response.body, MAX_ANSWER) };
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    throw new Error(cause instanceof Error ? cause.message : String(cause), { cause });
  } finally {
    http.close();
  }
}

/** The API server's version (`gitVersion`), or why it did not answer. */
export async function apiVersion(
  connection: ApiConnection,
  signal: AbortSignal,
): Promise<Found<string>> {
  try {
    const answer = await request(connection, "/version", {
      method: "GET",
      headers: { Accept: "application/json" },
      signal,
    });
    if (answer.status !== 200) return { problem: `GET /version answered HTTP ${answer.status}` };
    // parseJson's errors quote nothing of the answer (V8's quote a piece of it).
    const version = (parseJson(answer.body) as { gitVersion?: unknown } | null)?.gitVersion;
    return { value: typeof version === "string" ? version : "version unknown" };
  } catch (error) {
    return { problem: `cannot reach it: ${(error as Error).message}` };
  }
}

/**
 * Whether `token` may list secrets in `namespace` (a SelfSubjectAccessReview),
 * or why the question had no answer (a 401: the token was not accepted).
 */
export async function mayListSecrets(
  connection: ApiConnection,
  request_: { readonly token: string; readonly namespace: string; readonly signal: AbortSignal },
): Promise<Found<{ allowed: boolean; reason: string }>> {
  const body = JSON.stringify({
    kind: "SelfSubjectAccessReview",
    apiVersion: "authorization.k8s.io/v1",
    spec: {
      resourceAttributes: { namespace: request_.namespace, verb: "list", resource: "secrets" },
    },
  });
  if (!isBearerToken(request_.token)) {
    return { problem: "the token is not a bearer token (RFC 6750), so it was not sent" };
  }
  try {
    const answer = await request(
      connection,
      "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
      {
        method: "POST",
        headers: {
          Authorization: `Bearer ${request_.token}`,
          Accept: "application/json",
          "Content-Type": "application/json",
        },
        body,
        signal: request_.signal,
      },
    );
    if (answer.status === 401) {
      return { problem: "the API server did not accept the token (HTTP 401)" };
    }
    if (answer.status !== 201 && answer.status !== 200) {
      return { problem: `the access review answered HTTP ${answer.status}` };
    }
    const status = (parseJson(answer.body) as {
      status?: { allowed?: unknown; reason?: unknown };
    } | null)?.status;
    // The reason is the server's text: it may echo the token, and it is cut as logs cut values.
    return {
      value: {
        allowed: status?.allowed === true,
        reason: typeof status?.reason === "string"
          ? cutText(withoutSecret(status.reason, request_.token))
          : "",
      },
    };
  } catch (error) {
    // Whatever the transport quotes, never the token.
    const message = withoutSecret((error as Error).message, request_.token);
    return { problem: `cannot ask the API server: ${cutText(message)}` };
  }
}
