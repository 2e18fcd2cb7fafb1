/**
 * The secret source of `adapters/kube_api.ts` against the API stand-in
 * (`api_stand_in.ts`), with the pod's token and the test CA, for
 * `tests/adapters/kube_api*_test.ts`.
 */

import assert from "node:assert/strict";
import { type ApiConnection, createSecretSource } from "../../adapters/kube_api.ts";
import type { SecretSource } from "../../domain/ports.ts";
import {
  serviceAccountToken,
  type StandInOptions,
  type StandInSecret,
  startApiStandIn,
} from "./api_stand_in.ts";

export const TOKEN = serviceAccountToken("default");
export const CA = await Deno.readTextFile(new URL("../testdata/tls/ca.pem", import.meta.url));
export const OTHER_CA = await Deno.readTextFile(
  new URL("../testdata/tls/other-ca.pem", import.meta.url),
);

export function dockerSecret(name: string, namespace = "default"): StandInSecret {
  return {
    name,
    namespace,
    type: "kubernetes.io/dockerconfigjson",
    data: { ".dockerconfigjson": `{"auths":{"${name}.example":{"auth":"dTpw"}}}` },
  };
}

export async function withStandIn<T>(
  options: Omit<StandInOptions, "token"> & { token?: string },
  fn: (url: string, requests: ReturnType<typeof startApiStandIn>["requests"]) => Promise<T>,
): Promise<T> {
  const standIn = startApiStandIn({ token: TOKEN, ...options });
  try {
    return await fn(standIn.url, standIn.requests);
  } finally {
    await standIn.close();
  }
}

export async function rejectsWith(promise: Promise<unknown>, message: RegExp): Promise<void> {
  await assert.rejects(promise, (error: Error) => {
    assert.match(error.message, message);
    return true;
  });
}

export const USER_AGENT = "crio-credential-provider/0.0.0-test (linux/amd64)";

export function source(
  server: string,
  trust: ApiConnection["trust"] = { caPem: CA },
  signal = AbortSignal.timeout(10_000),
  options: {
    pageSize?: number;
    maxAnswerBytes?: number;
    proxy?: string;
  } = {},
): SecretSource {
  return createSecretSource({
    connect: () =>
      Promise.resolve({
        server,
        trust,
        ...(options.proxy ? { proxy: { url: options.proxy } } : {}),
      }),
    signal,
    userAgent: USER_AGENT,
    ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
    ...(options.maxAnswerBytes === undefined ? {} : { maxAnswerBytes: options.maxAnswerBytes }),
  });
}
