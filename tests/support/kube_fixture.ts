/**
 * The real Kubernetes control plane of the tests, driven through the Go
 * program `tests/kube/cmd/kube-fixture`: etcd and kube-apiserver on loopback
 * (their own CA, service-account key and issuer, `--api-audiences`, the
 * Node and RBAC authorizers, NodeRestriction, an audit log), and the
 * objects a test needs, created with client-go. One fixture per test file;
 * always {@linkcode KubeFixture.close} it in `finally`.
 *
 * Tokens come back on the fixture's stdout pipe and go only into the
 * provider's stdin: no error message here quotes a request or an answer.
 *
 * @module
 */

import { makeTempDir } from "./temp_tree.ts";

/** What the API server recorded of one request (its audit log, Metadata level). */
export interface AuditEvent {
  readonly user: string;
  readonly verb: string;
  readonly uri: string;
  readonly userAgent: string;
  readonly code: number;
}

/** A SubjectAccessReview: may `user` (in `groups`) do `verb` on `resource` `name` in `namespace`? */
export interface AccessQuestion {
  readonly user: string;
  readonly groups: readonly string[];
  readonly verb: string;
  readonly resource: string;
  readonly namespace?: string;
  readonly name?: string;
}

/** A bound service-account token from TokenRequest. */
export interface IssuedToken {
  readonly token: string;
  /** Unix seconds. */
  readonly expiresAt: number;
}

/** A running control plane. */
export interface KubeFixture {
  /** `https://127.0.0.1:PORT` */
  readonly server: string;
  /** The cluster CA, PEM. */
  readonly caPem: string;
  /** Seconds from the fixture's start to a ready API server. */
  readonly startSeconds: number;
  /** Creates the objects (JSON as kubectl would apply them) in order; returns their UIDs. */
  apply(objects: readonly unknown[]): Promise<string[]>;
  /** Deletes an object at once (a pod without grace period) and waits until it is gone. */
  delete(kind: string, namespace: string, name: string): Promise<void>;
  /**
   * A TokenRequest by the admin for the service account, bound to `pod`; with
   * `expiresAt`, the same token signed again by the cluster's key with that expiry.
   */
  token(request: {
    readonly namespace: string;
    readonly serviceAccount?: string;
    readonly pod: string;
    readonly audiences?: readonly string[];
    readonly expiresAt?: number;
  }): Promise<IssuedToken>;
  /** Waits until the API server no longer accepts `token` (after its pod was deleted). */
  tokenRejected(token: string): Promise<void>;
  /** Creates `count` Secrets `<prefix>0000…` of one type with the same data, concurrently. */
  secrets(request: {
    readonly namespace: string;
    readonly prefix: string;
    readonly type: string;
    readonly count: number;
    readonly data: Record<string, string>;
  }): Promise<void>;
  /** Writes a kubeadm-style kubelet kubeconfig for `system:node:<node>` at `path`. */
  nodeKubeconfig(node: string, path: string): Promise<void>;
  /** Asks the authorizers; with `wait`, waits until they allow it. */
  access(question: AccessQuestion, options?: { readonly wait?: boolean }): Promise<boolean>;
  /** The audit log's byte length now, to pass to {@linkcode KubeFixture.audit} later. */
  auditOffset(): Promise<number>;
  /** Every request the API server completed since `offset` (the fixture's own left out). */
  audit(offset: number): Promise<AuditEvent[]>;
  close(): Promise<void>;
}

/** Lines of a byte stream, as an async iterator. */
async function* lines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let pending = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    pending += chunk;
    let end;
    while ((end = pending.indexOf("\n")) !== -1) {
      yield pending.slice(0, end);
      pending = pending.slice(end + 1);
    }
  }
  if (pending !== "") yield pending;
}

const FIXTURE_USER = "kube-fixture-admin";

/**
 * Starts the fixture program (`fixture`) with the API server binary
 * `apiServer` and etcd from PATH, and waits until the API server is ready.
 */
export async function startKubeFixture(fixture: string, apiServer: string): Promise<KubeFixture> {
  const dir = await makeTempDir("kube-fixture-");
  const child = new Deno.Command(fixture, {
    args: ["-kube-apiserver", apiServer, "-etcd", "etcd", "-dir", dir],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  const output = lines(child.stdout);
  const writer = child.stdin.getWriter();
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await writer.close().catch(() => {});
    // The fixture stops its servers on end of input; kill it (by its own PID) if it hangs.
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    try {
      await child.status;
      await stderr;
      for await (const _ of output) { /* drain */ }
    } finally {
      clearTimeout(timer);
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  };
  const failed = async (what: string): Promise<never> => {
    await close();
    const log = await Deno.readTextFile(`${dir}/kube-apiserver.log`).catch(() => "");
    throw new Error(`${what}: ${(await stderr).trim()}\n${log.slice(-3000)}`);
  };

  const first = await output.next();
  if (first.done) return await failed("kube-fixture exited before the API server was ready");
  const ready = JSON.parse(first.value) as {
    server: string;
    caFile: string;
    auditLog: string;
    startSeconds: number;
  };
  const caPem = await Deno.readTextFile(ready.caFile);

  // One command at a time: each answer is the next line.
  let queue: Promise<unknown> = Promise.resolve();
  const send = <T>(command: Record<string, unknown>): Promise<T> => {
    const next = queue.then(async () => {
      if (closed) throw new Error("The kube fixture is closed");
      await writer.write(new TextEncoder().encode(`${JSON.stringify(command)}\n`));
      const answer = await output.next();
      if (answer.done) return await failed(`kube-fixture exited during ${command.op}`);
      const parsed = JSON.parse(answer.value) as { error?: string };
      if (parsed.error !== undefined) {
        throw new Error(`kube-fixture ${command.op} failed: ${parsed.error}`);
      }
      return parsed as T;
    });
    queue = next.catch(() => {});
    return next;
  };

  return {
    server: ready.server,
    caPem,
    startSeconds: ready.startSeconds,
    apply: async (objects) => (await send<{ uids: string[] }>({ op: "apply", objects })).uids,
    delete: async (kind, namespace, name) => {
      await send({ op: "delete", kind, namespace, name });
    },
    token: (request) =>
      send<IssuedToken>({ op: "token", serviceAccount: "default", ...request }).then((
        answer,
      ) => ({ token: answer.token, expiresAt: answer.expiresAt })),
    tokenRejected: async (token) => {
      await send({ op: "tokenRejected", token });
    },
    secrets: async (request) => {
      await send({ op: "secrets", ...request });
    },
    nodeKubeconfig: async (node, path) => {
      await send({ op: "nodeKubeconfig", node, path });
    },
    access: async (question, options = {}) =>
      (await send<{ allowed: boolean }>({ op: "access", question, wait: options.wait ?? false }))
        .allowed,
    auditOffset: async () => (await send<{ offset: number }>({ op: "audit", since: 0 })).offset,
    audit: async (offset) =>
      (await send<{ events: AuditEvent[] }>({ op: "audit", since: offset })).events
        .filter((event) => event.user !== FIXTURE_USER),
    close,
  };
}
