import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { BotEvent } from "../events/types.js";
import { createAckTracker } from "./ack-tracker.js";

const event = (eventId: number): BotEvent => ({ eventId, type: "ONIMBOTV2MESSAGEADD", data: {} });

describe("the acknowledgement offset", () => {
  it("first poll acknowledges nothing; then the settled prefix, never a running event", () => {
    const tracker = createAckTracker();
    expect(tracker.offset()).toBeUndefined();
    expect(tracker.accept([event(10), event(11), event(12)], 13).map((e) => e.eventId)).toEqual([
      10, 11, 12,
    ]);
    expect(tracker.offset()).toBe(10);
    tracker.settle(11);
    expect(tracker.offset()).toBe(10);
    tracker.settle(10);
    expect(tracker.offset()).toBe(12);
    tracker.settle(12);
    expect(tracker.offset()).toBe(13);
    expect(tracker.unconfirmed).toBe(true);
    tracker.confirm(13);
    expect(tracker.unconfirmed).toBe(false);
  });

  it("under any order of polls and settlements: each event runs once, none is acknowledged before it settled", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.array(fc.oneof(fc.constant("poll" as const), fc.nat(40)), { maxLength: 120 }),
        fc.integer({ min: 1, max: 10 }),
        (total, steps, limit) => {
          // The platform: events 100…, acknowledged below `acked`.
          const ids = Array.from({ length: total }, (_, i) => 100 + i);
          let acked = 0;
          const tracker = createAckTracker();
          const runs = new Map<number, number>();
          const settled = new Set<number>();
          const poll = () => {
            const offset = tracker.offset();
            if (offset !== undefined) {
              // Only settled events are ever acknowledged.
              for (const id of ids)
                if (id < offset && id >= acked) expect(settled.has(id)).toBe(true);
              acked = Math.max(acked, offset);
            }
            tracker.confirm(offset);
            const page = ids.filter((id) => id >= acked).slice(0, limit);
            const last = page.at(-1);
            for (const fresh of tracker.accept(
              page.map(event),
              last === undefined ? undefined : last + 1,
            )) {
              runs.set(fresh.eventId as number, (runs.get(fresh.eventId as number) ?? 0) + 1);
            }
          };
          for (const step of steps) {
            if (step === "poll") poll();
            else {
              const running = [...runs.keys()].filter((id) => !settled.has(id));
              const id = running[step % Math.max(1, running.length)];
              if (id !== undefined) {
                settled.add(id);
                tracker.settle(id);
              }
            }
          }
          // Drain: settle everything, poll until all is acknowledged.
          for (let round = 0; round < total + 2; round++) {
            for (const id of runs.keys()) {
              settled.add(id);
              tracker.settle(id);
            }
            poll();
          }
          for (const id of ids) expect(runs.get(id)).toBe(1);
          expect(acked).toBe(100 + total);
        },
      ),
      { numRuns: 500 },
    );
  });
});
