/**
 * Parameters as PHP would see them: nested maps keyed by string.
 *
 * @example
 * ```ts
 * const params: Params = parsePhpQuery("DIALOG_ID=chat1&FIELDS[TITLE]=Hi");
 * // { DIALOG_ID: "chat1", FIELDS: { TITLE: "Hi" } }
 * ```
 */
export type Params = Record<string, unknown>;

// Keys that would reach Object.prototype if a caller tried prototype pollution.
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);
/**
 * PHP's `max_input_nesting_level`: a variable nested deeper is dropped, as PHP drops it.
 *
 * @example
 * ```ts
 * parsePhpQuery(`a${"[x]".repeat(MAX_NESTING + 1)}=1`); // {}
 * ```
 */
export const MAX_NESTING = 64;
const INDEX = /^(0|[1-9][0-9]{0,14})$/;

function decode(component: string): string {
  const spaced = component.includes("+") ? component.replace(/\+/g, " ") : component;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

// The next `[]` index of each map, kept as keys are set: finding it by scanning every key made
// a body of `a[]=1&a[]=2&…` quadratic (a 300 KB body blocked the event loop for seconds).
type NextIndex = WeakMap<Params, number>;

function put(container: Params, segment: string, value: unknown, next: NextIndex): void {
  container[segment] = value;
  if (INDEX.test(segment)) {
    const index = Number(segment) + 1;
    if (index > (next.get(container) ?? 0)) next.set(container, index);
  }
}

// The bracketed segments of `a[b][][c]`, as PHP reads them: `["a", "b", "", "c"]`. One pass:
// an unclosed `[` ends the segments (nothing after it can close), so the scan stays linear.
function keyPath(key: string, open: number): string[] {
  const path = [key.slice(0, open)];
  let at = open;
  while (at >= 0 && at < key.length) {
    const close = key.indexOf("]", at + 1);
    if (close < 0) break;
    path.push(key.slice(at + 1, close));
    at = key.indexOf("[", close + 1);
  }
  return path;
}

function assign(target: Params, key: string, value: string, next: NextIndex): void {
  const open = key.indexOf("[");
  if (open <= 0) {
    if (!FORBIDDEN_KEYS.has(key)) put(target, key, value, next);
    return;
  }
  const path = keyPath(key, open);
  if (path.length - 1 > MAX_NESTING) return;
  let container = target;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i] === "" ? String(next.get(container) ?? 0) : (path[i] as string);
    if (FORBIDDEN_KEYS.has(segment)) return;
    if (i === path.length - 1) {
      put(container, segment, value, next);
      return;
    }
    const existing = container[segment];
    if (typeof existing === "object" && existing !== null) container = existing as Params;
    else {
      const created: Params = {};
      put(container, segment, created, next);
      container = created;
    }
  }
}

/**
 * Parses a query string or form body the way PHP does, nested keys included, in time linear
 * in its length. Keys nested deeper than PHP's `max_input_nesting_level` (64) are dropped.
 *
 * @example
 * ```ts
 * parsePhpQuery("FIELDS[PHONE][0][VALUE]=1&cmd[]=a&cmd[]=b");
 * // { FIELDS: { PHONE: { "0": { VALUE: "1" } } }, cmd: { "0": "a", "1": "b" } }
 * ```
 */
export function parsePhpQuery(query: string): Params {
  const params: Params = {};
  if (query === "") return params;
  const next: NextIndex = new WeakMap();
  for (const pair of query.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const key = decode(eq < 0 ? pair : pair.slice(0, eq));
    if (key === "") continue;
    assign(params, key, eq < 0 ? "" : decode(pair.slice(eq + 1)), next);
  }
  return params;
}
