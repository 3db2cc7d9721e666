import { describe, expect, it } from "vitest";
import { type DueEntry, DueQueue } from "./due-queue.js";

interface Entry extends DueEntry {
  name: number;
}

// A small deterministic generator, so a failure reproduces.
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

describe("DueQueue", () => {
  it("pops entries in due order", () => {
    const queue = new DueQueue<Entry>();
    for (const due of [5, 1, 4, 1, 3, 9, 2]) queue.push({ due, name: due, queueIndex: -1 });
    const order: number[] = [];
    for (let entry = queue.pop(); entry; entry = queue.pop()) order.push(entry.due);
    expect(order).toEqual([1, 1, 2, 3, 4, 5, 9]);
    expect(queue.size).toBe(0);
  });

  it("stays ordered through random pushes, removals, moves and pops", () => {
    const next = random(42);
    const queue = new DueQueue<Entry>();
    const live = new Set<Entry>();
    for (let step = 0; step < 5000; step++) {
      const roll = next();
      const entries = [...live];
      const some = entries[Math.floor(next() * entries.length)];
      if (roll < 0.45 || !some) {
        const entry = { due: Math.floor(next() * 1000), name: step, queueIndex: -1 };
        queue.push(entry);
        live.add(entry);
      } else if (roll < 0.65) {
        queue.remove(some);
        live.delete(some);
        expect(some.queueIndex).toBe(-1);
      } else if (roll < 0.85) {
        some.due = Math.floor(next() * 1000);
        queue.push(some);
      } else {
        const popped = queue.pop() as Entry;
        expect(popped.due).toBe(Math.min(...entries.map((e) => e.due)));
        live.delete(popped);
      }
      expect(queue.size).toBe(live.size);
      expect(queue.peek()?.due ?? Infinity).toBe(Math.min(...[...live].map((e) => e.due)));
    }
  });

  it("leaves an entry that is not queued alone", () => {
    const queue = new DueQueue<Entry>();
    const queued = { due: 2, name: 2, queueIndex: -1 };
    queue.push(queued);
    const stranger = { due: 1, name: 1, queueIndex: 0 };
    queue.remove(stranger);
    expect(queue.peek()).toBe(queued);
    expect(queue.size).toBe(1);
  });
});
