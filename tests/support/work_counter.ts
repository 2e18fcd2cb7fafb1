/**
 * Counts work, not time: every element an array method visits (or could
 * visit), every step of an array, map or set iterator, and every string
 * search. A loop nested in a loop over the input shows up as work that grows
 * with the square of the input, whatever the machine's speed. Test-only: the
 * prototypes are patched for the duration of one synchronous call.
 */

const ARRAY_METHODS = [
  "find",
  "findIndex",
  "findLast",
  "some",
  "every",
  "filter",
  "map",
  "flatMap",
  "forEach",
  "reduce",
  "includes",
  "indexOf",
  "lastIndexOf",
  "slice",
  "concat",
  "join",
  "sort",
] as const;

const STRING_METHODS = [
  "indexOf",
  "includes",
  "startsWith",
  "endsWith",
  "replace",
  "split",
] as const;

/** Runs `fn` and returns how much work it did (see the module). */
export function countWork(fn: () => void): number {
  let work = 0;
  const restore: (() => void)[] = [];
  const patch = <T extends object>(
    target: T,
    name: PropertyKey,
    count: (self: unknown) => number,
  ) => {
    const original = Reflect.get(target, name) as (...args: unknown[]) => unknown;
    Reflect.set(target, name, function (this: unknown, ...args: unknown[]) {
      work += count(this);
      return original.apply(this, args);
    });
    restore.push(() => Reflect.set(target, name, original));
  };
  const length = (self: unknown) => (self as { length: number }).length;
  for (const name of ARRAY_METHODS) patch(Array.prototype, name, length);
  for (const name of STRING_METHODS) patch(String.prototype, name, length);
  // Iterator steps: for…of, spreads and destructuring of arrays, maps and sets.
  for (
    const iterator of [
      [][Symbol.iterator](),
      new Map()[Symbol.iterator](),
      new Set()[Symbol.iterator](),
    ]
  ) {
    patch(Object.getPrototypeOf(iterator), "next", () => 1);
  }
  try {
    fn();
  } finally {
    for (const undo of restore.reverse()) undo();
  }
  return work;
}
