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

/**
 * The portal's 401 for a missing or unknown credential.
 *
 * @example
 * ```ts
 * throw wrongAuthError(); // 401 NO_AUTH_FOUND
 * ```
 */
export function wrongAuthError(): RestError {
  return new RestError(401, "NO_AUTH_FOUND", "Wrong authorization data");
}

/**
 * The portal's 404 for a method it does not know.
 *
 * @example
 * ```ts
 * if (findMethod(name) === undefined) throw methodNotFoundError(); // 404 ERROR_METHOD_NOT_FOUND
 * ```
 */
export function methodNotFoundError(): RestError {
  return new RestError(404, "ERROR_METHOD_NOT_FOUND", "Method not found!");
}
