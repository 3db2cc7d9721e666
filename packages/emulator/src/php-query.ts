/** Parameters as PHP would see them: nested maps keyed by string. */
export type Params = Record<string, unknown>;

const BRACKET_SEGMENT = /\[([^\]]*)\]/g;
// Keys that would reach Object.prototype if a caller tried prototype pollution.
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

function decode(component: string): string {
  const spaced = component.includes("+") ? component.replace(/\+/g, " ") : component;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

function nextIndex(container: Params): string {
  let count = 0;
  for (const key in container) if (/^\d+$/.test(key)) count = Math.max(count, Number(key) + 1);
  return String(count);
}

function assign(target: Params, key: string, value: string): void {
  const open = key.indexOf("[");
  if (open <= 0) {
    if (!FORBIDDEN_KEYS.has(key)) target[key] = value;
    return;
  }
  const path = [key.slice(0, open)];
  for (const match of key.slice(open).matchAll(BRACKET_SEGMENT)) path.push(match[1] ?? "");
  let container = target;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i] === "" ? nextIndex(container) : (path[i] as string);
    if (FORBIDDEN_KEYS.has(segment)) return;
    if (i === path.length - 1) {
      container[segment] = value;
      return;
    }
    const existing = container[segment];
    if (typeof existing === "object" && existing !== null) container = existing as Params;
    else {
      const created: Params = {};
      container[segment] = created;
      container = created;
    }
  }
}

/**
 * Parses a query string or form body the way PHP does, nested keys included.
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
  for (const pair of query.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const key = decode(eq < 0 ? pair : pair.slice(0, eq));
    if (key === "") continue;
    assign(params, key, eq < 0 ? "" : decode(pair.slice(eq + 1)));
  }
  return params;
}
