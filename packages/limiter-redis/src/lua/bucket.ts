/**
 * The shared bucket: one Lua script, run atomically by Redis on its own clock.
 *
 * The bucket is kept as the portal's leaky bucket in "virtual scheduling" form: one number,
 * `t`, the moment (Redis time) at which the bucket would be empty if nothing more were
 * sent. Its level at time `now` is `(t - now) / interval` requests. A reservation adds one
 * request (`t += interval`) and tells the caller how long to wait so that, when its
 * request arrives, the bucket holds at most `window` (the bucket minus the safety margin).
 * Reservations stack: a caller learns its wait at once, so nobody polls.
 *
 * Every time is a whole number of microseconds: epoch µs (~1.7e15) are exact in Lua's
 * doubles (up to 2^53), so the script never rounds; the caller rounds the drain interval
 * and the margin up, which errs on the safe side by at most 1 µs a request.
 *
 * KEYS[1]  the bucket: a hash { t = empty-at, s = last TIME seen, e = generation }
 * ARGV[1]  "take" | "refund" | "fill"
 * ARGV[2]  intervalUs  — one request's drain: 10^6 / drainPerSecond, rounded up
 * ARGV[3]  fullUs      — a full bucket's backlog: bucketSize * intervalUs
 * ARGV[4]  windowUs    — the backlog a request may arrive into: fullUs - safety margin
 * ARGV[5]  retentionMs — how long a drained bucket's key is kept
 * ARGV[6]  floorUs     — take, fill: the latest `t` the caller saw ("0": none);
 *                        refund: the `t` its reservation answered
 * ARGV[7]  generation  — the generation that floor (or the refunded reservation) belongs to
 * ARGV[8]  maxWaitUs   — take only: make no reservation that would wait longer ("": no limit)
 *
 * Returns { granted "1"|"0", waitUs, t, generation }, all as text.
 *   take:   "1": one request may be sent after waitUs (reserved); "0": the wait would
 *           exceed maxWaitUs, nothing was reserved, and waitUs is the wait it would take.
 *   refund: "1": the reservation was given back. Only the latest reservation can be: a
 *           later one was told its wait counting the earlier one, so its slot stays taken.
 *   fill:   "1"; the bucket is now at least full.
 *
 * A missing key (first use, a restarted or failed-over Redis, an evicted key) starts FULL:
 * nobody knows what the portal's bucket holds, and a fleet that has just lost its state
 * must not send a burst into a bucket that may be full. The caller's floor lifts it further
 * by the reservations that were granted before the key was lost. The generation changes
 * whenever the ledger is replaced (seeded or filled), so a refund of a reservation the new
 * ledger does not hold is ignored, and a caller's floor from an older generation applies.
 *
 * @example
 * ```ts
 * await scripts.evalSha(BUCKET_SCRIPT_SHA, [key], scriptArgs({ op: "take", shape, retentionMs, floorUs: "0", generation: "" }));
 * ```
 */
export const BUCKET_SCRIPT = `
local key = KEYS[1]
local op = ARGV[1]
local interval = tonumber(ARGV[2])
local full = tonumber(ARGV[3])
local window = tonumber(ARGV[4])
local retention = tonumber(ARGV[5])
local floor = tonumber(ARGV[6])
local callerGeneration = ARGV[7]
local maxWait = tonumber(ARGV[8])

-- Redis before 7 needs this to write after reading TIME; Redis 7 always replicates effects.
if redis.replicate_commands then pcall(redis.replicate_commands) end
local clock = redis.call("TIME")
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])

local function text(x) return string.format("%.0f", x) end

local stored = redis.call("HMGET", key, "t", "s", "e")
local t = tonumber(stored[1])
local seen = tonumber(stored[2])
local generation = stored[3]
-- A hash without its generation (written by hand, say) is kept but cannot match a refund.
if t ~= nil and not generation then generation = "?" end

if t ~= nil and seen ~= nil and now < seen then
  -- Redis's clock stepped back (a failover, an NTP step): keep the backlog as it was.
  t = t - (seen - now)
end

local granted = "1"
local wait = 0
if op == "refund" then
  -- Only the latest reservation of the current ledger can be given back: a later one was
  -- told its wait counting this one, and a new one would be placed on top of that later
  -- one's slot. A lost key stays lost.
  if t == nil or generation ~= callerGeneration or t ~= floor then
    return { "0", "0", t and text(t) or "0", generation or "" }
  end
  t = t - interval
else
  if t == nil then
    t = now + full
    generation = text(now)
  end
  if floor > t and callerGeneration ~= generation then t = floor end
  if op == "take" then
    local slot = math.max(t, now) + interval
    wait = math.max(0, slot - window - now)
    if maxWait ~= nil and wait > maxWait then granted = "0" else t = slot end
  elseif now + full > t then
    -- fill: the portal refused a request, so its bucket is full now.
    t = now + full
    generation = text(now)
  end
end

redis.call("HSET", key, "t", text(t), "s", text(now), "e", generation)
redis.call("PEXPIRE", key, math.ceil(math.max(0, t - now) / 1000) + retention)
return { granted, text(wait), text(t), generation }
`;

/**
 * The expression that reads Redis's clock: tests replace it to run the script on a fake one.
 *
 * @example
 * ```ts
 * const onFakeClock = BUCKET_SCRIPT.replace(CLOCK_READ, "{ ARGV[9], ARGV[10] }");
 * ```
 */
export const CLOCK_READ = 'redis.call("TIME")';

/**
 * SHA-1 of {@link BUCKET_SCRIPT}, for `EVALSHA`; a test checks it against the script.
 *
 * @example
 * ```ts
 * await admin.scriptExists(BUCKET_SCRIPT_SHA); // [1] once a limiter has run it
 * ```
 */
export const BUCKET_SCRIPT_SHA = "b9db610523138d8425b99c8fdd4f1fc42039ea5d";
