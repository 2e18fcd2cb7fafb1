/**
 * A stand-in for the Kubernetes API server on loopback HTTPS (test CA in
 * tests/testdata/tls): serves the Secrets list with field selectors and
 * paging, checks the bearer token, records every request, and can answer
 * with chosen statuses or delays.
 */

const TLS = new URL("../testdata/tls/", import.meta.url).pathname;

/** A Secret as the test declares it; `data` values are plain text. */
export interface StandInSecret {
  readonly name: string;
  readonly type: string;
  readonly data: Record<string, string>;
  readonly namespace?: string;
}

/** How the stand-in behaves. */
export interface StandInOptions {
  /** The only bearer token accepted; others get 401 (unless `acceptToken` is given). */
  readonly token: string;
  /**
   * Decides instead of `token` which bearer tokens are accepted, given the
   * token and the namespace in the request's path ("" when the path names
   * none); the others get 401.
   */
  readonly acceptToken?: (token: string, namespace: string) => boolean;
  readonly secrets?: readonly StandInSecret[];
  /** Statuses to answer instead of the list, one per request, in order (then normal). */
  readonly statuses?: readonly number[];
  /** A raw body to answer every authorized request with (status 200), instead of the list. */
  readonly body?: string;
  /** Delay before every answer. */
  readonly delayMs?: number;
  /** Serve plain HTTP instead of TLS. */
  readonly plainHttp?: boolean;
  /** Bind address. @default "127.0.0.1" */
  readonly hostname?: string;
  /** Answers a request itself (after it is recorded) when it returns a response. */
  readonly override?: (request: Request) => Response | undefined;
  /**
   * RBAC as a Role with `get` and `resourceNames` grants it: only these
   * Secrets may be read, by name; a list is forbidden. Absent: get and list allowed.
   */
  readonly getOnly?: readonly string[];
}

/** One recorded request. */
export interface RecordedRequest {
  readonly path: string;
  readonly fieldSelector: string | null;
  readonly limit: string | null;
  readonly continueToken: string | null;
  readonly authorization: string | null;
  readonly userAgent: string | null;
}

/** A running stand-in; close it in `finally`. */
export interface StandIn {
  readonly url: string;
  readonly caFile: string;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

function encode(text: string): string {
  return new TextEncoder().encode(text).toBase64();
}

/** A Secret as the API serves it (data base64). */
function secretObject(secret: StandInSecret) {
  return {
    kind: "Secret",
    apiVersion: "v1",
    metadata: { name: secret.name, namespace: secret.namespace ?? "default" },
    type: secret.type,
    data: Object.fromEntries(Object.entries(secret.data).map(([k, v]) => [k, encode(v)])),
  };
}

/** Starts the stand-in on an ephemeral port. */
export function startApiStandIn(options: StandInOptions): StandIn {
  const requests: RecordedRequest[] = [];
  const statuses = [...(options.statuses ?? [])];
  const handler = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    requests.push({
      path: url.pathname,
      fieldSelector: url.searchParams.get("fieldSelector"),
      limit: url.searchParams.get("limit"),
      continueToken: url.searchParams.get("continue"),
      authorization: request.headers.get("authorization"),
      userAgent: request.headers.get("user-agent"),
    });
    const overridden = options.override?.(request);
    if (overridden !== undefined) return overridden;
    if (url.pathname === "/version") {
      return Response.json({ major: "1", minor: "34", gitVersion: "v1.34.4" });
    }
    if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
    const forced = statuses.shift();
    if (forced !== undefined && forced !== 200) {
      return Response.json(
        {
          kind: "Status",
          apiVersion: "v1",
          status: "Failure",
          message: `forced ${forced}`,
          code: forced,
        },
        { status: forced, headers: forced === 429 ? { "retry-after": "1" } : {} },
      );
    }
    const authorization = request.headers.get("authorization");
    const accepted = options.acceptToken === undefined
      ? authorization === `Bearer ${options.token}`
      : authorization?.startsWith("Bearer ") === true &&
        options.acceptToken(
          authorization.slice("Bearer ".length),
          /^\/api\/v1\/namespaces\/([^/]+)\//.exec(url.pathname)?.[1] ?? "",
        );
    if (!accepted) {
      return Response.json({
        kind: "Status",
        apiVersion: "v1",
        status: "Failure",
        message: "Unauthorized",
        reason: "Unauthorized",
        code: 401,
      }, { status: 401 });
    }
    if (options.body !== undefined) {
      return new Response(options.body, { headers: { "content-type": "application/json" } });
    }
    if (url.pathname === "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews") {
      // A token may list secrets unless RBAC grants only get on names.
      const allowed = options.getOnly === undefined;
      return Response.json({
        kind: "SelfSubjectAccessReview",
        apiVersion: "authorization.k8s.io/v1",
        status: { allowed, ...(allowed ? { reason: "RBAC: allowed" } : {}) },
      }, { status: 201 });
    }
    const forbidden = (verb: string, namespace: string) =>
      Response.json({
        kind: "Status",
        apiVersion: "v1",
        status: "Failure",
        message:
          `secrets is forbidden: User "system:serviceaccount:${namespace}:default" cannot ${verb} resource "secrets" in API group "" in the namespace "${namespace}"`,
        reason: "Forbidden",
        code: 403,
      }, { status: 403 });
    const one = /^\/api\/v1\/namespaces\/([^/]+)\/secrets\/([^/]+)$/.exec(url.pathname);
    if (one !== null) {
      const [, namespace = "", name = ""] = one;
      if (options.getOnly !== undefined && !options.getOnly.includes(name)) {
        return forbidden("get", namespace);
      }
      const secret = (options.secrets ?? []).find((s) =>
        (s.namespace ?? "default") === namespace && s.name === name
      );
      if (secret === undefined) {
        return Response.json({
          kind: "Status",
          apiVersion: "v1",
          status: "Failure",
          message: `secrets "${name}" not found`,
          reason: "NotFound",
          code: 404,
        }, { status: 404 });
      }
      return Response.json(secretObject(secret));
    }
    const match = /^\/api\/v1\/namespaces\/([^/]+)\/secrets$/.exec(url.pathname);
    if (match === null) return Response.json({ kind: "Status", code: 404 }, { status: 404 });
    if (options.getOnly !== undefined) return forbidden("list", match[1] ?? "");
    const type = url.searchParams.get("fieldSelector")?.replace(/^type=/, "");
    const all = (options.secrets ?? [])
      .filter((s) =>
        (s.namespace ?? "default") === match[1] && (type === undefined || s.type === type)
      )
      .sort((a, b) => a.name < b.name ? -1 : 1);
    const limit = Number(url.searchParams.get("limit") ?? all.length) || all.length;
    const offset = Number(url.searchParams.get("continue") ?? 0);
    const page = all.slice(offset, offset + limit);
    const next = offset + limit < all.length ? `${offset + limit}` : undefined;
    return Response.json({
      kind: "SecretList",
      apiVersion: "v1",
      metadata: next === undefined ? {} : { continue: next },
      items: page.map(secretObject),
    });
  };
  const hostname = options.hostname ?? "127.0.0.1";
  const server = Deno.serve({
    hostname,
    port: 0,
    onListen() {},
    ...(options.plainHttp ? {} : {
      cert: Deno.readTextFileSync(`${TLS}server.pem`),
      key: Deno.readTextFileSync(`${TLS}server-key.pem`),
    }),
  }, handler);
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  return {
    url: `${options.plainHttp ? "http" : "https"}://${host}:${server.addr.port}`,
    caFile: `${TLS}ca.pem`,
    requests,
    close: () => server.shutdown(),
  };
}

/** A service-account token (unsigned; the stand-in compares it byte for byte). */
export function serviceAccountToken(
  namespace: string,
  extra: Record<string, unknown> = {},
): string {
  const part = (value: unknown) =>
    new TextEncoder().encode(JSON.stringify(value)).toBase64({
      alphabet: "base64url",
      omitPadding: true,
    });
  return `${part({ alg: "RS256", kid: "test" })}.${
    part({ "kubernetes.io": { namespace, serviceaccount: { name: "default" } }, ...extra })
  }.c2lnbmF0dXJl`;
}

/** The request kubelet writes, compact and newline-terminated. */
export function kubeletRequest(
  image: string,
  token?: string,
  options: {
    readonly apiVersion?: string;
    /** The service account's annotations kubelet passes (the configured keys only). */
    readonly annotations?: Record<string, string>;
  } = {},
): string {
  return `${
    JSON.stringify({
      kind: "CredentialProviderRequest",
      apiVersion: options.apiVersion ?? "credentialprovider.kubelet.k8s.io/v1",
      image,
      ...(token === undefined ? {} : { serviceAccountToken: token }),
      ...(options.annotations === undefined
        ? {}
        : { serviceAccountAnnotations: options.annotations }),
    })
  }\n`;
}
