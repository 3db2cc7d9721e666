/**
 * Runs `run`, expects it to throw an instance of `errorClass` synchronously, and returns that
 * error for further assertions. Fails the test if nothing or something else is thrown.
 *
 * @example
 * ```ts
 * const error = thrown(ConfigError, () => parseWebhookUrl("ftp://x"));
 * expect(error.option).toBe("webhook");
 * ```
 */
export function thrown<E extends Error>(
  errorClass: abstract new (...args: never[]) => E,
  run: () => unknown,
): E {
  try {
    run();
  } catch (error) {
    if (error instanceof errorClass) return error;
    throw new Error(`expected a ${errorClass.name}, got ${String(error)}`);
  }
  throw new Error(`expected a ${errorClass.name}, but nothing was thrown`);
}
