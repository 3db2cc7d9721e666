/**
 * Something a {@link DueQueue} orders: the time it falls due and its place in the queue,
 * which the queue maintains (-1 while it is not queued).
 *
 * @example
 * ```ts
 * const entry: DueEntry = { due: clock.now() + 1000, queueIndex: -1 };
 * ```
 */
export interface DueEntry {
  due: number;
  queueIndex: number;
}

/**
 * A binary min-heap of entries by `due`. The entries carry their own index, so removing one
 * (a stopped lease, an ended schedule) costs O(log n) and no lookup structure: this is what
 * lets one timer serve thousands of schedules.
 *
 * @example
 * ```ts
 * const queue = new DueQueue<DueEntry>();
 * const entry = { due: 50, queueIndex: -1 };
 * queue.push(entry);
 * queue.peek() === entry; // true
 * queue.remove(entry);   // entry.queueIndex === -1
 * ```
 */
export class DueQueue<T extends DueEntry> {
  readonly #heap: T[] = [];

  /** How many entries are queued. */
  get size(): number {
    return this.#heap.length;
  }

  /** The entry due first, left in the queue. */
  peek(): T | undefined {
    return this.#heap[0];
  }

  /** Queues an entry by its current `due`; an entry already queued is moved instead. */
  push(entry: T): void {
    if (entry.queueIndex < 0) entry.queueIndex = this.#heap.push(entry) - 1;
    this.#settle(entry.queueIndex);
  }

  /** Takes out the entry due first. */
  pop(): T | undefined {
    const first = this.#heap[0];
    if (first !== undefined) this.remove(first);
    return first;
  }

  /** Takes out an entry wherever it sits; an entry that is not queued is left alone. */
  remove(entry: T): void {
    const heap = this.#heap;
    const index = entry.queueIndex;
    if (heap[index] !== entry) return;
    entry.queueIndex = -1;
    const last = heap.pop() as T;
    if (last === entry) return;
    heap[index] = last;
    this.#settle(index);
  }

  // Moves the entry at `index` up while its parent is due later, else down while a child is
  // due sooner (an entry that moved up never needs to move down).
  #settle(index: number): void {
    const heap = this.#heap;
    const entry = heap[index] as T;
    const place = (moved: T, at: number) => {
      heap[at] = moved;
      moved.queueIndex = at;
    };
    let at = index;
    for (
      let parent = (at - 1) >> 1;
      at > 0 && (heap[parent] as T).due > entry.due;
      parent = (at - 1) >> 1
    ) {
      place(heap[parent] as T, at);
      at = parent;
    }
    for (let child = 2 * at + 1; child < heap.length; child = 2 * at + 1) {
      const right = heap[child + 1];
      if (right !== undefined && right.due < (heap[child] as T).due) child++;
      if ((heap[child] as T).due >= entry.due) break;
      place(heap[child] as T, at);
      at = child;
    }
    place(entry, at);
  }
}
