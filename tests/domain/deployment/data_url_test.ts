import { assertEquals } from "../../support/assert.ts";
import { dataUrl, dataUrlContents } from "../../../domain/deployment/data_url.ts";

Deno.test("dataUrl() chooses Butane's shorter form, without gzip", async (t) => {
  // deployment.md §1.5: what Butane emits for these contents.
  const rows: readonly [string, string, string][] = [
    ["short text: percent-escaped", "hello world: a/b\n", "data:,hello%20world%3A%20a%2Fb%0A"],
    ["UTF-8: base64, strictly shorter", "ééé", "data:;base64,w6nDqcOp"],
    [
      "a registries.conf line",
      'unqualified-search-registries = ["docker.io"]\n',
      "data:,unqualified-search-registries%20%3D%20%5B%22docker.io%22%5D%0A",
    ],
    ["unreserved characters stay", "a-b_c.d!e~f*g'h(i)j", "data:,a-b_c.d!e~f*g'h(i)j"],
    ["empty", "", "data:,"],
  ];
  for (const [name, text, expected] of rows) {
    await t.step(`dataUrl() for ${name}`, () => {
      const url = dataUrl(new TextEncoder().encode(text));
      assertEquals(url, expected);
      assertEquals(new TextDecoder().decode(dataUrlContents(url)), text);
    });
  }
});

Deno.test("dataUrlContents() reads back bytes that are not UTF-8", () => {
  const bytes = new Uint8Array([0, 255, 37, 10, 200]);
  assertEquals(dataUrlContents(dataUrl(bytes)), bytes);
});
