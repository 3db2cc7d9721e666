/**
 * A REST error the emulator answers with `{"error": code, "error_description": description}`.
 *
 * @example
 * ```ts
 * throw new RestError(403, "ACCESS_ERROR", "You do not have access to this dialog");
 * ```
 */
export class RestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | number,
    readonly description: string,
  ) {
    super(`${code}: ${description}`);
    this.name = "RestError";
  }
}
