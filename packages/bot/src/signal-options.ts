import { isAbortSignal, isObject, need } from "@b24im/core";

/**
 * Checks the options object of a bot method that takes `{ signal }` (and maybe more): an
 * object, with an `AbortSignal` or no `signal`. Returns it, or `{}` when none was given; a bad
 * one throws `ConfigError` naming it.
 *
 * @example
 * ```ts
 * const { signal } = checkSignalOptions(options);
 * ```
 */
export function checkSignalOptions<T extends { signal?: AbortSignal | undefined }>(
  options: T | undefined,
): Partial<T> {
  if (options === undefined) return {};
  need(isObject(options), "options", "an object such as { signal }", options);
  need(
    options.signal === undefined || isAbortSignal(options.signal),
    "signal",
    "an AbortSignal",
    options.signal,
  );
  return options;
}
