/**
 * Where the API server is and how to trust it, decided the first time the
 * provider needs it (never for images without mirrors).
 *
 * Server: `--api-server`, else `<kubernetes-config-dir>/apiserver-url.env`
 * (OpenShift), else the kubelet kubeconfig's cluster, else `localhost:6443`.
 * Trust: `--ca-file`, else the kubeconfig's CA, else `kubelet-ca.crt` or
 * `pki/ca.crt` in the Kubernetes config directory. Without any CA the run
 * fails before the token is sent anywhere, unless verification is explicitly
 * skipped with `--insecure-skip-tls-verify`. Proxy: as client-go, from the
 * proxy variables kubelet passed (`proxy_for_url.ts`).
 *
 * @module
 */

import type { ApiConnection, ApiProxy } from "../adapters/kube_api.ts";
import { readTextIfExists } from "../adapters/text_files.ts";
import { apiServerFromEnvFile, apiServerUrl } from "../domain/api_server/api_server.ts";
import type { KubeconfigCluster } from "../domain/api_server/kubeconfig.ts";
import { errorChain } from "../domain/errors/error_chain.ts";
import { goQuote } from "../domain/text/go_quote.ts";
import type { Logger } from "../domain/ports.ts";
import { type ProxyEnvironment, proxyForUrl } from "../domain/api_server/proxy_for_url.ts";
import type { ProviderConfig } from "./provider_config.ts";

const DEFAULT_SERVER = "localhost:6443";

/** The first existing kubelet kubeconfig and its cluster. */
type Kubeconfig = { readonly path: string; readonly cluster: KubeconfigCluster } | undefined;

async function firstKubeconfig(paths: readonly string[]): Promise<Kubeconfig> {
  for (const path of paths) {
    const text = await readTextIfExists(path, "kubeconfig");
    if (text === undefined) continue;
    try {
      const { kubeconfigCluster } = await import("../domain/api_server/kubeconfig.ts");
      return { path, cluster: kubeconfigCluster(text, path) };
    } catch (error) {
      throw new Error(
        `Cannot use kubeconfig ${JSON.stringify(path)}: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  }
  return undefined;
}

function hostOf(url: string): string {
  return new URL(url).host;
}

async function locateServer(
  config: ProviderConfig,
  loadKubeconfig: () => Promise<Kubeconfig>,
  logger: Logger,
): Promise<string> {
  const log = (message: string) => logger.log("info", message);
  if (config.apiServer !== undefined) {
    const server = apiServerUrl(config.apiServer);
    log(`Using API server host: ${hostOf(server)} (from --api-server)`);
    return server;
  }
  const kubeconfig = await loadKubeconfig();
  const envFile = `${config.kubernetesConfigDir}/apiserver-url.env`;
  const next = kubeconfig === undefined
    ? `using default API server host: ${DEFAULT_SERVER}`
    : `using the kubelet kubeconfig ${goQuote(kubeconfig.path)}`;
  let text: string | undefined;
  try {
    text = await readTextIfExists(envFile, "env file");
  } catch (error) {
    log(`Unable to read env file ${goQuote(envFile)}: ${errorChain(error)}, ${next}`);
  }
  const fromEnv = text === undefined ? undefined : apiServerFromEnvFile(text);
  if (fromEnv !== undefined) {
    // Validated before it is logged: the file's host could carry "user:password@".
    const server = apiServerUrl(`https://${fromEnv}`);
    log(`Using API server host: ${hostOf(server)}`);
    return server;
  }
  log(
    text === undefined
      ? `Unable to find env file ${goQuote(envFile)}, ${next}`
      : `Env file ${
        goQuote(envFile)
      } missing KUBERNETES_SERVICE_HOST or KUBERNETES_SERVICE_PORT, ${next}`,
  );
  if (kubeconfig !== undefined) {
    const server = apiServerUrl(kubeconfig.cluster.server);
    log(`Using API server host: ${hostOf(server)}`);
    return server;
  }
  return `https://${DEFAULT_SERVER}`;
}

async function locateCa(
  config: ProviderConfig,
  loadKubeconfig: () => Promise<Kubeconfig>,
  logger: Logger,
): Promise<string> {
  const verifyingWith = (source: string) =>
    logger.log("info", `Verifying the API server certificate with CA ${source}`);
  if (config.caFile !== undefined) {
    const pem = await readTextIfExists(config.caFile, "CA file");
    if (pem === undefined) {
      throw new Error(`Cannot read CA file ${JSON.stringify(config.caFile)}: not found`);
    }
    if (pem.trim() === "") {
      throw new Error(`Cannot use CA file ${JSON.stringify(config.caFile)}: it is empty`);
    }
    verifyingWith(goQuote(config.caFile));
    return pem;
  }
  const kubeconfig = await loadKubeconfig();
  const candidates: { source: string; read: () => Promise<string | undefined> }[] = [];
  if (kubeconfig?.cluster.caData !== undefined) {
    const pem = kubeconfig.cluster.caData;
    candidates.push({
      source: `certificate-authority-data of ${goQuote(kubeconfig.path)}`,
      read: () => Promise.resolve(pem),
    });
  }
  if (kubeconfig?.cluster.caFile !== undefined) {
    const caFile = kubeconfig.cluster.caFile;
    candidates.push({ source: goQuote(caFile), read: () => readTextIfExists(caFile, "CA file") });
  }
  for (
    const path of [
      `${config.kubernetesConfigDir}/kubelet-ca.crt`,
      `${config.kubernetesConfigDir}/pki/ca.crt`,
    ]
  ) {
    candidates.push({ source: goQuote(path), read: () => readTextIfExists(path, "CA file") });
  }
  for (const candidate of candidates) {
    const pem = await candidate.read();
    // An empty file (a node half set up) is no CA; the next candidate may be.
    if (pem === undefined || pem.trim() === "") continue;
    verifyingWith(candidate.source);
    return pem;
  }
  throw new Error(
    "No CA to verify the API server with: pass --ca-file or --kubeconfig, " +
      "or --insecure-skip-tls-verify to skip verification (not recommended)",
  );
}

/**
 * Resolves the API connection, logging where each part came from.
 *
 * @example
 * ```ts ignore
 * import { resolveApiConnection } from "./api_connection.ts";
 * const connection = await resolveApiConnection(config, { logger, proxies: {} });
 * ```
 * @throws {Error} when a source is unusable, or no CA is available
 */
export async function resolveApiConnection(
  config: ProviderConfig,
  options: ConnectionOptions,
): Promise<ApiConnection> {
  const { logger } = options;
  // Read (and YAML-parsed) only when the flags leave a question it answers.
  let kubeconfig: Promise<Kubeconfig> | undefined;
  const loadKubeconfig = () => kubeconfig ??= firstKubeconfig(config.kubeconfigs);
  const server = await locateServer(config, loadKubeconfig, logger);
  const proxy = apiProxy(server, options);
  const through = proxy === undefined ? {} : { proxy };
  if (server.startsWith("http:")) {
    logger.log("warning", `Talking plain HTTP to the loopback API server ${goQuote(server)}`);
    return { server, trust: "plain-http", ...through };
  }
  if (config.insecureSkipTlsVerify) {
    logger.log("warning", "Not verifying the API server certificate (--insecure-skip-tls-verify)");
    return { server, trust: "insecure", ...through };
  }
  return { server, trust: { caPem: await locateCa(config, loadKubeconfig, logger) }, ...through };
}

/** What {@linkcode resolveApiConnection} needs besides the configuration. */
export interface ConnectionOptions {
  readonly logger: Logger;
  /** The proxy variables kubelet passed (taken out of the environment at start). */
  readonly proxies: ProxyEnvironment;
}

/** The proxy client-go would use for `server`, credentials split off the URL. */
function apiProxy(server: string, options: ConnectionOptions): ApiProxy | undefined {
  const choice = proxyForUrl(server, options.proxies);
  if (choice === undefined) return undefined;
  const { url } = choice;
  const basicAuth = url.username === "" && url.password === "" ? undefined : {
    username: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  };
  const bare = new URL(url);
  bare.username = "";
  bare.password = "";
  options.logger.log(
    "info",
    `Reaching the API server through the proxy ${goQuote(bare.href)} (from ${choice.variable})`,
  );
  return { url: bare.href, ...(basicAuth ? { basicAuth } : {}) };
}
