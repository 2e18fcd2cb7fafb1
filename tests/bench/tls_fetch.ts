/**
 * The TLS floor of the invocation benchmark: one GET to the API stand-in with
 * the provider's client setup (the cluster CA read from the node, an explicit
 * `Deno.createHttpClient` with `caCerts`, the same headers), the answer read
 * whole. Arguments: the CA file, the URL, the bearer token.
 */

const [caFile = "", url = "", token = ""] = Deno.args;
const client = Deno.createHttpClient({ caCerts: [await Deno.readTextFile(caFile)] });
const response = await fetch(url, {
  client,
  headers: { Authorization: `Bearer ${token}`, Accept: "application/json" },
});
await response.text();
client.close();
if (!response.ok) throw new Error(`HTTP ${response.status}`);
