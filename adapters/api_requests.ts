/**
 * How the requests to the Kubernetes API are sent and judged: 429 retried as
 * the server asks within the run's deadline, failures that name the server
 * and never quote the token, and the answers of requests sent together.
 *
 * @module
 */

import { errorChain } from "../domain/errors/error_chain.ts";
import { cutText, withoutSecret } from "../domain/text/log_text.ts";
import { delay } from "./delay.ts";
import { BodyTooLargeError, type Get, type GetRequest, type HttpAnswer } from "./http_get.ts";
import { statusMessage } from "./secret_answers.ts";

/**
 * The error for an answer that is neither a success nor a refusal the caller
 * handles (`answer` undefined: a success whose body is not what was asked for).
 */
export function answerError(
  action: string,
  target: string,
  answer?: HttpAnswer,
  token = "",
): Error {
  // A server or proxy may echo the bearer token back, in its status text too.
  const fail = (detail: string) =>
    new Error(
      `Cannot ${action} from ${JSON.stringify(target)}: ${cutText(withoutSecret(detail, token))}`,
    );
  if (answer === undefined) return fail("unexpected answer");
  if (answer.status >= 300 && answer.status <= 399) {
    return fail(
      `the API server answered HTTP ${answer.status} ${answer.statusText}; ` +
        "redirects are not followed, only the configured API server is trusted",
    );
  }
  const message = statusMessage(answer.body);
  return fail(`HTTP ${answer.status} ${answer.statusText}${message ? `: ${message}` : ""}`);
}

/** A request that got no answer: the server could not be reached, or the connection ended. */
export class ConnectionError extends Error {
  override readonly name = "ConnectionError";
}

/**
 * The answers of requests sent together. An answer that is an error fails
 * at once; a request that got no answer ({@linkcode ConnectionError}) fails
 * only once all are settled and none refused the token, because
 * kube-apiserver ends an HTTP/2 connection after answering an
 * unauthenticated request (its `UnauthenticatedHTTP2DOSMitigation`, against
 * CVE-2023-44487): the requests still on it get no answer, and the 401 is
 * what the run must report. Among those, the first in request order.
 */
export async function allAnswers<T>(
  requests: readonly Promise<T>[],
  isRefusal: (answer: T) => boolean,
): Promise<T[]> {
  const settled = await Promise.all(requests.map((request) =>
    request.then(
      (answer) => ({ answer }),
      (error) => {
        if (error instanceof ConnectionError) return { error };
        throw error;
      },
    )
  ));
  const answers = settled.flatMap((result) => "answer" in result ? [result.answer] : []);
  if (answers.some(isRefusal)) return answers;
  const failed = settled.find((result) => "error" in result);
  if (failed !== undefined && "error" in failed) throw failed.error;
  return answers;
}

/**
 * How long to wait before retrying a 429, in seconds: what `Retry-After`
 * asks, within [0, 5] (the run has a deadline); absent, a date, garbage or
 * a negative value counts as 1, as client-go's default.
 *
 * @example
 * ```ts
 * import { retryDelaySeconds } from "./api_requests.ts";
 * retryDelaySeconds("2"); // 2
 * retryDelaySeconds("-3"); // 1
 * retryDelaySeconds("3600"); // 5
 * ```
 */
export function retryDelaySeconds(retryAfter: string | null): number {
  const asked = retryAfter?.trim() ? Number(retryAfter) : Number.NaN;
  return Number.isFinite(asked) && asked >= 0 ? Math.min(asked, 5) : 1;
}

/**
 * Retries "429 Too Many Requests" as the server asks, within the deadline.
 * Only transport failures (and the deadline) are reported here; what the
 * server answers is the caller's to judge.
 */
export async function getWithRetry(
  get: Get,
  url: string,
  request: GetRequest & { readonly server: string },
): Promise<HttpAnswer> {
  const { signal } = request;
  try {
    for (let attempt = 1;; attempt++) {
      const answer = await get(url, request);
      if (answer.status !== 429 || attempt === 3) return answer;
      await delay(retryDelaySeconds(answer.retryAfter) * 1000, signal);
    }
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      throw new Error(
        `Cannot read the answer of the API server ${
          JSON.stringify(request.server)
        }: ${error.message}`,
        { cause: error },
      );
    }
    const target = `Cannot reach the API server ${JSON.stringify(request.server)}`;
    // The abort reason ("The operation was aborted due to timeout") adds nothing to this.
    if (signal.aborted) throw new ConnectionError(`${target}: the run's deadline passed`);
    // fetch reports "fetch failed" and keeps the reason (TLS, connection refused…) in its cause.
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    // Whatever the transport quotes, it never quotes the token here; nor does the chain kept.
    const token = (request.headers.Authorization ?? "").replace(/^Bearer /, "");
    const chain = errorChain(cause);
    const kept = withoutSecret(chain, token) === chain ? { cause } : {};
    const detail = withoutSecret(cause instanceof Error ? cause.message : String(cause), token);
    throw new ConnectionError(`${target}: ${cutText(detail)}`, kept);
  }
}
