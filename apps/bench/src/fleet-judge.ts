import type { EmulatorCounters, TypingStat } from "@b24im/emulator";
import type { FleetWorkerReport } from "./fleet-protocol.js";
import { lapsesOf, linesOf } from "./recipient-view.js";
import { tally } from "./stats.js";
import type { Expiry } from "./typing-expiries.js";

/**
 * What one fleet run recorded, as the judge reads it. All times are epoch ms.
 *
 * @example
 * ```ts
 * const run = summarizeFleetRun({ name: "steady", dialogs, senderId: 1, … });
 * ```
 */
export interface FleetRecord {
  name: FleetRun["name"];
  /** The dialogs every worker held a lease on, and the sender whose lines count. */
  dialogs: string[];
  senderId: number;
  /** Each worker's own `writing()` dialog, by worker index. */
  writingDialogs: string[];
  workers: number;
  startedAt: number;
  /** The end of the ramp (first events going out): refresh rates are counted from here. */
  rampEndAt: number;
  /** What happened mid-run (workers killed, Redis killed), when, and when it was over. */
  event: { what: string; at: number; overAt: number } | undefined;
  endedAt: number;
  refreshMs: number;
  ttlMs: number;
  drainPerSecond: number;
  callDeadlineMs: number;
  /** The emulator's recipient view at the end of the ramp and at the end. */
  statsAtRampEnd: TypingStat[];
  statsAtEnd: TypingStat[];
  /** The emulator's counters at the end of the ramp, at the event's end, and at the end. */
  countersAtRampEnd: EmulatorCounters;
  countersAfterEvent: EmulatorCounters | undefined;
  countersAtEnd: EmulatorCounters;
  /** Lines that went out while the fleet typed. */
  expiries: readonly Expiry[];
  /** The reports of the workers that were stopped (killed ones report nothing). */
  reports: FleetWorkerReport[];
}

/**
 * One run of figure 8, summed up.
 *
 * @example
 * ```ts
 * const run: FleetRun = summarizeFleetRun(record);
 * console.log(run.rejected503, run.refreshesPerPeriod.mean, run.lapses);
 * ```
 */
export interface FleetRun {
  name: "steady" | "2 workers killed" | "Redis killed and restarted";
  event?: { what: string; atMs: number; lastedMs: number };
  durationMs: number;
  workers: number;
  workersReporting: number;
  /** Answers of the portal over the whole run. */
  requests: number;
  ok: number;
  rejected503: number;
  /** 503 answers from the end of the event on (Redis back). */
  rejected503AfterEvent?: number;
  /** Requests the portal admitted per second from the end of the ramp. */
  admittedPerSecond: number;
  /** How many of the admitted requests were the workers' own `writing()` calls, and typing. */
  writingRequests: number;
  typingRequests: number;
  /** Typing events per leased dialog per refresh period, from the end of the ramp. */
  refreshesPerPeriod: { mean: number; min: number; max: number };
  /** The longest time between two events of one leased dialog. */
  maxGapMs: number;
  /** Lines that went out while the fleet typed, and in how many dialogs. */
  lapses: number;
  lapsedDialogs: number;
  /** Of those, how many went out within a line's life after the event began. */
  lapsesAfterEvent: number;
  writing: {
    calls: number;
    ok: number;
    failed: Record<string, number>;
    /** Rejections that were no typed error: must be none. */
    untyped: number;
    unsettled: number;
    /** Calls that took longer than their deadline (and a 500 ms grace): must be none. */
    overDeadline: number;
    maxMs: number;
    /** Events the portal showed on a worker's own dialog beyond its successful calls. */
    sentTwice: number;
  };
  typingErrors: Record<string, number>;
  /** Script calls per admitted request, over the workers that reported. */
  redisCallsPerAdmitted: { limiter: number; coordinator: number };
  unhandledRejections: number;
}

const GRACE_MS = 500;

/**
 * Sums up one fleet run from what the emulator and the workers recorded.
 *
 * @example
 * ```ts
 * const run = summarizeFleetRun(record);
 * run.refreshesPerPeriod.mean; // about 1: once per period for the fleet
 * ```
 */
export function summarizeFleetRun(record: FleetRecord): FleetRun {
  const { startedAt, rampEndAt, endedAt, event, refreshMs, ttlMs } = record;
  const atRampEnd = linesOf(record.statsAtRampEnd, record.senderId);
  const atEnd = linesOf(record.statsAtEnd, record.senderId);
  const periods = (endedAt - rampEndAt) / refreshMs;
  const perPeriod = record.dialogs.map(
    (id) => ((atEnd.get(id)?.events ?? 0) - (atRampEnd.get(id)?.events ?? 0)) / periods,
  );
  const maxGapMs = Math.max(0, ...record.dialogs.map((id) => atEnd.get(id)?.maxGapMs ?? 0));

  const lapses = lapsesOf(record.expiries, record);
  const lapsesAfterEvent = event
    ? lapses.filter((e) => e.at >= event.at && e.at <= event.overAt + ttlMs).length
    : 0;

  const failed: Record<string, number> = {};
  const typingErrors: Record<string, number> = {};
  let ok = 0;
  let untyped = 0;
  let overDeadline = 0;
  let maxMs = 0;
  let sentTwice = 0;
  let calls = 0;
  let limiterCalls = 0;
  let coordinatorCalls = 0;
  for (const report of record.reports) {
    let workerOk = 0;
    for (const call of report.calls) {
      calls++;
      const took = call.endedAt - call.startedAt;
      maxMs = Math.max(maxMs, took);
      if (took > record.callDeadlineMs + GRACE_MS) overDeadline++;
      if (call.outcome === "ok") workerOk++;
      else if (call.outcome.startsWith("untyped")) untyped++;
      else tally(failed, call.outcome);
    }
    ok += workerOk;
    const shown = atEnd.get(record.writingDialogs[report.index] ?? "")?.events ?? 0;
    sentTwice += Math.max(0, shown - workerOk);
    for (const [code, count] of Object.entries(report.typingErrors))
      tally(typingErrors, code, count);
    limiterCalls += report.redisCalls.limiter;
    coordinatorCalls += report.redisCalls.coordinator;
  }
  // The workers' own calls, as the portal counted them (killed workers included).
  const writingRequests = record.writingDialogs.reduce(
    (sum, id) => sum + (atEnd.get(id)?.events ?? 0),
    0,
  );
  const end = record.countersAtEnd;
  const windowS = (endedAt - rampEndAt) / 1000;
  // Script calls of the reporting workers, over the requests their share of the fleet made.
  const share = record.reports.length / record.workers;
  const admitted = Math.max(1, end.ok * share);
  return {
    name: record.name,
    ...(event
      ? {
          event: {
            what: event.what,
            atMs: event.at - startedAt,
            lastedMs: event.overAt - event.at,
          },
        }
      : {}),
    durationMs: endedAt - startedAt,
    workers: record.workers,
    workersReporting: record.reports.length,
    requests: end.requests,
    ok: end.ok,
    rejected503: end.rejected503,
    ...(record.countersAfterEvent
      ? { rejected503AfterEvent: end.rejected503 - record.countersAfterEvent.rejected503 }
      : {}),
    admittedPerSecond: (end.ok - record.countersAtRampEnd.ok) / windowS,
    writingRequests,
    typingRequests: end.ok - writingRequests,
    refreshesPerPeriod: {
      mean: perPeriod.reduce((sum, x) => sum + x, 0) / Math.max(1, perPeriod.length),
      min: Math.min(...perPeriod),
      max: Math.max(...perPeriod),
    },
    maxGapMs,
    lapses: lapses.length,
    lapsedDialogs: new Set(lapses.map((e) => e.dialogId)).size,
    lapsesAfterEvent,
    writing: {
      calls,
      ok,
      failed,
      untyped,
      unsettled: record.reports.reduce((sum, r) => sum + r.unsettled, 0),
      overDeadline,
      maxMs,
      sentTwice,
    },
    typingErrors,
    redisCallsPerAdmitted: {
      limiter: limiterCalls / admitted,
      coordinator: coordinatorCalls / admitted,
    },
    unhandledRejections: record.reports.reduce((sum, r) => sum + r.unhandledRejections, 0),
  };
}

/**
 * Above this many events per dialog per period, the fleet sent refreshes more than once.
 *
 * @example
 * ```ts
 * const twice = run.refreshesPerPeriod.mean > MAX_REFRESHES_PER_PERIOD;
 * ```
 */
export const MAX_REFRESHES_PER_PERIOD = 1.2;
/**
 * How far the admitted rate may be from the portal's drain.
 *
 * @example
 * ```ts
 * const ok = Math.abs(admitted - 2) / 2 <= RATE_TOLERANCE;
 * ```
 */
export const RATE_TOLERANCE = 0.05;

/**
 * What went wrong in a run, by the measures; empty when nothing did. Every run: no
 * call lost, sent twice, untyped or past its deadline; no unhandled rejection; the admitted
 * rate within 5 % of the drain; each dialog refreshed about once per period. The steady run
 * and the one with workers killed: no 503 and no lapse. With Redis killed: no 503 once it is
 * back (lapses while it was away are reported, not judged: nothing may be sent without the
 * shared limit).
 *
 * @example
 * ```ts
 * const reasons = fleetProblems(run, 2); // [] when the run passed
 * ```
 */
export function fleetProblems(run: FleetRun, drainPerSecond: number): string[] {
  const reasons: string[] = [];
  const redis = run.name === "Redis killed and restarted";
  const w = run.writing;
  if (!redis && run.rejected503 > 0) reasons.push(`${run.rejected503} answers 503`);
  if (redis && (run.rejected503AfterEvent ?? 0) > 0)
    reasons.push(`${run.rejected503AfterEvent} answers 503 after the restart`);
  const off = Math.abs(run.admittedPerSecond - drainPerSecond) / drainPerSecond;
  if (off > RATE_TOLERANCE)
    reasons.push(
      `admitted ${run.admittedPerSecond.toFixed(2)}/s, not within 5 % of ${drainPerSecond}/s`,
    );
  if (run.refreshesPerPeriod.mean > MAX_REFRESHES_PER_PERIOD)
    reasons.push(`${run.refreshesPerPeriod.mean.toFixed(2)} refreshes per dialog per period`);
  if (!redis && run.lapses > 0)
    reasons.push(`${run.lapses} lapses in ${run.lapsedDialogs} dialogs`);
  if (w.untyped > 0) reasons.push(`${w.untyped} calls failed untyped`);
  if (w.unsettled > 0) reasons.push(`${w.unsettled} calls never settled`);
  if (w.overDeadline > 0) reasons.push(`${w.overDeadline} calls outlived their deadline`);
  if (w.sentTwice > 0) reasons.push(`${w.sentTwice} calls shown more often than they succeeded`);
  if (run.unhandledRejections > 0) reasons.push(`${run.unhandledRejections} unhandled rejections`);
  return reasons.map((reason) => `${run.name}: ${reason}`);
}
