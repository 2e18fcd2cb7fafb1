/**
 * The one kind of HTTP request the provider makes: a GET to the API server
 * whose answer is read whole, within limits. Only the configured server is a
 * source of credentials, so a redirect is never followed (the caller refuses
 * any 3xx), and an answer larger than the limit, compressed or not, fails
 * instead of filling memory.
 *
 * @module
 */

import { concatBytes, keptChunk } from "./bytes.ts";

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
  /** Most bytes of body to accept (after decompression). */
  readonly maxBodyBytes: number;
  /** Bytes left for all answers of the run together, shared by concurrent requests. */
  readonly budget?: ByteBudget;
}

/** Bytes that several answers may use together. */
export interface ByteBudget {
  remaining: number;
  readonly total: number;
}

/** A GET request, read whole. */
export type Get = (url: string, request: GetRequest) => Promise<HttpAnswer>;

/** The answer's body exceeded {@linkcode GetRequest.maxBodyBytes}, or the answers their budget. */
export class BodyTooLargeError extends RangeError {
  /**
   * @param limit the limit, in bytes
   * @param scope one answer, or all of the run's answers together
   */
  constructor(readonly limit: number, scope: "answer" | "run" = "answer") {
    super(
      scope === "answer"
        ? `the answer is larger than ${limit} bytes`
        : `the answers are larger than ${limit} bytes together`,
    );
    this.name = "BodyTooLargeError";
  }
}

/**
 * Counts `bytes` more against the answer's limit and the shared budget.
 *
 * @throws {BodyTooLargeError} past either
 */
export function countBytes(
  request: Pick<GetRequest, "maxBodyBytes" | "budget">,
  total: number,
  bytes: number,
): void {
  if (total > request.maxBodyBytes) throw new BodyTooLargeError(request.maxBodyBytes);
  if (request.budget !== undefined) {
    request.budget.remaining -= bytes;
    if (request.budget.remaining < 0) throw new BodyTooLargeError(request.budget.total, "run");
  }
}

/**
 * Reads a body stream up to `limit` bytes; cancels it and throws past that.
 *
 * @example
 * ```ts
 * import { readBounded } from "./http_get.ts";
 * await readBounded(new Response("hi").body, 10); // "hi"
 * ```
 * @throws {BodyTooLargeError} past the limit
 */
export async function readBounded(
  body: ReadableStream<Uint8Array> | null,
  limits: number | Pick<GetRequest, "maxBodyBytes" | "budget">,
): Promise<string> {
  if (body === null) return "";
  const request = typeof limits === "number" ? { maxBodyBytes: limits } : limits;
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      countBytes(request, size, value.byteLength);
      chunks.push(keptChunk(value));
    }
  } catch (error) {
    await reader.cancel().catch(() => {});
    throw error;
  }
  return new TextDecoder().decode(concatBytes(chunks));
}

/**
 * A GET through `fetch` with `client` (its CA and proxy), redirects not followed.
 *
 * @example
 * ```ts ignore
 * import { fetchGet } from "./http_get.ts";
 * const answer = await fetchGet(client)(url, { headers, signal, maxBodyBytes: 1 << 20 });
 * ```
 */
export function fetchGet(client: Deno.HttpClient | undefined): Get {
  return async (url, request) => {
    const response = await fetch(url, {
      headers: request.headers,
      signal: request.signal,
      redirect: "manual",
      ...(client ? { client } : {}),
    });
    return {
      status: response.status,
      statusText: response.statusText,
      body: await readBounded(response.body, request),
      retryAfter: response.headers.get("retry-after"),
    };
  };
}
