import type { MethodRunner } from "./method-runner.js";
import type { Caller } from "./methods/rest-method.js";
import { type Params, parsePhpQuery } from "./php-query.js";
import { textParam } from "./request-params.js";
import type { TimeEnvelope } from "./time-envelope.js";

const MAX_COMMANDS = 50;
const REFERENCE = /\$result\[([^\]]+)\]((?:\[[^\]]*\])*)/g;
const WHOLE_REFERENCE = new RegExp(`^${REFERENCE.source}$`);

/**
 * The `result` of a batch answer; empty maps are `[]` as PHP's `json_encode` writes them.
 *
 * @example
 * ```ts
 * const envelope: BatchEnvelope = (await runBatch({ cmd: ["server.time"] }, caller, runner)).result;
 * envelope.result; // ["2026-01-01T00:00:00+00:00"]: keys 0..n-1 make a list, as in PHP
 * envelope.result_error; // []
 * ```
 */
export interface BatchEnvelope {
  result: Record<string, unknown> | unknown[];
  result_error: Record<string, unknown> | unknown[];
  result_total: Record<string, unknown> | unknown[];
  result_next: Record<string, unknown> | unknown[];
  result_time: Record<string, unknown> | unknown[];
}

/**
 * Writes a map the way PHP's `json_encode` does: `[]` when empty, a list when its keys are
 * exactly 0..n-1 in order, an object otherwise.
 *
 * @example
 * ```ts
 * phpMap(new Map());                    // []
 * phpMap(new Map([["0", 1], ["1", 2]])); // [1, 2]
 * phpMap(new Map([["a", 1]]));           // { a: 1 }
 * ```
 */
export function phpMap(map: ReadonlyMap<string, unknown>): Record<string, unknown> | unknown[] {
  let index = 0;
  let isList = true;
  for (const key of map.keys()) if (key !== String(index++)) isList = false;
  return isList ? [...map.values()] : Object.fromEntries(map);
}

function lookup(results: ReadonlyMap<string, unknown>, key: string, path: string): unknown {
  let value = results.get(key);
  for (const match of path.matchAll(/\[([^\]]*)\]/g)) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<string, unknown>)[match[1] ?? ""];
  }
  return value;
}

function substitute(value: unknown, results: ReadonlyMap<string, unknown>): unknown {
  if (typeof value === "string") {
    if (!value.includes("$result[")) return value;
    const whole = WHOLE_REFERENCE.exec(value);
    if (whole) return lookup(results, whole[1] ?? "", whole[2] ?? "");
    return value.replace(REFERENCE, (_all, key: string, path: string) => {
      const found = lookup(results, key, path);
      return found === undefined || found === null ? "" : String(found);
    });
  }
  if (typeof value === "object" && value !== null) {
    const out: Params = {};
    for (const [key, inner] of Object.entries(value)) out[key] = substitute(inner, results);
    return out;
  }
  return value;
}

function commandsOf(cmd: unknown): [string, unknown][] {
  if (Array.isArray(cmd)) return cmd.map((command, index) => [String(index), command]);
  if (typeof cmd === "object" && cmd !== null) return Object.entries(cmd);
  return [];
}

/**
 * Runs a `batch` call: up to 50 commands (`method?query` strings, `cmd` as a map or a list),
 * `$result[key][field]` references to earlier results, `halt` stopping at the first error.
 *
 * @example
 * ```ts
 * const { result, commands } = await runBatch(
 *   { halt: 0, cmd: { me: "profile", t: "im.dialog.writing?DIALOG_ID=chat1" } }, caller, runner);
 * ```
 */
export async function runBatch(
  params: Params,
  caller: Caller,
  runner: MethodRunner,
): Promise<{ result: BatchEnvelope; commands: number }> {
  // Only a scalar can say "halt": converting a nested value to a number would walk all of it.
  const halt = params.halt === true || Number(textParam(params.halt)) === 1;
  const commands = commandsOf(params.cmd);
  const results = new Map<string, unknown>();
  const errors = new Map<string, unknown>();
  const times = new Map<string, TimeEnvelope>();
  for (let index = 0; index < commands.length; index++) {
    const [key, command] = commands[index] as [string, unknown];
    const text = textParam(command) ?? "";
    const question = text.indexOf("?");
    const method = question < 0 ? text : text.slice(0, question);
    let error: { error: string | number; error_description: string } | undefined;
    if (index >= MAX_COMMANDS) {
      error = {
        error: "ERROR_BATCH_LENGTH_EXCEEDED",
        error_description: "Max batch length exceeded",
      };
    } else if (method.toLowerCase() === "batch") {
      error = {
        error: "ERROR_BATCH_METHOD_NOT_ALLOWED",
        error_description: "Method is not allowed for batch usage",
      };
    } else {
      const query = question < 0 ? "" : text.slice(question + 1);
      const commandParams = substitute(parsePhpQuery(query), results) as Params;
      const outcome = await runner.run(method, commandParams, caller);
      if (outcome.ok) {
        results.set(key, outcome.result);
        times.set(key, outcome.time);
      } else {
        error = { error: outcome.error.code, error_description: outcome.error.description };
      }
    }
    if (error !== undefined) {
      errors.set(key, error);
      if (halt) break;
    }
  }
  return {
    commands: commands.length,
    result: {
      result: phpMap(results),
      result_error: phpMap(errors),
      result_total: [],
      result_next: [],
      result_time: phpMap(times),
    },
  };
}
