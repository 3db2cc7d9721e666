import { B24Error, RateLimitError } from "@b24im/core";
import { createFakeClock, type FakeClock } from "@b24im/core/testing";
import { beforeEach, describe, expect, it } from "vitest";
import type { BucketStore, Reservation, TakeOutcome } from "../redis/bucket-store.js";
import { createReservationQueue, type ReservationQueue } from "./reservation-queue.js";

interface PendingTake {
  maxWaitMs: number | undefined;
  answer(outcome: TakeOutcome): void;
  fail(error: unknown): void;
}

// A shared bucket whose every answer the test gives by hand.
function fakeBucket() {
  const takes: PendingTake[] = [];
  const refunds: Reservation[] = [];
  let fills = 0;
  let fillError: unknown;
  let inFlight = 0;
  let mostInFlight = 0;
  const bucket: BucketStore = {
    take(maxWaitMs) {
      inFlight++;
      mostInFlight = Math.max(mostInFlight, inFlight);
      return new Promise((resolve, reject) => {
        takes.push({
          maxWaitMs,
          answer: (outcome) => {
            inFlight--;
            resolve(outcome);
          },
          fail: (error) => {
            inFlight--;
            reject(error);
          },
        });
      });
    },
    async refund(reservation) {
      refunds.push(reservation);
      return true;
    },
    async fill() {
      fills++;
      if (fillError) throw fillError;
    },
  };
  return {
    bucket,
    takes,
    refunds,
    get fills() {
      return fills;
    },
    failFills(error: unknown) {
      fillError = error;
    },
    get mostInFlight() {
      return mostInFlight;
    },
    /** Answers the oldest unanswered take. */
    answer(outcome: TakeOutcome) {
      const take = takes.shift();
      if (!take) throw new Error("no take is waiting for an answer");
      take.answer(outcome);
    },
  };
}

const granted = (waitMs: number, t = "1"): TakeOutcome => ({
  granted: true,
  waitMs,
  reservation: { t, generation: "g1" },
});

// Settles a promise into a readable state without awaiting it.
function track<T>(promise: Promise<T>) {
  const state: { status: "pending" | "resolved" | "rejected"; error?: unknown } = {
    status: "pending",
  };
  promise.then(
    () => {
      state.status = "resolved";
    },
    (error: unknown) => {
      state.status = "rejected";
      state.error = error;
    },
  );
  return state;
}

describe("the reservation queue", () => {
  let clock: FakeClock;
  let fake: ReturnType<typeof fakeBucket>;
  let queue: ReservationQueue;
  const make = (maxWaitMs?: number) => {
    queue = createReservationQueue({
      bucket: fake.bucket,
      clock,
      ...(maxWaitMs === undefined ? {} : { maxWaitMs }),
      wallNow: () => 1_700_000_000_000,
    });
  };

  beforeEach(() => {
    clock = createFakeClock();
    fake = fakeBucket();
    make();
  });

  it("holds one reservation at a time and serves this process's callers in FIFO order", async () => {
    const calls = [1, 2, 3].map(() => track(queue.acquire()));
    await clock.flush();
    expect(fake.takes).toHaveLength(1);
    for (let i = 0; i < 3; i++) {
      fake.answer(granted(0));
      await clock.flush();
      expect(calls.map((c) => c.status)).toEqual(
        [0, 1, 2].map((j) => (j <= i ? "resolved" : "pending")),
      );
    }
    expect(fake.mostInFlight).toBe(1);
    expect(clock.pendingTimers).toBe(0);
  });

  it("waits exactly as long as Redis said, with no further call to Redis", async () => {
    const call = track(queue.acquire());
    await clock.flush();
    fake.answer(granted(499.2));
    await clock.advance(499);
    expect(call.status).toBe("pending");
    await clock.advance(1);
    expect(call.status).toBe("resolved");
    expect(fake.takes).toHaveLength(0);
  });

  it("takes a high-priority caller before the normal ones already queued", async () => {
    const order: string[] = [];
    const first = queue.acquire().then(() => order.push("first"));
    const normal = queue.acquire().then(() => order.push("normal"));
    const high = queue.acquire(undefined, "high").then(() => order.push("high"));
    for (let i = 0; i < 3; i++) {
      await clock.flush();
      fake.answer(granted(0));
    }
    await Promise.all([first, normal, high]);
    expect(order).toEqual(["first", "high", "normal"]);
  });

  it("a high-priority caller takes over the reservation a normal one waits out; the normal one goes next", async () => {
    const normal = track(queue.acquire());
    await clock.flush();
    fake.answer(granted(4_000));
    await clock.advance(1_000);
    const high = track(queue.acquire(undefined, "high"));
    await clock.advance(2_999);
    expect(high.status).toBe("pending");
    await clock.advance(1);
    // At the normal one's time, with its reservation: no second turn of the fleet.
    expect(high.status).toBe("resolved");
    expect(normal.status).toBe("pending");
    expect(fake.takes).toHaveLength(1);
    fake.answer(granted(500));
    await clock.advance(500);
    expect(normal.status).toBe("resolved");
    expect(clock.pendingTimers).toBe(0);
  });

  it("takes over a reservation that arrives while a high-priority caller waits, and an abort of the normal one meanwhile costs nothing", async () => {
    const controller = new AbortController();
    const normal = track(queue.acquire(controller.signal));
    const high = track(queue.acquire(undefined, "high"));
    await clock.flush();
    fake.answer(granted(1_000));
    await clock.flush();
    controller.abort(new Error("user left"));
    await clock.advance(1_000);
    expect(high.status).toBe("resolved");
    expect(normal).toMatchObject({ status: "rejected", error: new Error("user left") });
    expect(fake.takes).toHaveLength(0);
    expect(fake.refunds).toHaveLength(0);
  });

  it("an abort while queued rejects at once with the reason, and costs no reservation", async () => {
    const head = track(queue.acquire());
    const controller = new AbortController();
    const queued = track(queue.acquire(controller.signal));
    await clock.flush();
    controller.abort(new Error("user left"));
    await clock.flush();
    expect(queued).toMatchObject({ status: "rejected", error: new Error("user left") });
    fake.answer(granted(0));
    await clock.flush();
    expect(head.status).toBe("resolved");
    expect(fake.takes).toHaveLength(0);
  });

  it("an abort while waiting rejects at once and gives the slot back", async () => {
    const controller = new AbortController();
    const waiting = track(queue.acquire(controller.signal));
    const next = track(queue.acquire());
    await clock.flush();
    fake.answer(granted(5_000, "1700000005000000"));
    await clock.advance(100);
    controller.abort("gone");
    await clock.flush();
    expect(waiting).toMatchObject({ status: "rejected", error: "gone" });
    expect(fake.refunds).toEqual([{ t: "1700000005000000", generation: "g1" }]);
    // The next caller reserves at once instead of waiting out the aborted wait.
    expect(fake.takes).toHaveLength(1);
    fake.answer(granted(0));
    await clock.flush();
    expect(next.status).toBe("resolved");
    expect(clock.pendingTimers).toBe(0);
  });

  it("an abort during the round trip rejects at once; the late reservation is given back", async () => {
    const controller = new AbortController();
    const reserving = track(queue.acquire(controller.signal));
    const next = track(queue.acquire());
    await clock.flush();
    controller.abort("gone");
    await clock.flush();
    expect(reserving.status).toBe("rejected");
    expect(fake.refunds).toEqual([]);
    fake.answer(granted(300, "7"));
    await clock.flush();
    expect(fake.refunds).toEqual([{ t: "7", generation: "g1" }]);
    fake.answer(granted(0));
    await clock.flush();
    expect(next.status).toBe("resolved");
  });

  it("rejects an already aborted signal without asking Redis", async () => {
    await expect(queue.acquire(AbortSignal.abort("early"))).rejects.toBe("early");
    expect(fake.takes).toHaveLength(0);
  });

  it("maxWaitMs: asks Redis for no longer wait than is left, and fails unsent past it", async () => {
    make(1_000);
    const head = track(queue.acquire());
    await clock.flush();
    expect(fake.takes[0]?.maxWaitMs).toBe(1_000);
    const second = track(queue.acquire());
    await clock.advance(400);
    fake.answer(granted(0));
    await clock.flush();
    expect(head.status).toBe("resolved");
    // The second caller has waited 400 ms here already.
    expect(fake.takes[0]?.maxWaitMs).toBe(600);
    fake.answer({ granted: false, waitMs: 2_500 });
    await clock.flush();
    expect(second.status).toBe("rejected");
    const error = second.error as RateLimitError;
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ code: "LIMITER_MAX_WAIT", retryable: true });
    expect(error.retryAt).toBe(1_700_000_000_000 + 2_500);
    expect(error.message).toMatch(/^LIMITER_MAX_WAIT: .*maxWaitMs \(1000 ms\).*2500 ms.*not sent/);
  });

  it("maxWaitMs: a caller still queued behind a slow head fails when its time is up", async () => {
    make(1_000);
    const head = track(queue.acquire());
    const queued = track(queue.acquire());
    await clock.advance(999);
    expect(queued.status).toBe("pending");
    await clock.advance(1);
    expect(queued.status).toBe("rejected");
    expect(queued.error).toMatchObject({ code: "LIMITER_MAX_WAIT" });
    expect((queued.error as RateLimitError).retryAt).toBeUndefined();
    // The head asked Redis with its maxWaitMs: Redis's answer decides for it.
    fake.answer(granted(900));
    await clock.advance(900);
    expect(head.status).toBe("resolved");
    expect(clock.pendingTimers).toBe(0);
  });

  it("when Redis cannot decide, the head and every queued caller fail together", async () => {
    const calls = [1, 2, 3].map(() => track(queue.acquire()));
    await clock.flush();
    const outage = new B24Error("Redis did not answer", "LIMITER_UNAVAILABLE", true);
    fake.takes.shift()?.fail(outage);
    await clock.flush();
    expect(calls.map((c) => c.error)).toEqual([outage, outage, outage]);
    expect(fake.takes).toHaveLength(0);
    // The next caller tries Redis again.
    const later = track(queue.acquire());
    await clock.flush();
    fake.answer(granted(0));
    await clock.flush();
    expect(later.status).toBe("resolved");
  });

  it("saturate sends the waiting caller's reservation behind the fill, not into a full bucket", async () => {
    const call = track(queue.acquire());
    await clock.flush();
    fake.answer(granted(100));
    await clock.advance(50);
    queue.saturate();
    await clock.flush();
    expect(fake.fills).toBe(1);
    // Asked again, after the fill: the old timer no longer lets it go at 100 ms.
    expect(fake.takes).toHaveLength(1);
    await clock.advance(100);
    expect(call.status).toBe("pending");
    fake.answer(granted(450));
    await clock.advance(449);
    expect(call.status).toBe("pending");
    await clock.advance(1);
    expect(call.status).toBe("resolved");
    expect(fake.refunds).toEqual([]);
    expect(fake.mostInFlight).toBe(1);
  });

  it("saturate fills the shared bucket; a fill that fails is dropped without a rejection", async () => {
    queue.saturate();
    fake.failFills(new Error("down"));
    queue.saturate();
    await clock.flush();
    expect(fake.fills).toBe(2);
  });
});
