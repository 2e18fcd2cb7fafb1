/**
 * The system clock.
 *
 * @module
 */

import type { Clock } from "../domain/ports.ts";

/** Wall-clock time in epoch milliseconds. */
export const systemClock: Clock = { now: () => Date.now() };
