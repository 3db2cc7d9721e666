/**
 * Timers the emulator can cancel all at once on `close()`, so a pending delay or simulated
 * processing time never keeps the process alive.
 *
 * @example
 * ```ts
 * const timers = new TrackedTimers();
 * await timers.sleep(50);
 * timers.clear(); // pending sleeps never resolve
 * ```
 */
export class TrackedTimers {
  readonly #pending = new Set<NodeJS.Timeout>();

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#pending.delete(timer);
        resolve();
      }, ms);
      this.#pending.add(timer);
    });
  }

  clear(): void {
    for (const timer of this.#pending) clearTimeout(timer);
    this.#pending.clear();
  }
}
