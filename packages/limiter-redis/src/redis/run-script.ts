import type { ScriptClient } from "../adapters/script-client.js";

/**
 * Runs a script by its SHA-1 (`EVALSHA`: only 40 bytes on the wire) and, when the server
 * does not have it cached (`NOSCRIPT`: first use, a restarted or failed-over Redis, `SCRIPT
 * FLUSH`), by its text (`EVAL`, which caches it again). Any other error is the caller's.
 *
 * @example
 * ```ts
 * const reply = await runScript(scripts, { text: BUCKET_SCRIPT, sha: BUCKET_SCRIPT_SHA }, [key], args);
 * ```
 */
export async function runScript(
  client: ScriptClient,
  script: { text: string; sha: string },
  keys: string[],
  args: string[],
): Promise<unknown> {
  try {
    return await client.evalSha(script.sha, keys, args);
  } catch (error) {
    if (!isNoScript(error)) throw error;
    return client.eval(script.text, keys, args);
  }
}

/**
 * Whether `error` is the server's `NOSCRIPT` reply, as either client reports it.
 *
 * @example
 * ```ts
 * isNoScript(new Error("NOSCRIPT No matching script. Please use EVAL.")); // true
 * ```
 */
export function isNoScript(error: unknown): boolean {
  return error instanceof Error && /^NOSCRIPT\b/.test(error.message);
}
