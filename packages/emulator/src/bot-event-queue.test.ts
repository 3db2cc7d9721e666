import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BotEventQueue, type QueuedEvent } from "./bot-event-queue.js";

const event = (eventId: number): QueuedEvent => ({
  eventId,
  type: "ONIMBOTV2MESSAGEADD",
  date: "2026-01-01T00:00:00+00:00",
  data: {},
});
const ids = (events: QueuedEvent[]) => events.map((e) => e.eventId);

describe("BotEventQueue", () => {
  it("pages with limit and hasMore; a read without offset acknowledges nothing", () => {
    const queue = new BotEventQueue();
    for (const id of [1, 2, 3, 4, 5]) queue.push(event(id));
    expect(queue.read(undefined, 2)).toMatchObject({ nextOffset: 3, hasMore: true });
    expect(ids(queue.read(undefined, 2).events)).toEqual([1, 2]);
    const page = queue.read(3, 10);
    expect([ids(page.events), page.nextOffset, page.hasMore]).toEqual([[3, 4, 5], 6, false]);
    expect(queue.read(6, 10)).toEqual({ events: [], nextOffset: 6, hasMore: false });
    // A later read without offset keeps the acknowledged position.
    expect(queue.read(undefined, 10)).toEqual({ events: [], nextOffset: 6, hasMore: false });
  });

  it("drops the oldest events beyond its bound", () => {
    const queue = new BotEventQueue(3);
    for (const id of [1, 2, 3, 4, 5]) queue.push(event(id));
    expect(ids(queue.read(undefined, 10).events)).toEqual([3, 4, 5]);
  });

  it("behaves like a filtered list for any mix of pushes and reads", () => {
    const step = fc.oneof(
      fc.constant({ kind: "push" as const }),
      fc.record({
        kind: fc.constant("read" as const),
        offset: fc.option(fc.nat(3_000), { nil: undefined }),
        limit: fc.integer({ min: 1, max: 50 }),
      }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 3_000 }), (steps) => {
        const queue = new BotEventQueue();
        let model: number[] = [];
        let nextId = 1;
        for (const s of steps) {
          if (s.kind === "push") {
            queue.push(event(nextId));
            model.push(nextId++);
            continue;
          }
          const { offset, limit } = s;
          if (offset !== undefined) model = model.filter((id) => id >= offset);
          const page = queue.read(offset, limit);
          expect(ids(page.events)).toEqual(model.slice(0, limit));
          expect(page.hasMore).toBe(model.length > limit);
        }
      }),
      { numRuns: 100 },
    );
  });
});
