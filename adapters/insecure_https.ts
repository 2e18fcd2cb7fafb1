/**
 * GET without certificate verification, for `--insecure-skip-tls-verify`
 * only (upstream's behaviour, kept as an explicit, logged opt-out). fetch
 * cannot skip verification per client, so this uses Node's HTTPS client.
 *
 * @module
 */

import { concatBytes } from "./bytes.ts";
import type { GetRequest, HttpAnswer } from "./kube_api.ts";

/**
 * Fetches `url` over HTTPS without verifying the server's certificate.
 *
 * @example
 * ```ts ignore
 * import { insecureGet } from "./insecure_https.ts";
 * const answer = await insecureGet("https://127.0.0.1:6443/api", { headers: {}, signal });
 * ```
 */
export async function insecureGet(url: string, request: GetRequest): Promise<HttpAnswer> {
  const { headers, signal } = request;
  // Imported here, not at the top: a bundler would hoist a static import of it.
  const { request: httpsRequest } = await import("node:https");
  return await new Promise<HttpAnswer>((resolve, reject) => {
    // With verification off no CA matters; an explicit empty list also keeps Node's
    // TLS from loading the system store, which would need another permission.
    const options = { headers, rejectUnauthorized: false, ca: [], signal };
    const request = httpsRequest(url, options, (response) => {
      const chunks: Uint8Array[] = [];
      response.on("data", (chunk: Uint8Array) => chunks.push(chunk));
      response.on("end", () =>
        resolve({
          status: response.statusCode ?? 0,
          statusText: response.statusMessage ?? "",
          body: new TextDecoder().decode(concatBytes(chunks)),
          retryAfter: (response.headers["retry-after"] as string | undefined) ?? null,
        }));
      response.on("error", reject);
    });
    request.on("error", reject);
    request.end();
  });
}
