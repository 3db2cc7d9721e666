/**
 * A decoded form: text leaves in nested records and arrays, as PHP's `$_POST` would hold it.
 *
 * @example
 * ```ts
 * const value: FormValue = { message: { text: "Hi" }, departments: ["1", "5"] };
 * ```
 */
export type FormValue = string | FormValue[] | { [key: string]: FormValue };

/**
 * Limits against hostile bodies; the platform's events stay far below them.
 *
 * @example
 * ```ts
 * decodePhpForm(body, { maxPairs: 1_000, maxDepth: 8 });
 * ```
 */
export interface FormLimits {
  /** Most `key=value` pairs read; later ones are ignored. */
  maxPairs: number;
  /** Most bracket levels in one key (`a[b][c]` is 3); deeper keys are ignored. */
  maxDepth: number;
}

const DEFAULT_LIMITS: FormLimits = { maxPairs: 10_000, maxDepth: 12 };

// A container being built: its entries, and the next index a `[]` appends at.
interface Node {
  entries: Map<string, Node | string>;
  next: number;
}

/**
 * Decodes an `application/x-www-form-urlencoded` body with PHP-style keys, the way Bitrix24
 * sends webhook events (`data[message][text]=Hi&data[user][departments][0]=1&auth[domain]=…`),
 * into nested records. A record whose keys are exactly `0…n-1` becomes an array; `a[]`
 * appends. Never throws, in time linear in the body: each pair walks at most `maxDepth`
 * levels, and a `[]` appends without scanning its container. `__proto__` keys are dropped.
 * The last of two values for one key wins, as in PHP.
 *
 * @example
 * ```ts
 * decodePhpForm("event=ONIMBOTV2MESSAGEADD&data[message][text]=Hi&data[user][departments][]=1");
 * // { event: "ONIMBOTV2MESSAGEADD", data: { message: { text: "Hi" }, user: { departments: ["1"] } } }
 * ```
 */
export function decodePhpForm(
  body: string,
  limits: FormLimits = DEFAULT_LIMITS,
): Record<string, FormValue> {
  const root: Node = { entries: new Map(), next: 0 };
  let pairs = 0;
  for (const [key, value] of new URLSearchParams(body)) {
    if (++pairs > limits.maxPairs) break;
    const path = keyPath(key, limits.maxDepth);
    if (path !== undefined) put(root, path, value);
  }
  // The root is a container, never text; a body of `0=a&1=b` is still a record.
  const decoded = toValue(root) as FormValue[] | Record<string, FormValue>;
  return Array.isArray(decoded) ? Object.fromEntries(decoded.entries()) : decoded;
}

// `data[message][text]` → ["data", "message", "text"]; `a[]` → ["a", ""]. A key whose
// brackets do not close is read whole, as PHP does; one too deep is dropped.
function keyPath(key: string, maxDepth: number): string[] | undefined {
  const open = key.indexOf("[");
  if (open <= 0) return key === "" ? undefined : [key];
  const path = [key.slice(0, open)];
  let at = open;
  while (at < key.length && key[at] === "[") {
    const close = key.indexOf("]", at);
    if (close < 0) return [key];
    if (path.length > maxDepth) return undefined;
    path.push(key.slice(at + 1, close));
    at = close + 1;
  }
  return path;
}

function put(root: Node, path: string[], value: string): void {
  let node = root;
  for (let i = 0; i < path.length; i++) {
    const key = path[i] === "" ? String(node.next) : (path[i] as string);
    if (key === "__proto__") return;
    const index = Number(key);
    if (Number.isInteger(index) && index >= node.next) node.next = index + 1;
    if (i === path.length - 1) {
      node.entries.set(key, value);
      return;
    }
    const existing = node.entries.get(key);
    if (typeof existing === "object") node = existing;
    else {
      const child: Node = { entries: new Map(), next: 0 };
      node.entries.set(key, child);
      node = child;
    }
  }
}

function toValue(node: Node): FormValue {
  let isList = true;
  let expected = 0;
  for (const key of node.entries.keys()) {
    if (key !== String(expected++)) {
      isList = false;
      break;
    }
  }
  if (isList && node.entries.size > 0) {
    return [...node.entries.values()].map((child) =>
      typeof child === "string" ? child : toValue(child),
    );
  }
  const record: Record<string, FormValue> = {};
  for (const [key, child] of node.entries) {
    record[key] = typeof child === "string" ? child : toValue(child);
  }
  return record;
}
