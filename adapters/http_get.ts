/**
 * The one kind of HTTP request the provider makes: a GET to the API server
 * whose answer is read whole, within limits. Only the configured server is a
 * source of credentials, so a redirect is never followed (the caller refuses
 * any 3xx), and an answer larger than the limit, compressed or not, fails
 * instead of filling memory.
 *
 * @module
 */

import { concatBytes } from "./bytes.ts";

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
}

/** A GET request, read whole. */
export type Get = (url: string, request: GetRequest) => Promise<HttpAnswer>;

/** The answer's body exceeded {@linkcode GetRequest.maxBodyBytes}. */
export class BodyTooLargeError extends RangeError {
  /** @param limit the limit, in bytes */
  constructor(readonly limit: number) {
    super(`the answer is larger than ${limit} bytes`);
    this.name = "BodyTooLargeError";
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
  limit: number,
): Promise<string> {
  if (body === null) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) throw new BodyTooLargeError(limit);
      chunks.push(value);
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
  return async (url, { headers, signal, maxBodyBytes }) => {
    const response = await fetch(url, {
      headers,
      signal,
      redirect: "manual",
      ...(client ? { client } : {}),
    });
    return {
      status: response.status,
      statusText: response.statusText,
      body: await readBounded(response.body, maxBodyBytes),
      retryAfter: response.headers.get("retry-after"),
    };
  };
}
