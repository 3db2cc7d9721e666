/**
 * One request as the emulator saw it; the webhook code is never recorded.
 *
 * @example
 * ```ts
 * const last: RequestLogEntry | undefined = emulator.log.at(-1);
 * last?.path; // "/rest/1/[REDACTED]/im.dialog.writing"
 * ```
 */
export interface RequestLogEntry {
  /** When the request arrived (ms since the epoch, from the emulator's clock). */
  at: number;
  httpMethod: string;
  /** The path without its query, the webhook code replaced by `[REDACTED]`. */
  path: string;
  /** The REST method, `"batch"`, `"oauth.token"`, or `""` for other pages. */
  method: string;
  /** The HTTP status answered; 0 when the socket was reset or the request hung. */
  status: number;
  /** The error code answered, if any. */
  error?: string;
  /** The number of commands of a batch. */
  commands?: number;
}

/**
 * A fixed-size ring buffer of request log entries: the hot path never grows an array.
 *
 * @example
 * ```ts
 * const log = new RequestLog(2);
 * log.push({ at: 0, httpMethod: "POST", path: "/rest/x", method: "server.time", status: 200 });
 * log.entries(); // oldest first
 * ```
 */
export class RequestLog {
  readonly #slots: (RequestLogEntry | undefined)[];
  #next = 0;
  #size = 0;

  constructor(readonly limit: number) {
    this.#slots = new Array(Math.max(0, limit));
  }

  push(entry: RequestLogEntry): void {
    if (this.limit <= 0) return;
    this.#slots[this.#next] = entry;
    this.#next = (this.#next + 1) % this.limit;
    if (this.#size < this.limit) this.#size++;
  }

  /** The entries, oldest first. */
  entries(): RequestLogEntry[] {
    const start = (this.#next - this.#size + this.limit) % Math.max(1, this.limit);
    const out: RequestLogEntry[] = [];
    for (let i = 0; i < this.#size; i++) {
      const entry = this.#slots[(start + i) % this.limit];
      if (entry !== undefined) out.push(entry);
    }
    return out;
  }

  clear(): void {
    this.#slots.fill(undefined);
    this.#next = 0;
    this.#size = 0;
  }
}

const REDACTED = "[REDACTED]";

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function holdsSecret(segment: string, secrets: Iterable<string>): boolean {
  const plain = decoded(segment);
  for (const secret of secrets) {
    if (secret !== "" && (segment.includes(secret) || plain.includes(secret))) return true;
  }
  return false;
}

/**
 * A REST method name as the log may show it: `[REDACTED]` when it holds one of `secrets` (a
 * webhook code sent where the method belongs, as in `/rest/CODE`).
 *
 * @example
 * ```ts
 * redactMethod("profile", ["c0de"]); // "profile"
 * redactMethod("c0de", ["c0de"]); // "[REDACTED]"
 * ```
 */
export function redactMethod(method: string, secrets: Iterable<string>): string {
  return holdsSecret(method, secrets) ? REDACTED : method;
}

/**
 * Hides the webhook code of a `/rest/…` path, whatever its form: the code's place (the second
 * segment) and anything between it and the method always; the first segment unless it is a
 * user id; and any segment that holds one of `secrets` (the portal's codes), decoded or not.
 * `/rest/METHOD` keeps its method; a trailing slash is kept.
 *
 * @example
 * ```ts
 * redactPath("/rest/1/secret/im.dialog.writing"); // "/rest/1/[REDACTED]/im.dialog.writing"
 * redactPath("/rest/x/secret"); // "/rest/[REDACTED]/[REDACTED]"
 * ```
 */
export function redactPath(pathname: string, secrets: Iterable<string> = []): string {
  if (!pathname.startsWith("/rest/")) return pathname;
  let rest = pathname.slice("/rest/".length);
  const trailing = rest.endsWith("/") ? "/" : "";
  if (trailing) rest = rest.slice(0, -1);
  const parts = rest.split("/");
  const shown = (segment: string) => (holdsSecret(segment, secrets) ? REDACTED : segment);
  if (parts.length === 1) return `/rest/${shown(parts[0] ?? "")}${trailing}`;
  const first = parts[0] ?? "";
  const out = [/^\d*$/.test(first) ? first : REDACTED, REDACTED];
  if (parts.length > 2) out.push(shown(parts[parts.length - 1] ?? ""));
  return `/rest/${out.join("/")}${trailing}`;
}
