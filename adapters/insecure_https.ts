/**
 * GET without certificate verification, for `--insecure-skip-tls-verify`
 * only (upstream's behaviour, kept as an explicit, logged opt-out). fetch
 * cannot skip verification per client, so this uses Node's HTTPS client,
 * with the same limits as every other request: no redirect is followed
 * (Node's client never follows one) and the body is bounded.
 *
 * @module
 */

import { concatBytes, keptChunk } from "./bytes.ts";
import { countBytes, type GetRequest, type HttpAnswer } from "./http_get.ts";

/**
 * Fetches `url` over HTTPS without verifying the server's certificate.
 *
 * @example
 * ```ts ignore
 * import { insecureGet } from "./insecure_https.ts";
 * const answer = await insecureGet("https://127.0.0.1:6443/api", { headers: {}, signal, maxBodyBytes: 1 << 20 });
 * ```
 * @throws {BodyTooLargeError} past `maxBodyBytes`
 */
export async function insecureGet(url: string, request: GetRequest): Promise<HttpAnswer> {
  const { headers, signal } = request;
  // Imported here, not at the top: a bundler would hoist a static import of it.
  const { request: httpsRequest } = await import("node:https");
  return await new Promise<HttpAnswer>((resolve, reject) => {
    // With verification off no CA matters; an explicit empty list also keeps Node's
    // TLS from loading the system store, which would need another permission.
    const options = { headers, rejectUnauthorized: false, ca: [], signal };
    const outgoing = httpsRequest(url, options, (response) => {
      const chunks: Uint8Array[] = [];
      let size = 0;
      response.on("data", (chunk: Uint8Array) => {
        size += chunk.byteLength;
        try {
          countBytes(request, size, chunk.byteLength);
        } catch (error) {
          outgoing.destroy();
          reject(error);
          return;
        }
        chunks.push(keptChunk(chunk));
      });
      response.on("end", () =>
        resolve({
          status: response.statusCode ?? 0,
          statusText: response.statusMessage ?? "",
          body: new TextDecoder().decode(concatBytes(chunks)),
          retryAfter: (response.headers["retry-after"] as string | undefined) ?? null,
        }));
      response.on("error", reject);
    });
    outgoing.on("error", reject);
    outgoing.end();
  });
}
