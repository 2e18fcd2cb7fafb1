/**
 * The proxy variables of the process (kubelet passes its environment to
 * plugins), taken out of it: read once, then removed, because Deno's HTTP
 * client would otherwise apply them by its own rules (which differ from
 * client-go's, e.g. on `NO_PROXY=*`, and include `ALL_PROXY`, which Go
 * ignores). The API adapter applies them as client-go does.
 *
 * @module
 */

import { PROXY_VARIABLES, type ProxyEnvironment } from "../domain/api_server/proxy_for_url.ts";

/** Variables Deno's client honours but Go does not; removed and never used. */
export const IGNORED_PROXY_VARIABLES = ["ALL_PROXY", "all_proxy"] as const;

/**
 * Reads the proxy variables and removes them (and `ALL_PROXY`) from the
 * process's environment.
 *
 * @example
 * ```ts ignore
 * import { takeProxyEnvironment } from "./proxy_environment.ts";
 * const proxies = takeProxyEnvironment(); // { HTTPS_PROXY: "http://proxy:3128", … }
 * ```
 */
export function takeProxyEnvironment(): ProxyEnvironment {
  const env: Record<string, string> = {};
  for (const name of PROXY_VARIABLES) {
    const value = Deno.env.get(name);
    if (value !== undefined) env[name] = value;
    Deno.env.delete(name);
  }
  for (const name of IGNORED_PROXY_VARIABLES) Deno.env.delete(name);
  return env;
}
