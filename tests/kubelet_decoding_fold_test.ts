/**
 * Field names against kubelet's own code (kubernetes v1.34.4, through the Go
 * oracle `tests/kube/cmd/kubelet-decode`; see
 * `kubelet_decoding_fixed_rows_test.ts`): which keys kubelet and the provider
 * match to the fields of an entry, for every BMP rune.
 */

import { assertEquals } from "./support/assert.ts";
import { goJsonField } from "../domain/text/go_json_fields.ts";
import { type KubeletDecode, testWithKubeletDecode } from "./support/kubelet_decode_oracle.ts";
import { kubeletOutcome, ours, request } from "./support/kubelet_decoding_outcomes.ts";

/**
 * Every BMP rune in place of each letter of kubelet's entry fields: Go folds
 * it onto the letter (and rejects the document, whose values are numbers)
 * exactly when the provider matches the key to the field. 32 runes go in one
 * document; ours is asked with goJsonField(), which decodeEntry() uses, and a
 * disagreeing group is then checked rune by rune through secretEntries().
 */
async function foldScan(t: Deno.TestContext, decode: KubeletDecode): Promise<void> {
  const fields = ["username", "password", "email", "auth"];
  // One key per letter of the field names: "\0" is where the rune goes.
  const templates = new Map<string, string>();
  for (const field of fields) {
    for (const [at, letter] of [...field].entries()) {
      if (!templates.has(letter)) {
        templates.set(letter, `${field.slice(0, at)}\0${field.slice(at + 1)}`);
      }
    }
  }
  const keysOf = (rune: string) => [...templates.values()].map((tpl) => tpl.replace("\0", rune));
  const documentOf = (group: readonly string[]) =>
    `{"auths":{"m":{${group.flatMap(keysOf).map((key) => `${JSON.stringify(key)}:5`).join(",")}}}}`;
  const runes: string[] = [];
  for (let code = 0x80; code <= 0xffff; code++) {
    if (code < 0xd800 || code > 0xdfff) runes.push(String.fromCharCode(code));
  }
  const groups: string[][] = [];
  for (let at = 0; at < runes.length; at += 32) groups.push(runes.slice(at, at + 32));
  const answers = await decode(groups.map((g) => request("dockerconfigjson", documentOf(g))));
  const suspects = groups.filter((group, index) => {
    const ourMatch = group.some((r) => keysOf(r).some((k) => goJsonField(k, fields) !== undefined));
    return ourMatch !== ("rejected" in kubeletOutcome(answers[index]!));
  }).flat();
  const single = await decode(suspects.map((r) => request("dockerconfigjson", documentOf([r]))));
  const disagreeing = suspects.filter((rune, index) =>
    JSON.stringify(ours("dockerconfigjson", documentOf([rune]))) !==
      JSON.stringify(kubeletOutcome(single[index]!))
  ).map((r) => `U+${r.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")} ${r}`);
  await t.step(
    `kubelet and the provider fold the same ${runes.length} BMP runes onto ASCII letters`,
    () => assertEquals(disagreeing, []),
  );
}

await testWithKubeletDecode(
  "kubelet and the provider match the same keys to fields, for every BMP rune",
  foldScan,
);
