/**
 * The benchmark's Kubernetes API stand-in, one for both programs:
 * `tests/upstream/cmd/api-stand-in`, Go's net/http over TLS on loopback (the
 * test CA in tests/testdata/tls), the stack kube-apiserver serves with:
 * HTTP/2 when the client offers it (client-go and Deno's fetch both do),
 * HTTP/1.1 otherwise, `TCP_NODELAY` on every connection, full-size TLS
 * records, each answer computed once and kept. It runs in its own process,
 * so serving never waits on the benchmark's event loop.
 *
 * Sends (checked with strace): over HTTP/1.1 (`http1`, which offers only
 * that) each answer, head and body, leaves in one send. Over HTTP/2 Go's
 * server writes the HEADERS frame and the DATA frames in separate sends
 * (DATA in pieces of about 16 KiB, within the client's flow-control window);
 * with `TCP_NODELAY` none of them waits for an ACK. HTTP/2 is the default all
 * the same: over HTTP/1.1 Deno's fetch sends concurrent requests one after
 * another on its first connection (three LISTs take three round trips), which
 * is not what happens against kube-apiserver.
 *
 * Not `Deno.serve`: it leaves Nagle's algorithm on and writes an answer's
 * head and body in separate sends, so the second can wait for the client's
 * delayed ACK. Not `node:http2` in Deno either: it aborted the whole
 * benchmark on an nghttp2 assertion (`find_stream_on_goaway_func`) within a
 * few hundred pulls.
 *
 * Round trips in latency count a request as following an answer when it was
 * received (the read that brought it ended) at least 1 ms after that answer
 * was written: requests sent together leave Deno's client up to half a
 * millisecond apart, and Go's HTTP/2 server starts handlers some time after
 * reading their frames.
 *
 * Answers are not compressed (kube-apiserver gzips answers over 128 KiB for
 * clients that accept it; the synthetic Secrets here would compress far
 * better than real ones).
 *
 * @module
 */

import { type ControlProcess, startControlProcess } from "./control_process.ts";

const TLS = new URL("../testdata/tls/", import.meta.url).pathname;

/** A Secret as a scenario declares it; `data` values are plain text. */
export interface BenchSecret {
  readonly name: string;
  readonly type: string;
  readonly data: Readonly<Record<string, string>>;
}

/** One namespace the stand-in serves. */
export interface BenchNamespace {
  readonly token: string;
  readonly secrets: readonly BenchSecret[];
}

/** What one pull cost the API server. */
export interface ApiStats {
  readonly requests: number;
  /** Answer bodies, in bytes. */
  readonly answerBytes: number;
  /** The longest chain of requests each received after the previous one was answered. */
  readonly rounds: number;
  /** TCP connections accepted, used or not. */
  readonly connections: number;
  /** HTTP versions seen ("1.1", "2.0"). */
  readonly protocols: readonly string[];
  /** Statuses other than 200. */
  readonly failures: readonly number[];
}

/** How the stand-in speaks. */
export type ApiProtocol = "h2" | "http1";

/** The running stand-in. */
export interface BenchApi {
  readonly url: string;
  readonly port: number;
  readonly protocol: ApiProtocol;
  /** What was served since the last call. */
  take(): Promise<ApiStats>;
  close(): Promise<void>;
}

/**
 * Starts the stand-in (`binary`, from `buildApiStandIn`) on an ephemeral
 * loopback port; `dataFile` is where the namespaces are written for it.
 */
export async function startBenchApi(
  binary: string,
  namespaces: ReadonlyMap<string, BenchNamespace>,
  dataFile: string,
  protocol: ApiProtocol,
): Promise<BenchApi> {
  await Deno.writeTextFile(dataFile, JSON.stringify(Object.fromEntries(namespaces)));
  const process: ControlProcess = await startControlProcess(binary, [
    `-namespaces=${dataFile}`,
    `-cert=${TLS}server.pem`,
    `-key=${TLS}server-key.pem`,
    ...(protocol === "http1" ? ["-http1"] : []),
  ]);
  const ready = /^ready (\d+)$/.exec(process.greeting);
  if (ready === null) {
    await process.close();
    throw new Error(`The API stand-in said ${JSON.stringify(process.greeting)}`);
  }
  const port = Number(ready[1]);
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    protocol,
    async take(): Promise<ApiStats> {
      const answer = await process.ask("take");
      const stats = JSON.parse(answer) as ApiStats & { error?: string };
      if (stats.error !== undefined) throw new Error(`The API stand-in answered ${answer}`);
      return stats;
    },
    close: () => process.close(),
  };
}
