import { assertEquals } from "../support/assert.ts";
import {
  MAX_JSON_VALUES,
  pullSecret,
  readSecret,
  readSecretList,
  statusMessage,
} from "../../adapters/secret_answers.ts";

Deno.test("readSecretList() reads a SecretList page, or nothing from anything else", async (t) => {
  const rows: readonly [string, string, ReturnType<typeof readSecretList>][] = [
    [
      "a page with a continue token",
      '{"kind":"SecretList","metadata":{"continue":"c2"},"items":[{"metadata":{"name":"a"},"type":"kubernetes.io/dockercfg","data":{".dockercfg":"e30="}}]}',
      {
        items: [{ name: "a", type: "kubernetes.io/dockercfg", data: { ".dockercfg": "e30=" } }],
        continueToken: "c2",
      },
    ],
    ["no items", '{"kind":"SecretList","items":null}', { items: [] }],
    ["an empty continue token", '{"metadata":{"continue":""},"items":[]}', { items: [] }],
    [
      "a secret without data",
      '{"items":[{"metadata":{"name":"a"},"data":null}]}',
      { items: [{ name: "a", data: {} }] },
    ],
    ["a body that is not JSON", "<html>proxy error</html>", undefined],
    ["an array", "[]", undefined],
    ["items that are no list", '{"items":{}}', undefined],
    ["an item without a name", '{"items":[{"metadata":{}}]}', undefined],
    ["a name that is no string", '{"items":[{"metadata":{"name":5}}]}', undefined],
    ["a type that is no string", '{"items":[{"metadata":{"name":"a"},"type":1}]}', undefined],
    ["data that is no object", '{"items":[{"metadata":{"name":"a"},"data":"x"}]}', undefined],
    [
      "data that is not base64",
      '{"items":[{"metadata":{"name":"a"},"data":{"k":"{}"}}]}',
      undefined,
    ],
    [
      "base64 without padding",
      '{"items":[{"metadata":{"name":"a"},"data":{"k":"e30"}}]}',
      undefined,
    ],
    ["a continue token that is no string", '{"metadata":{"continue":1},"items":[]}', undefined],
    // client-go: a Status that failed is an error even with HTTP 200; another kind does not decode.
    [
      "a failed Status with HTTP 200",
      '{"kind":"Status","apiVersion":"v1","status":"Failure","code":500,"message":"etcd"}',
      undefined,
    ],
    ["a failure without a kind", '{"status":"Failure"}', undefined],
    ["another kind", '{"kind":"ConfigMapList","items":[]}', undefined],
  ];
  for (const [name, body, expected] of rows) {
    await t.step(
      `readSecretList() with ${name}`,
      () => assertEquals(readSecretList(body), expected),
    );
  }
});

Deno.test("readSecret() reads one Secret", async (t) => {
  const rows: readonly [string, string, ReturnType<typeof readSecret>][] = [
    ["a secret", '{"metadata":{"name":"a"},"data":{"k":"dg=="}}', {
      name: "a",
      data: { k: "dg==" },
    }],
    ["a Status", '{"kind":"Status","message":"not found"}', undefined],
    ["a failed Status", '{"status":"Failure","message":"etcd"}', undefined],
    ["a SecretList", '{"kind":"SecretList","metadata":{"name":"a"}}', undefined],
  ];
  for (const [name, body, expected] of rows) {
    await t.step(`readSecret() with ${name}`, () => assertEquals(readSecret(body), expected));
  }
});

Deno.test("pullSecret() decodes data as kubelet's Go code sees the bytes", () => {
  // "\xef\xbb\xbf{}" keeps its byte-order mark; "\xff" is Go's U+FFFD.
  assertEquals(
    pullSecret(
      { name: "a", data: { bom: "77u/e30=", bad: "/w==" } },
      "kubernetes.io/dockerconfigjson",
    ),
    {
      name: "a",
      type: "kubernetes.io/dockerconfigjson",
      data: { bom: "\ufeff{}", bad: "\ufffd" },
    },
  );
});

Deno.test("statusMessage() reads a Status message, if there is one", async (t) => {
  const rows: readonly [string, string, string | undefined][] = [
    ["a message", '{"kind":"Status","message":"secrets is forbidden"}', "secrets is forbidden"],
    ["an empty message", '{"kind":"Status","message":""}', undefined],
    ["no JSON", "Forbidden", undefined],
    ["a message that is no string", '{"message":1}', undefined],
  ];
  for (const [name, body, expected] of rows) {
    await t.step(`statusMessage() with ${name}`, () => assertEquals(statusMessage(body), expected));
  }
});

Deno.test("readSecret() reads a data value of megabytes", () => {
  // A repeated group in the base64 check once overflowed the regex engine's stack at this size.
  const value = "QUFB".repeat(1_250_000);
  const body = JSON.stringify({ metadata: { name: "big" }, data: { k: value } });
  assertEquals(readSecret(body)?.data.k?.length, value.length);
  assertEquals(readSecretList(`{"items":[${body}]}`)?.items.length, 1);
});

// JSON.parse is synchronous: over 64 MiB of `{}` it took minutes, past every deadline.
Deno.test("answers of more JSON values than any list holds are refused unparsed", async (t) => {
  // Counted: the outer `{`, the comma after "m", then the padding's `[` and commas.
  const rows: readonly [string, (marks: number) => string][] = [
    ["values side by side", (n) => `{"message":"m","padding":[${"1,".repeat(n - 3)}1]}`],
    ["values nested", (n) => `{"message":"m","padding":${"[".repeat(n - 2)}${"]".repeat(n - 2)}}`],
  ];
  for (const [name, status] of rows) {
    await t.step(`${name}: parsed at the bound, not one past it`, () => {
      assertEquals(statusMessage(status(MAX_JSON_VALUES)), "m");
      assertEquals(statusMessage(status(MAX_JSON_VALUES + 1)), undefined);
    });
  }
});
