const encoder = new TextEncoder();

/**
 * Compares a token someone sent with the expected one in time that does not depend on where
 * they first differ, so an attacker cannot find the token a character at a time by timing
 * answers. (Only the given token's length can show, which tells nothing of the expected
 * one.) Works in every runtime: no `node:crypto`.
 *
 * @example
 * ```ts
 * sameSecret(form.auth.application_token, options.applicationToken); // true or false
 * ```
 */
export function sameSecret(given: string, expected: string): boolean {
  const a = encoder.encode(given);
  const b = encoder.encode(expected);
  let difference = a.length ^ b.length;
  for (let i = 0; i < b.length; i++) {
    difference |= (a.length > 0 ? (a[i % a.length] as number) : 0) ^ (b[i] as number);
  }
  return difference === 0 && b.length > 0;
}
