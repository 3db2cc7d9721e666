/**
 * Encodes a value the way the platform posts webhook events (PHP's http_build_query over
 * Bitrix24's event data): PHP-style bracket keys, every scalar as text — `true` "1",
 * `false` "0", `null` "" — and empty lists and maps left out entirely.
 */
export function platformForm(value: Record<string, unknown>): string {
  const pairs: string[] = [];
  const walk = (key: string, item: unknown) => {
    if (Array.isArray(item)) {
      for (const [i, child] of item.entries()) walk(`${key}[${i}]`, child);
    } else if (item !== null && typeof item === "object") {
      for (const [name, child] of Object.entries(item)) walk(`${key}[${name}]`, child);
    } else pairs.push(`${encodeURIComponent(key)}=${encodeURIComponent(scalar(item))}`);
  };
  for (const [name, item] of Object.entries(value)) walk(name, item);
  return pairs.join("&");
}

function scalar(item: unknown): string {
  if (item === true) return "1";
  if (item === false) return "0";
  if (item === null || item === undefined) return "";
  return String(item);
}

/** A webhook POST as the platform sends it. */
export function webhookRequest(
  body: string,
  init: { method?: string; contentType?: string } = {},
): Request {
  return new Request("https://bot.example/bitrix", {
    method: init.method ?? "POST",
    headers: { "content-type": init.contentType ?? "application/x-www-form-urlencoded" },
    body: init.method === "GET" ? undefined : body,
  });
}
