/**
 * A counting semaphore: at most `size` holders at a time, the others wait in order.
 *
 * @example
 * ```ts
 * const slots = createSlots(8);
 * await slots.take();
 * try { await work(); } finally { slots.give(); }
 * ```
 */
export interface Slots {
  /** Resolves when a slot is free and taken. */
  take(): Promise<void>;
  /** Frees a taken slot for the next waiter. */
  give(): void;
}

/**
 * Makes {@link Slots} of the given size.
 *
 * @example
 * ```ts
 * const slots = createSlots(2);
 * ```
 */
export function createSlots(size: number): Slots {
  let free = size;
  const waiting: Array<() => void> = [];
  return {
    take() {
      if (free > 0) {
        free--;
        return Promise.resolve();
      }
      return new Promise((resolve) => waiting.push(resolve));
    },
    give() {
      const next = waiting.shift();
      if (next) next();
      else free++;
    },
  };
}
