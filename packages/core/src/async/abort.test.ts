import { describe, expect, it, vi } from "vitest";
import { TimeoutError } from "../protocol/errors.js";
import { createFakeClock } from "../testing/fake-clock.js";
import { thrown } from "../testing/thrown.js";
import { createDeadline, createSignalGroup, sleep, whenNotAborted } from "./abort.js";

describe("sleep", () => {
  it("resolves after the time on the clock", async () => {
    const clock = createFakeClock({ now: 0 });
    let done = false;
    const wait = sleep(clock, 100).then(() => {
      done = true;
    });
    await clock.advance(99);
    expect(done).toBe(false);
    await clock.advance(1);
    await wait;
    expect(done).toBe(true);
  });

  it("rejects at once with the reason on abort and clears its timer", async () => {
    const clock = createFakeClock();
    const controller = new AbortController();
    const wait = sleep(clock, 10_000, controller.signal);
    const reason = new Error("user left");
    controller.abort(reason);
    await expect(wait).rejects.toBe(reason);
    expect(clock.pendingTimers).toBe(0);
    await expect(sleep(clock, 5, controller.signal)).rejects.toBe(reason);
  });
});

describe("whenNotAborted", () => {
  it("settles as the promise does, and leaves no listener on the signal", async () => {
    const controller = new AbortController();
    const added = vi.spyOn(controller.signal, "addEventListener");
    const removed = vi.spyOn(controller.signal, "removeEventListener");
    await expect(whenNotAborted(Promise.resolve(5), controller.signal)).resolves.toBe(5);
    await expect(
      whenNotAborted(Promise.reject(new Error("no")), controller.signal),
    ).rejects.toThrow("no");
    expect(removed).toHaveBeenCalledTimes(added.mock.calls.length);
  });

  it("rejects with the reason as soon as the signal aborts, or at once if it already has", async () => {
    const controller = new AbortController();
    const never = new Promise<never>(() => {});
    const waiting = whenNotAborted(never, controller.signal);
    controller.abort("stop");
    await expect(waiting).rejects.toBe("stop");
    await expect(whenNotAborted(never, controller.signal)).rejects.toBe("stop");
  });
});

describe("createSignalGroup", () => {
  it("aborts a task with its caller's reason or the group's, whichever comes first", () => {
    const group = createSignalGroup();
    const caller = new AbortController();
    const first = group.link(caller.signal);
    const second = group.link();
    caller.abort("user left");
    group.abortAll("closed");
    expect(first.signal.reason).toBe("user left");
    expect(second.signal.reason).toBe("closed");
    expect(group.aborted).toBe(true);
  });

  it("starts aborted after abortAll or when the caller's signal already is", () => {
    const group = createSignalGroup();
    const caller = new AbortController();
    caller.abort("early");
    expect(group.link(caller.signal).signal.reason).toBe("early");
    group.abortAll("closed");
    expect(group.link().signal.reason).toBe("closed");
  });

  it("forgets a task on unlink: neither its caller nor the group reach it", () => {
    const group = createSignalGroup();
    const caller = new AbortController();
    const linked = group.link(caller.signal);
    linked.unlink();
    caller.abort("x");
    group.abortAll("closed");
    expect(linked.signal.aborted).toBe(false);
  });

  it("makes a task's signal only when read; read late, it still tells the right reason", () => {
    const group = createSignalGroup();
    const caller = new AbortController();
    const fromCaller = group.link(caller.signal);
    const fromGroup = group.link();
    caller.abort("user left");
    group.abortAll("closed");
    expect(fromCaller.signal.reason).toBe("user left");
    expect(fromGroup.signal.reason).toBe("closed");
  });

  it("adds no listener to any shared signal, however many tasks run", () => {
    const group = createSignalGroup();
    const added = vi.spyOn(AbortSignal.prototype, "addEventListener");
    const tasks = Array.from({ length: 50 }, () => group.link());
    expect(added).not.toHaveBeenCalled();
    added.mockRestore();
    group.abortAll("closed");
    expect(tasks.every((task) => task.signal.reason === "closed")).toBe(true);
  });
});

describe("createDeadline", () => {
  it("aborts on the time limit and says so", async () => {
    const clock = createFakeClock();
    const deadline = createDeadline(undefined, 300, clock);
    await clock.advance(299);
    expect(deadline.signal.aborted).toBe(false);
    await clock.advance(1);
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.timedOut).toBe(true);
  });

  it("aborts with the caller's reason, not as a time-out", () => {
    const clock = createFakeClock();
    const caller = new AbortController();
    const deadline = createDeadline(caller.signal, 300, clock);
    caller.abort("user left");
    expect(deadline.signal.reason).toBe("user left");
    expect(deadline.timedOut).toBe(false);
  });

  it("holds no timer and no listener once cleared", () => {
    const clock = createFakeClock();
    const caller = new AbortController();
    const deadline = createDeadline(caller.signal, 300, clock);
    deadline.clear();
    expect(clock.pendingTimers).toBe(0);
    caller.abort("late");
    expect(deadline.signal.aborted).toBe(false);
  });

  it("throwIfEnded: the caller's reason, a TimeoutError without secrets, or nothing", async () => {
    const request = {
      method: "POST" as const,
      url: "https://x.bitrix24.ru/rest/1/s3cr3tC0de/profile",
      headers: {},
    };
    const clock = createFakeClock();
    const caller = new AbortController();
    const aborted = createDeadline(caller.signal, 300, clock);
    caller.abort("user left");
    expect(() => aborted.throwIfEnded(new Error("x"), request)).toThrow("user left");
    const late = createDeadline(undefined, 300, clock);
    expect(() => late.throwIfEnded(new Error("x"), request)).not.toThrow();
    await clock.advance(300);
    const timeout = thrown(TimeoutError, () =>
      late.throwIfEnded(new Error("socket hang up s3cr3tC0de"), request),
    );
    expect(timeout.timeoutMs).toBe(300);
    expect(String((timeout.cause as Error).message)).not.toContain("s3cr3tC0de");
  });
});
