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
    if (entry.queueIndex >= 0) {
      this.#reposition(entry.queueIndex);
      return;
    }
    entry.queueIndex = this.#heap.length;
    this.#heap.push(entry);
    this.#up(entry.queueIndex);
  }

  /** Takes out the entry due first. */
  pop(): T | undefined {
    const first = this.#heap[0];
    if (first !== undefined) this.remove(first);
    return first;
  }

  /** Takes out an entry wherever it sits; an entry that is not queued is left alone. */
  remove(entry: T): void {
    const index = entry.queueIndex;
    if (index < 0 || this.#heap[index] !== entry) return;
    entry.queueIndex = -1;
    const last = this.#heap.pop() as T;
    if (last === entry) return;
    this.#heap[index] = last;
    last.queueIndex = index;
    this.#reposition(index);
  }

  #reposition(index: number): void {
    if (index > 0 && this.#dueAt(index) < this.#dueAt((index - 1) >> 1)) this.#up(index);
    else this.#down(index);
  }

  #up(index: number): void {
    let child = index;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (this.#dueAt(parent) <= this.#dueAt(child)) return;
      this.#swap(child, parent);
      child = parent;
    }
  }

  #down(index: number): void {
    const size = this.#heap.length;
    let parent = index;
    for (;;) {
      const left = 2 * parent + 1;
      const right = left + 1;
      let smallest = parent;
      if (left < size && this.#dueAt(left) < this.#dueAt(smallest)) smallest = left;
      if (right < size && this.#dueAt(right) < this.#dueAt(smallest)) smallest = right;
      if (smallest === parent) return;
      this.#swap(parent, smallest);
      parent = smallest;
    }
  }

  #dueAt(index: number): number {
    return (this.#heap[index] as T).due;
  }

  #swap(a: number, b: number): void {
    const heap = this.#heap;
    const first = heap[a] as T;
    const second = heap[b] as T;
    heap[a] = second;
    heap[b] = first;
    second.queueIndex = a;
    first.queueIndex = b;
  }
}
