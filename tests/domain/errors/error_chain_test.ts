import { assertEquals } from "../../support/assert.ts";
import { errorChain } from "../../../domain/errors/error_chain.ts";

Deno.test("errorChain() joins causes once, on one line", async (t) => {
  const rows: readonly [string, unknown, string][] = [
    ["a plain error", new Error("boom"), "boom"],
    [
      "a cause",
      new Error("Cannot read x", { cause: new Error("denied") }),
      "Cannot read x: denied",
    ],
    [
      "a cause already quoted",
      new Error("outer: inner", { cause: new Error("inner") }),
      "outer: inner",
    ],
    [
      "nested causes",
      new Error("a", { cause: new Error("b", { cause: new Error("c") }) }),
      "a: b: c",
    ],
    ["newlines", new Error("one\ntwo"), "one; two"],
    ["a non-error", "text", "text"],
    [
      "a multi-line cause the wrapper already quotes",
      new Error("Cannot parse: line one; line two", { cause: new Error("line one\nline two") }),
      "Cannot parse: line one; line two",
    ],
    ["a cycle of causes", cyclic(), "outer: inner"],
  ];
  for (const [name, error, expected] of rows) {
    await t.step(`errorChain() for ${name}`, () => assertEquals(errorChain(error), expected));
  }
});

function cyclic(): Error {
  const outer = new Error("outer");
  const inner = new Error("inner", { cause: outer });
  Object.defineProperty(outer, "cause", { value: inner });
  return outer;
}
