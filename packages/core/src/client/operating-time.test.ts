import { describe, expect, it } from "vitest";
import { createFakeClock } from "../testing/fake-clock.js";
import { createOperatingTime } from "./operating-time.js";

const T0 = 1_700_000_000_000;

async function timeOfWait(
  clock: ReturnType<typeof createFakeClock>,
  wait: Promise<void>,
): Promise<number> {
  let at = -1;
  const done = wait.then(() => {
    at = clock.now() - T0;
  });
  await clock.runAll();
  await done;
  return at;
}

describe("createOperatingTime", () => {
  it("holds only the limited method until the reset time", async () => {
    const clock = createFakeClock({ now: T0 });
    const operating = createOperatingTime(clock);
    operating.hold("im.dialog.writing", T0 + 60_000);
    expect(await timeOfWait(clock, operating.wait("profile"))).toBe(0);
    expect(await timeOfWait(clock, operating.wait("IM.DIALOG.WRITING"))).toBe(60_000);
    expect(await timeOfWait(clock, operating.wait("im.dialog.writing"))).toBe(60_000);
  });

  it("says which methods are busy, so a caller waits only for those", () => {
    const clock = createFakeClock({ now: T0 });
    const operating = createOperatingTime(clock);
    operating.hold("im.dialog.writing", T0 + 1_000);
    expect(operating.busy("IM.DIALOG.WRITING")).toBe(true);
    expect(operating.busy("profile")).toBe(false);
    operating.record("profile", { operating: 400, operating_reset_at: (T0 + 5_000) / 1000 });
    expect(operating.busy("profile")).toBe(true);
  });

  it("paces a method near its budget to one call a second until operating_reset_at", async () => {
    const clock = createFakeClock({ now: T0 });
    const operating = createOperatingTime(clock);
    operating.record("m", { operating: 100 });
    expect(await timeOfWait(clock, operating.wait("m"))).toBe(0);
    operating.record("m", { operating: 450, operating_reset_at: (T0 + 3000) / 1000 });
    const starts: number[] = [];
    const waits = Array.from({ length: 5 }, () =>
      operating.wait("m").then(() => starts.push(clock.now() - T0)),
    );
    await clock.runAll();
    await Promise.all(waits);
    expect(starts).toEqual([0, 1000, 2000, 3000, 3000]);
  });

  it("caps a reset beyond the ten-minute window (plus a minute of skew) and reads a past one as now", async () => {
    const clock = createFakeClock({ now: T0 });
    const operating = createOperatingTime(clock);
    const aMonth = 30 * 86_400_000;
    operating.hold("far", T0 + aMonth);
    operating.hold("past", T0 - 3_600_000);
    expect(operating.busy("past")).toBe(false);
    expect(await timeOfWait(clock, operating.wait("past"))).toBe(0);
    expect(await timeOfWait(clock, operating.wait("far"))).toBe(660_000);

    const paced = createOperatingTime(createFakeClock({ now: T0 }));
    paced.record("m", { operating: 450, operating_reset_at: (T0 + aMonth) / 1000 });
    paced.record("n", { operating: 450, operating_reset_at: (T0 - aMonth) / 1000 });
    expect(paced.busy("m")).toBe(true);
    expect(paced.busy("n")).toBe(false);
  });

  it("rejects a wait at once on abort", async () => {
    const clock = createFakeClock({ now: T0 });
    const operating = createOperatingTime(clock);
    operating.hold("m", T0 + 60_000);
    const controller = new AbortController();
    const wait = operating.wait("m", controller.signal);
    controller.abort("stop");
    await expect(wait).rejects.toBe("stop");
    expect(clock.pendingTimers).toBe(0);
  });
});
