import { createSignalGroup } from "../async/abort.js";
import { type Clock, stopwatchOf, type TimerHandle } from "../async/clock.js";
import { type DueEntry, DueQueue } from "../async/due-queue.js";
import { notify } from "../async/notify.js";
import { onAbort } from "../async/on-abort.js";
import { BATCH_LIMIT, type BatchOutcome } from "../protocol/batch.js";
import { type DialogIdInput, formatDialogId, toDialogId } from "../protocol/dialog-id.js";
import { B24Error, ProtocolError } from "../protocol/errors.js";
import type { MethodCall } from "../protocol/methods.js";
import { isFunction, MAX_DELAY_MS, need } from "../protocol/option-check.js";
import type { TypingClaim, TypingCoordinator } from "./coordinator.js";
import { createDefaultReporter, type TypingReporter } from "./default-reporter.js";
import { createFleetArbiter, type FleetArbiter } from "./fleet.js";
import { typingCall, typingFleetKey, typingScheduleKey } from "./identity.js";
import { Lease, type LeaseOwner, type TypingLease } from "./lease.js";
import {
  DEFAULT_TYPING_OPTIONS,
  type ResolvedTypingOptions,
  resolveTypingOptions,
  type TypingIdentity,
  type TypingOptions,
} from "./options.js";
import { defaultSendTimeoutMs } from "./timing.js";

/**
 * Sends one round of typing calls — at most {@link BATCH_LIMIT}, as one `batch` request —
 * through the client's rate limiter and retry policy, and answers one outcome per call in
 * the same order. A rejection counts as that error for every call. `signal` aborts when the
 * scheduler closes; the send must settle within `timeoutMs` (the round's `sendTimeoutMs`),
 * waits included, rejecting with a `TimeoutError` past it.
 *
 * @example
 * ```ts
 * const send: TypingSender = (calls, { signal, timeoutMs }) =>
 *   batchOutcomes(calls, { signal, deadlineMs: timeoutMs });
 * ```
 */
export type TypingSender = (
  calls: MethodCall[],
  options: { signal: AbortSignal; timeoutMs: number },
) => Promise<BatchOutcome[]>;

/**
 * Keeps typing indicators alive for many dialogs with one timer and as few requests as the
 * portal allows. See {@link createTypingScheduler}.
 *
 * @example
 * ```ts
 * const lease = scheduler.lease("chat5", { refreshMs: 500 });
 * const answer = await scheduler.whileTyping("chat7", (signal) => generate(signal));
 * scheduler.close();
 * ```
 */
export interface TypingScheduler {
  /** Opens a lease; throws `DialogIdError` or `ConfigError` for bad input, before anything is scheduled. */
  lease(dialogId: DialogIdInput, options?: TypingOptions): TypingLease;
  /** Runs `job` with a lease open; settles exactly as the job does and always releases the lease. */
  whileTyping<T>(
    dialogId: DialogIdInput,
    job: (signal: AbortSignal) => Promise<T>,
    options?: TypingOptions,
  ): Promise<T>;
  /** Ends every lease and aborts in-flight sends and the signals of `whileTyping` jobs with `reason`. */
  close(reason?: unknown): void;
  /**
   * Resolves once the coordinator's calls are done — after `close()`, the `leave` of every
   * schedule it ended; each is bounded by a 2 s deadline. At once without a coordinator.
   */
  idle(): Promise<void>;
}

/**
 * A fleet the scheduler shares its schedules with: the coordinator, and who "user" is in the
 * fleet's schedule keys (`"user:1"` for webhook user 1, `"user:oauth"` for an OAuth client).
 *
 * @example
 * ```ts
 * const fleet: TypingFleet = { coordinator: createMemoryTypingCoordinator(), user: "user:1" };
 * ```
 */
export interface TypingFleet {
  coordinator: TypingCoordinator;
  user: string;
}

/** One (identity, dialog) typing schedule, shared by every lease on it. `due` is its next event. */
interface Schedule extends DueEntry {
  readonly key: string;
  readonly dialogId: string;
  /** Who types, as the first lease said; a v2 bot's status can change later. */
  identity: TypingIdentity;
  call: MethodCall;
  readonly refreshMs: number;
  readonly sendTimeoutMs: number;
  /** Whether the first event went out; until then the schedule is never sent early. */
  started: boolean;
  /** Whether a round holding it is out; it is then off the queue, so never sent twice at once. */
  sending: boolean;
  readonly leases: Lease<Schedule>[];
}

/** Typing events on their way to the server (with a coordinator, first to the fleet's claim). */
interface Round {
  /** With a coordinator, cut to the schedules the fleet granted once it answered. */
  readonly schedules: Schedule[];
  /** Settles (never rejects) once the send did and its outcomes were reported. */
  readonly sent: Promise<void>;
}

// A refresh may go out this fraction of its interval early to share a batch with refreshes
// due a little earlier. It then stays in that batch's phase, so dialogs leased at scattered
// moments converge into full batches instead of one request each (with the default 20 s
// interval: up to 2 s early, well inside the indicator's 35 s life). First events are never
// early: a lease stopped before `initialDelayMs` must send nothing.
const EARLY_FRACTION = 0.1;

// While a round is out the next waits for it, so refreshes falling due meanwhile share one
// batch. A round out this long — or a quarter of its sendTimeoutMs, if that is shorter — is
// presumed slow or hung and no longer holds the next one (it ends by itself at its
// sendTimeoutMs); at most MAX_ROUNDS_IN_FLIGHT are out at once.
const ROUND_STALL_MS = 2_000;
const MAX_ROUNDS_IN_FLIGHT = 4;

// With a coordinator a client has one round out at a time: a round out long is usually one
// waiting for the fleet's shared rate limit, and claiming more meanwhile would hold refreshes
// this client cannot send soon while other processes could. The fleet covers a hung one.
const FLEET_ROUNDS_IN_FLIGHT = 1;
// The soonest a schedule the fleet did not grant is asked about again: a coordinator answering
// "due now" without granting cannot make the scheduler spin.
const MIN_RECHECK_MS = 10;

/**
 * Makes the typing scheduler a client runs `typing()` and `whileTyping()` on.
 *
 * - One schedule per (identity, dialog); leases on it share it, and it runs while any is open.
 *   Its timing (`refreshMs`, `as`) is the first lease's; a later lease can only bring an
 *   unsent first event forward.
 * - The first event goes out at `initialDelayMs`, then one every `refreshMs`.
 * - Everything due goes out in sends of at most {@link BATCH_LIMIT} calls. The next send
 *   waits until the one out settled, so refreshes falling due meanwhile share its batch —
 *   unless that one is out longer than 2 s or a quarter of its `sendTimeoutMs` (slow or
 *   hung). Up to 4 sends are out at once, never two holding the same dialog, and each must
 *   end within its `sendTimeoutMs`. Refreshes due within a tenth of their interval join the
 *   same send.
 * - At the portal's capacity (more dialogs than its drain × 50 commands × `refreshMs`), sends
 *   go out as fast as the rate limiter lets them, most overdue dialogs first: every dialog's
 *   refresh stretches evenly to dialogs ÷ (drain × 50) — about 30 s for 3,000 dialogs on a
 *   standard portal (2 requests/s), still inside the indicator's 35 s life.
 * - One pending timer for the whole scheduler, however many leases are open.
 * - A lease ends at `maxDurationMs`, reported once through its `onError` as a `B24Error` with
 *   code `TYPING_MAX_DURATION`.
 * - A failed call is reported through `onError` (once per distinct handler of the schedule's
 *   leases). A permanent error (`retryable === false`: access, validation, auth that cannot
 *   be refreshed, a moved portal) ends that schedule and all its leases; a transient one is retried at the next
 *   refresh, and so is an answer that is no envelope (`ProtocolError`: cut JSON, a proxy's
 *   page), which says nothing about the dialog. An `onError` that throws is ignored. Nothing
 *   rejects the caller.
 *
 * `defaults` are checked here (a bad value throws `ConfigError` naming it, e.g.
 * `"typing.refreshMs"`); a lease's options replace them key by key.
 *
 * @example
 * ```ts
 * const scheduler = createTypingScheduler({
 *   clock,
 *   send: (calls, signal) => batchOutcomes(calls, signal), // through the client's limiter
 *   defaults: { refreshMs: 15_000 },
 * });
 * const lease = scheduler.lease("chat5");
 * lease.stop();
 * ```
 */
export function createTypingScheduler(o: {
  clock: Clock;
  send: TypingSender;
  defaults?: TypingOptions;
  /**
   * Whether the sender refreshes expired OAuth tokens: then an `expired_token` (a token that
   * expired while a batch ran) is transient — the next send refreshes it — not the end.
   */
  refreshesTokens?: boolean;
  /** What reports a failure of a lease without `onError`; default a console warning. */
  report?: TypingReporter;
  /**
   * Shares every schedule with the other processes of a fleet (see `TypingCoordinator`).
   * Without it nothing of the fleet's runs and nothing is paid.
   */
  fleet?: TypingFleet | undefined;
}): TypingScheduler {
  const { clock, send, refreshesTokens = false } = o;
  const report = o.report ?? createDefaultReporter();
  // Due times and deadlines are stopwatch readings: a step of the wall clock moves none of them.
  const elapsed = stopwatchOf(clock);
  const defaults = resolveTypingOptions(DEFAULT_TYPING_OPTIONS, o.defaults);
  const schedulesByKey = new Map<string, Schedule>();
  const refreshes = new DueQueue<Schedule>();
  const deadlines = new DueQueue<Lease<Schedule>>();
  // The signals of in-flight sends and whileTyping jobs; close() aborts them all at once.
  const tasks = createSignalGroup();
  let timer: TimerHandle | undefined;
  let timerAt = Number.POSITIVE_INFINITY;
  // The rounds on their way to the server, and when the latest of them left.
  const inFlight = new Set<Round>();
  // When the latest round out stops holding the next one.
  let stalledAt = Number.NEGATIVE_INFINITY;
  const fleet = o.fleet && createFleetArbiter({ coordinator: o.fleet.coordinator, clock });
  const fleetUser = o.fleet?.user ?? "";
  const maxRounds = fleet ? FLEET_ROUNDS_IN_FLIGHT : MAX_ROUNDS_IN_FLIGHT;
  // With a coordinator: schedules whose next event goes out whatever the fleet sent (a v2
  // bot's new status). A set beside the schedules, so that without one they carry nothing.
  const forced = new Set<Schedule>();
  const fleetKey = (schedule: Schedule) =>
    typingFleetKey(schedule.dialogId, schedule.identity, fleetUser);

  const owner: LeaseOwner<Schedule> = { release, setStatus, settled };

  function setStatus(lease: Lease<Schedule>, statusMessageCode: string | undefined): void {
    const schedule = lease.schedule;
    if (schedule === undefined) return;
    // Lease.setStatus lets only a v2 bot's lease through; this narrows the type.
    const identity = schedule.identity;
    if (identity === "user" || !("v2" in identity)) return;
    if (identity.statusMessageCode === statusMessageCode) return;
    const { statusMessageCode: _old, ...rest } = identity;
    schedule.identity = statusMessageCode === undefined ? rest : { ...rest, statusMessageCode };
    schedule.call = typingCall(schedule.dialogId, schedule.identity, schedule.refreshMs);
    // Shown at once: a started schedule's next event becomes due now (a round still out with
    // the old status goes first). An unsent first event keeps its initialDelayMs and simply
    // carries the new status.
    if (schedule.started) {
      schedule.due = elapsed();
      if (fleet) forced.add(schedule);
      if (!schedule.sending) refreshes.push(schedule);
      arm();
    }
  }

  function settled(lease: Lease<Schedule>): Promise<void> {
    const key = typingScheduleKey(lease.dialogId, lease.options.as);
    const sends = [...inFlight]
      .filter(({ schedules }) => schedules.some((schedule) => schedule.key === key))
      .map(({ sent }) => sent);
    return Promise.all(sends).then(() => undefined);
  }

  function release(lease: Lease<Schedule>): void {
    deadlines.remove(lease);
    lease.stopListening?.();
    lease.stopListening = undefined;
    const schedule = lease.schedule;
    if (schedule === undefined) return;
    lease.schedule = undefined;
    const leases = schedule.leases;
    const index = leases.indexOf(lease);
    leases[index] = leases[leases.length - 1] as Lease<Schedule>;
    leases.pop();
    if (leases.length === 0) {
      refreshes.remove(schedule);
      schedulesByKey.delete(schedule.key);
      if (fleet) {
        forced.delete(schedule);
        fleet.leave(fleetKey(schedule));
      }
    }
    arm();
  }

  function open(dialogIdInput: DialogIdInput, options: TypingOptions | undefined): Lease<Schedule> {
    const dialogId = formatDialogId(toDialogId(dialogIdInput));
    const resolved = resolveTypingOptions(defaults, options);
    const signal = resolved.signal;
    if (tasks.aborted || signal?.aborted) return new Lease(dialogId, resolved, undefined);
    const now = elapsed();
    const lease = new Lease(dialogId, resolved, owner);
    join(lease, now);
    if (resolved.maxDurationMs !== Number.POSITIVE_INFINITY) {
      lease.due = now + resolved.maxDurationMs;
      deadlines.push(lease);
    }
    if (signal !== undefined) lease.stopListening = onAbort(signal, () => lease.stop());
    arm();
    return lease;
  }

  // Puts the lease on its (identity, dialog) schedule, making the schedule if it is the first.
  function join(lease: Lease<Schedule>, now: number): void {
    const { as, initialDelayMs, refreshMs } = lease.options;
    const key = typingScheduleKey(lease.dialogId, as);
    const firstEventAt = now + initialDelayMs;
    let schedule = schedulesByKey.get(key);
    if (schedule === undefined) {
      schedule = {
        key,
        dialogId: lease.dialogId,
        identity: as,
        call: typingCall(lease.dialogId, as, refreshMs),
        refreshMs,
        sendTimeoutMs: lease.options.sendTimeoutMs ?? defaultSendTimeoutMs(refreshMs),
        started: false,
        sending: false,
        due: firstEventAt,
        queueIndex: -1,
        // Made with its first lease: an array grown from empty reserves room for 17.
        leases: [lease],
      };
      schedulesByKey.set(key, schedule);
      refreshes.push(schedule);
      // Held from now, not from its first claim: another client's leave meanwhile must not
      // end the fleet's schedule while this lease waits for its first event.
      fleet?.join(
        fleetKey(schedule),
        initialDelayMs + 2 * refreshMs + holdMs(schedule.sendTimeoutMs, refreshMs),
      );
    } else {
      schedule.leases.push(lease);
      if (!schedule.started && firstEventAt < schedule.due) {
        schedule.due = firstEventAt;
        refreshes.push(schedule);
      }
    }
    lease.schedule = schedule;
  }

  // Keeps the one timer pointed at the next thing to do: the first refresh due — while a round
  // is out, no sooner than that round is presumed stalled (its settling starts the next) — or
  // the first lease deadline.
  function arm(): void {
    if (tasks.aborted) return;
    const refreshAt =
      inFlight.size >= maxRounds
        ? Number.POSITIVE_INFINITY
        : Math.max(
            refreshes.peek()?.due ?? Number.POSITIVE_INFINITY,
            inFlight.size > 0 ? stalledAt : Number.NEGATIVE_INFINITY,
          );
    const at = Math.min(refreshAt, deadlines.peek()?.due ?? Number.POSITIVE_INFINITY);
    if (at === timerAt) return;
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = undefined;
    timerAt = at;
    if (at === Number.POSITIVE_INFINITY) return;
    timer = clock.setTimeout(onTimer, Math.min(Math.max(0, at - elapsed()), MAX_DELAY_MS));
  }

  function onTimer(): void {
    timer = undefined;
    timerAt = Number.POSITIVE_INFINITY;
    expireLeases(elapsed());
    sendDue();
    arm();
  }

  function expireLeases(now: number): void {
    for (
      let lease = deadlines.peek();
      lease !== undefined && lease.due <= now;
      lease = deadlines.peek()
    ) {
      const { maxDurationMs } = lease.options;
      const error = new B24Error(
        `Typing in ${lease.dialogId} stopped after maxDurationMs (${maxDurationMs} ms); stop the lease sooner or raise typing.maxDurationMs`,
        "TYPING_MAX_DURATION",
        false,
      );
      lease.end(error);
      tell([lease], error, true);
    }
  }

  // Starts rounds of due refreshes, at most BATCH_LIMIT calls each, while the rules above let
  // one go: none is out, or the latest is presumed stalled — and fewer than the maximum are.
  // Waiting for the one out also clocks typing by the server's answers: when the portal is
  // slow, requests do not pile up on the wire and reach it bunched, past its bucket.
  function sendDue(): void {
    while (!tasks.aborted && inFlight.size < maxRounds) {
      const now = elapsed();
      if (inFlight.size > 0 && now < stalledAt) return;
      const due = takeDue(now);
      if (due.length === 0) return;
      start(due, now);
    }
  }

  // Takes the refreshes that may go now off the queue, at most BATCH_LIMIT.
  function takeDue(now: number): Schedule[] {
    const round: Schedule[] = [];
    for (
      let next = refreshes.peek();
      next !== undefined && round.length < BATCH_LIMIT;
      next = refreshes.peek()
    ) {
      const earliest = next.started ? next.due - next.refreshMs * EARLY_FRACTION : next.due;
      if (earliest > now) break;
      refreshes.pop();
      round.push(next);
    }
    return round;
  }

  // Sends a round, each of its schedules' next event counted from now — with a coordinator,
  // the part of it the fleet grants this client.
  function start(schedules: Schedule[], now: number): void {
    for (const schedule of schedules) {
      schedule.sending = true;
      schedule.due = now + schedule.refreshMs;
      // With a coordinator, started once the fleet answered (it may have sent the first event).
      if (!fleet) schedule.started = true;
    }
    const timeoutMs = Math.min(...schedules.map((schedule) => schedule.sendTimeoutMs));
    const stallMs = Math.min(ROUND_STALL_MS, timeoutMs / 4);
    stalledAt = now + stallMs;
    const sending = fleet
      ? claimAndSend(fleet, schedules, now, timeoutMs, stallMs)
      : sendRound(schedules, timeoutMs);
    const round: Round = {
      schedules,
      sent: sending.then(() => {
        inFlight.delete(round);
        requeue(schedules);
        sendDue();
        arm();
      }),
    };
    inFlight.add(round);
  }

  // Asks the fleet which of the round's events this client sends, puts the others back on
  // the queue for when the fleet says they fall due, and sends the rest in what is left of the
  // round's time. The claim may take as long as the round holds the next one (`stallMs`: a
  // quarter of its time, 2 s at most); a coordinator that fails or is late is reported once
  // and the whole round goes out anyway.
  async function claimAndSend(
    arbiter: FleetArbiter,
    round: Schedule[],
    startedAt: number,
    timeoutMs: number,
    stallMs: number,
  ): Promise<void> {
    const claims = round.map(
      (schedule): TypingClaim => ({
        key: fleetKey(schedule),
        periodMs: schedule.refreshMs,
        holdMs: holdMs(timeoutMs, schedule.refreshMs),
        earlyMs: schedule.started ? schedule.refreshMs * EARLY_FRACTION : 0,
        force: forced.delete(schedule),
      }),
    );
    const task = tasks.link();
    const { answers, failure } = await arbiter.claim(claims, stallMs, task.signal);
    task.unlink();
    if (tasks.aborted) return;
    // The fleet's failure, not a dialog's: told once, to each handler of the round's leases.
    if (failure)
      tell(
        round.flatMap((schedule) => schedule.leases),
        failure,
        false,
      );
    const now = elapsed();
    let kept = 0;
    round.forEach((schedule, index) => {
      const answer = answers?.[index];
      schedule.started = true;
      if (answer === undefined || answer.send) {
        round[kept++] = schedule;
        return;
      }
      // Another process sends it (or did): ask again when the fleet says it falls due, and at
      // least once a period, which also keeps this client's hold on it alive — at once if its
      // status changed meanwhile (setStatus while the fleet was asked).
      schedule.sending = false;
      schedule.due = forced.has(schedule)
        ? now
        : now + Math.min(Math.max(answer.dueInMs, MIN_RECHECK_MS), schedule.refreshMs);
      if (schedulesByKey.get(schedule.key) === schedule) refreshes.push(schedule);
    });
    round.length = kept;
    if (kept < claims.length) arm();
    if (kept > 0) await sendRound(round, timeoutMs - (now - startedAt));
  }

  // Puts a settled round's schedules back on the queue, unless their leases ended meanwhile.
  function requeue(round: Schedule[]): void {
    for (const schedule of round) {
      schedule.sending = false;
      if (!tasks.aborted && schedulesByKey.get(schedule.key) === schedule) refreshes.push(schedule);
    }
  }

  async function sendRound(round: Schedule[], timeoutMs: number): Promise<void> {
    let outcomes: BatchOutcome[] | undefined;
    let failure: B24Error | undefined;
    const task = tasks.link();
    try {
      outcomes = await send(
        round.map((schedule) => schedule.call),
        { signal: task.signal, timeoutMs },
      );
    } catch (error) {
      failure = asB24Error(error);
    } finally {
      task.unlink();
    }
    if (tasks.aborted) return;
    if (fleet) {
      const sent = (index: number) => !failure && outcomes?.[index]?.status === "fulfilled";
      fleet.settle(
        round.filter((_, index) => sent(index)).map(fleetKey),
        round.filter((_, index) => !sent(index)).map(fleetKey),
      );
    }
    round.forEach((schedule, index) => {
      // A schedule whose leases all ended while the send was out has nothing to report to.
      if (schedulesByKey.get(schedule.key) !== schedule) return;
      const outcome = outcomes?.[index];
      const error = failure ?? (outcome?.status === "rejected" ? outcome.reason : undefined);
      // A skipped or missing outcome means the call did not run: it goes again at the next refresh.
      if (error !== undefined) fail(schedule, error);
    });
  }

  // Tells the leases' handlers about `error`, each distinct one once; leases without one go to
  // the reporter — each of them (a dialog's failure), or only the first (the fleet's).
  function tell(leases: readonly Lease<Schedule>[], error: B24Error, everyLease: boolean): void {
    const notified: Array<NonNullable<ResolvedTypingOptions["onError"]>> = [];
    let reported = false;
    for (const lease of leases) {
      const onError = lease.options.onError;
      if (onError === undefined) {
        if (everyLease || !reported) report(lease, error);
        reported = true;
      } else if (!notified.includes(onError)) {
        notified.push(onError);
        notify(onError, error, lease.dialogId);
      }
    }
  }

  function fail(schedule: Schedule, error: B24Error): void {
    const leases = schedule.leases.slice();
    tell(leases, error, true);
    // A garbled answer is not retried by the client (the request may have run), and a token
    // that expired while a batch ran is refreshed by the next send: neither is a reason to
    // stop typing.
    const refreshable = refreshesTokens && /^expired_token$/i.test(error.code);
    const permanent = !error.retryable && !(error instanceof ProtocolError) && !refreshable;
    if (permanent) for (const lease of leases) lease.end(error);
  }

  async function whileTyping<T>(
    dialogId: DialogIdInput,
    job: (signal: AbortSignal) => Promise<T>,
    options?: TypingOptions,
  ): Promise<T> {
    need(isFunction(job), "job", "a function (signal) => Promise: the work to type through", job);
    const lease = open(dialogId, options);
    const linked = tasks.link(lease.options.signal);
    try {
      if (linked.signal.aborted) throw linked.signal.reason;
      return await job(linked.signal);
    } finally {
      linked.unlink();
      lease.stop();
    }
  }

  function close(reason?: unknown): void {
    if (tasks.aborted) return;
    tasks.abortAll(reason);
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = undefined;
    for (const schedule of [...schedulesByKey.values()]) {
      for (const lease of schedule.leases.slice()) lease.stop();
    }
  }

  return { lease: open, whileTyping, close, idle: async () => fleet?.idle() };
}

// How long the fleet waits for a claimed event before any process may send it: the send's own
// time limit (past it the claimer gives up), at most a period — a dead claimer is replaced
// within one.
function holdMs(sendTimeoutMs: number, refreshMs: number): number {
  return Math.min(sendTimeoutMs, refreshMs);
}

function asB24Error(error: unknown): B24Error {
  if (error instanceof B24Error) return error;
  return new B24Error("Sending typing events failed", "TYPING_SEND_FAILED", true, { cause: error });
}
