/**
 * The TLS floor of the invocation benchmark: one GET to the API stand-in with
 * the provider's client setup (the cluster CA read from the node, an explicit
 * `Deno.createHttpClient` with `caCerts` and HTTP/2 only, the same headers,
 * no redirect followed), the answer read whole. Arguments: the CA file, the
 * URL, the bearer token.
 */

const [caFile = "", url = "", token = ""] = Deno.args;
const client = Deno.createHttpClient({
  caCerts: [await Deno.readTextFile(caFile)],
  http1: false,
});
const response = await fetch(url, {
  client,
  redirect: "manual",
  headers: {
    Authorization: `Bearer ${token}`,
    Accept: "application/json",
    "User-Agent": "crio-credential-provider/bench (linux/amd64)",
  },
});
await response.text();
client.close();
if (!response.ok) throw new Error(`HTTP ${response.status}`);
