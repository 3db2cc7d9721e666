/**
 * The fleet's typing schedules: four Lua scripts, one per operation of core's
 * `TypingCoordinator` contract, each atomic and on Redis's clock (`TIME`, in ms). Every key a
 * script touches is in `KEYS[]`: one hash per schedule, all named `{<coordinator key>}:<schedule
 * key>` so that on a Redis Cluster they share one slot and a call of up to 50 schedules runs
 * on one node.
 *
 * A schedule's hash:
 *   d        when it falls due (epoch ms, Redis's clock); absent: never claimed
 *   c        the holder whose claim is unsettled; absent once settled
 *   a, p     that claim's time and period: a sent event falls due again at a + p
 *   h:<id>   until when holder <id> holds it (epoch ms)
 * The key expires with its last hold (`PEXPIRE`), so a fleet that died leaves nothing behind.
 * Its due time never lies past its holds, so an expired key means what a present one would:
 * nobody holds it and it is due.
 *
 * Numbers are whole ms (the caller rounds), exact in Lua's doubles; written with "%.0f".
 */

// Shared by the scripts that read the clock and write holds. Redis before 7 needs
// replicate_commands to write after reading TIME; Redis 7 always replicates effects.
const PRELUDE = `
if redis.replicate_commands then pcall(redis.replicate_commands) end
local clock = redis.call("TIME")
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local holder = ARGV[1]
local function text(x) return string.format("%.0f", x) end
-- A hold only ever lengthens; the key lives at least as long as its longest hold.
local function hold(key, untilMs)
  local field = "h:" .. holder
  local current = tonumber(redis.call("HGET", key, field))
  if current == nil or current < untilMs then redis.call("HSET", key, field, text(untilMs)) end
  local life = untilMs - now
  if redis.call("PTTL", key) < life then redis.call("PEXPIRE", key, life) end
end
-- Drops the holds that ran out; answers whether one is left.
local function purge(key)
  local fields = redis.call("HGETALL", key)
  local held = false
  local expired = {}
  for i = 1, #fields, 2 do
    if string.sub(fields[i], 1, 2) == "h:" then
      if tonumber(fields[i + 1]) > now then held = true else expired[#expired + 1] = fields[i] end
    end
  end
  if #expired > 0 then redis.call("HDEL", key, unpack(expired)) end
  return held
end
`;

// Marked pure, so that a bundle using only the rate limiter leaves the scripts out.
function withPrelude(body: string): string {
  return PRELUDE + body;
}

/**
 * `join`: the holder holds each schedule from now on.
 *
 * @example
 * ```ts
 * await runScript(scripts, TYPING_SCRIPTS.join, ["{b24im:typing:x}:user:1:chat5"], ["w1", "50000"]);
 * ```
 *
 *
 * KEYS[i]      schedule i
 * ARGV[1]      holder id
 * ARGV[1 + i]  how long it holds schedule i, in ms
 * Returns the number of schedules.
 */
export const JOIN_SCRIPT = /* @__PURE__ */ withPrelude(`
for i, key in ipairs(KEYS) do hold(key, now + tonumber(ARGV[1 + i])) end
return #KEYS
`);

/**
 * `claim`: which of the due events the holder sends now, and when the others fall due.
 *
 * @example
 * ```ts
 * await runScript(scripts, TYPING_SCRIPTS.claim, [schedule], ["w1", "20000", "10000", "2000", "0"]);
 * // [1, 0]: w1 sends it
 * ```
 *
 *
 * KEYS[i]  schedule i
 * ARGV[1]  holder id
 * ARGV[4i - 2 .. 4i + 1]  for schedule i: periodMs, holdMs, earlyMs, force ("1" or "0")
 * Returns, per schedule: send (1 or 0), then dueInMs (0 when sending).
 */
export const CLAIM_SCRIPT = /* @__PURE__ */ withPrelude(`
local answers = {}
for i, key in ipairs(KEYS) do
  local at = 4 * (i - 1) + 1
  local period = tonumber(ARGV[at + 1])
  local holdMs = tonumber(ARGV[at + 2])
  local early = tonumber(ARGV[at + 3])
  hold(key, now + 2 * period + holdMs)
  local state = redis.call("HMGET", key, "d", "c")
  local due = tonumber(state[1])
  -- Someone else's unsettled claim is never taken early: its event may be on its way.
  local slack = early
  if state[2] then slack = 0 end
  if ARGV[at + 4] == "1" or due == nil or due - now <= slack then
    redis.call("HSET", key, "d", text(now + holdMs), "a", text(now), "c", holder, "p", text(period))
    purge(key)
    answers[#answers + 1] = 1
    answers[#answers + 1] = 0
  else
    answers[#answers + 1] = 0
    answers[#answers + 1] = due - now
  end
end
return answers
`);

/**
 * `settle`: ends the holder's claims; a sent event falls due a period after its claim, a
 * failed one stays due at the end of its hold.
 *
 * @example
 * ```ts
 * await runScript(scripts, TYPING_SCRIPTS.settle, [sent, failed], ["w1", "1", "0"]);
 * ```
 *
 *
 * KEYS[i]      schedule i
 * ARGV[1]      holder id
 * ARGV[1 + i]  "1": schedule i's event was sent; "0": it was not
 * Returns the number of claims it ended.
 */
export const SETTLE_SCRIPT = `
local holder = ARGV[1]
local ended = 0
for i, key in ipairs(KEYS) do
  local state = redis.call("HMGET", key, "c", "a", "p")
  if state[1] == holder then
    if ARGV[1 + i] == "1" then
      redis.call("HSET", key, "d", string.format("%.0f", tonumber(state[2]) + tonumber(state[3])))
    end
    redis.call("HDEL", key, "c")
    ended = ended + 1
  end
end
return ended
`;

/**
 * `leave`: the holder's holds end; a schedule with no unexpired hold left ends (is deleted).
 *
 * @example
 * ```ts
 * await runScript(scripts, TYPING_SCRIPTS.leave, [schedule], ["w1"]); // 1: it ended
 * ```
 *
 *
 * KEYS[i]  schedule i
 * ARGV[1]  holder id
 * Returns the number of schedules that ended.
 */
export const LEAVE_SCRIPT = /* @__PURE__ */ withPrelude(`
local ended = 0
for _, key in ipairs(KEYS) do
  redis.call("HDEL", key, "h:" .. holder)
  if not purge(key) then ended = ended + redis.call("DEL", key) end
end
return ended
`);

/**
 * Each script with the SHA-1 `EVALSHA` sends; a test checks them against the text.
 *
 * @example
 * ```ts
 * await runScript(scripts, TYPING_SCRIPTS.claim, keys, args); // EVALSHA, EVAL on NOSCRIPT
 * ```
 */
export const TYPING_SCRIPTS = {
  join: { text: JOIN_SCRIPT, sha: "1627b50ab199c6276b427ce7962501d0b5e5ad94" },
  claim: { text: CLAIM_SCRIPT, sha: "70c16edbc375e943e55f796d7815e5fb1b09049f" },
  settle: { text: SETTLE_SCRIPT, sha: "296978228db30b5535c378a09b906c0eec2ab22b" },
  leave: { text: LEAVE_SCRIPT, sha: "f6864330f4b99d438b6d020ff2a5261e2f2d0870" },
} as const;
