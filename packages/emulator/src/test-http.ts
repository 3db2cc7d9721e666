/**
 * A decoded JSON answer of the emulator (for tests).
 *
 * @example
 * ```ts
 * const url = `${emulator.webhookUrl()}im.dialog.writing`;
 * const answer: JsonAnswer = await postJson(url, { DIALOG_ID: "chat1" });
 * answer.status; // 200
 * answer.body.result; // true
 * ```
 */
export interface JsonAnswer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary envelopes.
  body: any;
}

/**
 * POSTs `params` as JSON to `url` (a method URL) and decodes the answer; test helper.
 *
 * @example
 * ```ts
 * const { status, body } = await postJson(`${emulator.webhookUrl()}server.time`, {});
 * ```
 */
export function postJson(url: string, params: unknown = {}): Promise<JsonAnswer> {
  return postRaw(url, "application/json", JSON.stringify(params));
}

/**
 * Sends a raw body with a given content type and decodes the JSON answer; test helper.
 *
 * @example
 * ```ts
 * await postRaw(url, "application/x-www-form-urlencoded", "DIALOG_ID=chat1");
 * ```
 */
export async function postRaw(url: string, contentType: string, body: string): Promise<JsonAnswer> {
  const answer = await fetch(url, {
    method: "POST",
    headers: { "content-type": contentType },
    body,
  });
  return { status: answer.status, headers: answer.headers, body: await answer.json() };
}
