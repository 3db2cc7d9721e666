import type { HttpResponse } from "../protocol/http.js";
import { type FakeExchange, jsonResponse } from "./fake-transport.js";

/**
 * A fake portal's answer that every command ran: `true` for each command of a `batch`, and
 * `{"result": true}` for a plain call. Shared by the client's tests of typing in batches.
 *
 * @example
 * ```ts
 * const transport = createFakeTransport({ clock, respond: answerEveryCommand });
 * client.typing("chat5"); // alone: a plain call, answered `true`
 * client.typing("chat6"); // due with others: one batch, each command answered `true`
 * ```
 */
export function answerEveryCommand(exchange: FakeExchange): HttpResponse {
  const cmd = (exchange.body as { cmd?: Record<string, string> } | undefined)?.cmd;
  if (!cmd) return jsonResponse({ result: true });
  const result = Object.fromEntries(Object.keys(cmd).map((key) => [key, true]));
  return jsonResponse({ result: { result, result_error: [] } });
}
