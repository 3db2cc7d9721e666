/**
 * What the limiter needs from a Redis client: run a script by its SHA-1 or by its text.
 * Each supported client gets a small adapter to this shape; nothing else in the package
 * knows which client it was given.
 *
 * @example
 * ```ts
 * const scripts: ScriptClient = ioredisScripts(new Redis());
 * await scripts.eval("return 1", [], []);
 * ```
 */
export interface ScriptClient {
  /** `EVALSHA`: rejects with the server's `NOSCRIPT` error when the script is not cached. */
  evalSha(sha: string, keys: string[], args: string[]): Promise<unknown>;
  /** `EVAL`: runs the script's text (and caches it on the server). */
  eval(script: string, keys: string[], args: string[]): Promise<unknown>;
  /** Passwords found in the client's options: they are removed from every error's text. */
  readonly secrets: readonly string[];
}

/**
 * Passwords a client's options may hold, as plain strings (a `redis://user:pass@host` URL
 * counts with its password), so that an error quoting them can be redacted.
 *
 * @example
 * ```ts
 * passwordsIn("redis://app:s3cr%40t@127.0.0.1:6379", undefined); // ["s3cr%40t", "s3cr@t"]
 * ```
 */
export function passwordsIn(...values: unknown[]): string[] {
  const found: string[] = [];
  for (const value of values) {
    if (typeof value !== "string" || value === "") continue;
    if (!value.includes("://")) {
      found.push(value);
      continue;
    }
    try {
      const url = new URL(value);
      if (url.password) found.push(url.password, decodeURIComponent(url.password));
    } catch {
      // Not a URL after all: nothing to take from it.
    }
  }
  return found;
}
