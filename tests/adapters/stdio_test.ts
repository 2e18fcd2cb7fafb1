import { assertEquals } from "../support/assert.ts";
import { MAX_REQUEST_BYTES } from "../../adapters/stdio.ts";

/** Runs readStdin() in a child process fed `bytes`; returns what it printed. */
async function readInChild(bytes: number): Promise<string> {
  const program = `import { readStdin } from ${
    JSON.stringify(new URL("../../adapters/stdio.ts", import.meta.url).href)
  };
try { console.log((await readStdin()).length); } catch (error) { console.log(error.name, error.message); }`;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", "--no-check", program],
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const writer = child.stdin.getWriter();
  // The child stops reading past the limit: the rest may meet a closed pipe.
  await writer.write(new Uint8Array(bytes).fill(0x78)).catch(() => {});
  await writer.close().catch(() => {});
  return new TextDecoder().decode((await child.output()).stdout).trim();
}

Deno.test("readStdin() reads kubelet's request, and nothing larger than it can be", async (t) => {
  await t.step("readStdin() with a request at the limit", async () => {
    assertEquals(await readInChild(MAX_REQUEST_BYTES), `${MAX_REQUEST_BYTES}`);
  });
  await t.step("readStdin() with a byte more", async () => {
    assertEquals(
      await readInChild(MAX_REQUEST_BYTES + 1),
      `RangeError Cannot read the request: it is larger than ${MAX_REQUEST_BYTES} bytes`,
    );
  });
});
