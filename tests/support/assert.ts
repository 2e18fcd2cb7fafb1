/**
 * The assertions the tests use, on top of `node:assert/strict`, with the
 * shapes the table-driven tests want (`assertThrows` returns the error).
 */

import assert from "node:assert/strict";

/** Deep strict equality. */
export function assertEquals(actual: unknown, expected: unknown, message?: string): void {
  assert.deepStrictEqual(actual, expected, message);
}

/**
 * Asserts that `fn` throws an instance of `errorClass` whose message contains
 * `includes` (when given), and returns the error.
 */
export function assertThrows<E extends Error>(
  fn: () => unknown,
  errorClass: abstract new (...args: never[]) => E,
  includes?: string,
): E {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  assert.ok(thrown instanceof errorClass, `expected ${errorClass.name}, got ${String(thrown)}`);
  if (includes !== undefined) assert.ok(thrown.message.includes(includes), thrown.message);
  return thrown;
}
