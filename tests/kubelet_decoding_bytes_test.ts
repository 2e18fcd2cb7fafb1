/**
 * Secret and file bytes against kubelet's own code (kubernetes v1.34.4,
 * through the Go oracle `tests/kube/cmd/kubelet-decode`; see
 * `kubelet_decoding_fixed_rows_test.ts`): documents a JS string cannot carry
 * as such, read by the provider's adapters (`adapters/kube_api.ts`,
 * `adapters/text_files.ts`) before they are decoded.
 */

import assert from "node:assert/strict";
import { assertEquals } from "./support/assert.ts";
import { createSecretSource } from "../adapters/kube_api.ts";
import { readTextIfExists } from "../adapters/text_files.ts";
import { goDecodeUtf8 } from "../domain/text/go_text.ts";
import { startApiStandIn } from "./support/api_stand_in.ts";
import { withTempDir } from "./support/temp_tree.ts";
import { testWithKubeletDecode } from "./support/kubelet_decode_oracle.ts";
import {
  bytes,
  DOCKERCONFIGJSON,
  kubeletOutcome,
  ourFile,
  ourSecret,
  type Outcome,
} from "./support/kubelet_decoding_outcomes.ts";

const MODERN = '{"auths":{"m":{"username":"u","password":"p"}}}';

/** [name, bytes]: documents a JS string cannot carry as such (kubelet reads bytes). */
const BYTE_ROWS: readonly [string, Uint8Array][] = [
  [
    "a UTF-8 byte-order mark before the document",
    Uint8Array.of(0xef, 0xbb, 0xbf, ...bytes(MODERN)),
  ],
  ["only a byte-order mark", Uint8Array.of(0xef, 0xbb, 0xbf)],
  [
    "a cut UTF-8 sequence in a username",
    Uint8Array.of(...bytes('{"auths":{"m":{"username":"a'), 0xe2, 0x82, ...bytes('b"}}}')),
  ],
  [
    "a byte that is never UTF-8 in a username",
    Uint8Array.of(...bytes('{"auths":{"m":{"username":"a'), 0xff, ...bytes('b"}}}')),
  ],
  [
    "an encoded surrogate in a registry key",
    Uint8Array.of(...bytes('{"auths":{"'), 0xed, 0xa0, 0x80, ...bytes('":{"username":"u"}}}')),
  ],
  [
    "a byte-order mark inside a password",
    Uint8Array.of(...bytes('{"auths":{"m":{"password":"'), 0xef, 0xbb, 0xbf, ...bytes('"}}}')),
  ],
];

async function secretThroughAdapter(secretBytes: Uint8Array): Promise<Outcome> {
  const body = JSON.stringify({
    kind: "SecretList",
    apiVersion: "v1",
    metadata: {},
    items: [{
      metadata: { name: "s", namespace: "default" },
      type: DOCKERCONFIGJSON,
      data: { ".dockerconfigjson": secretBytes.toBase64() },
    }],
  });
  const standIn = startApiStandIn({ token: "token", body, plainHttp: true });
  try {
    const source = createSecretSource({
      connect: () => Promise.resolve({ server: standIn.url, trust: "plain-http" }),
      signal: AbortSignal.timeout(10_000),
      userAgent: "kubelet-decoding-differential",
    });
    const listing = await source.listPullSecrets("default", "token");
    assert.ok(listing.kind === "listed", JSON.stringify(listing));
    const secret = listing.secrets[0]!;
    return ourSecret(secret.type, { ...secret.data });
  } finally {
    await standIn.close();
  }
}

async function fileThroughAdapter(fileBytes: Uint8Array): Promise<Outcome> {
  return await withTempDir(async (dir) => {
    await Deno.writeFile(`${dir}/config.json`, fileBytes);
    // As src/provider_command.ts reads the global file.
    const text = await readTextIfExists(`${dir}/config.json`, "global auth file", {
      decode: goDecodeUtf8,
    });
    return ourFile(text!);
  });
}

await testWithKubeletDecode(
  "kubelet and the provider read secret and file bytes alike",
  async (t, decode) => {
    const answers = await decode(
      BYTE_ROWS.flatMap(([, data]) => [
        { type: DOCKERCONFIGJSON, data: { ".dockerconfigjson": data } },
        { file: data },
      ]),
    );
    for (const [index, [name, data]] of BYTE_ROWS.entries()) {
      await t.step(
        `kubelet and adapters/kube_api.ts + secretEntries() agree on ${name}`,
        async () => {
          assertEquals(await secretThroughAdapter(data), kubeletOutcome(answers[2 * index]!));
        },
      );
      await t.step(
        `kubelet and adapters/text_files.ts + parseDockerConfig() agree on ${name}`,
        async () => {
          assertEquals(await fileThroughAdapter(data), kubeletOutcome(answers[2 * index + 1]!));
        },
      );
    }
  },
);
