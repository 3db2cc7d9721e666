import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_NESTING, type Params, parsePhpQuery } from "./php-query.js";

// The parser as it was, quadratic but simple: the reference for what small inputs mean.
function referenceParse(query: string): Params {
  const params: Params = {};
  const forbidden = new Set(["__proto__", "constructor", "prototype"]);
  const decode = (c: string) => {
    const spaced = c.replace(/\+/g, " ");
    try {
      return decodeURIComponent(spaced);
    } catch {
      return spaced;
    }
  };
  const nextIndex = (container: Params) => {
    let count = 0;
    for (const key in container) if (/^\d+$/.test(key)) count = Math.max(count, Number(key) + 1);
    return String(count);
  };
  for (const pair of query.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const key = decode(eq < 0 ? pair : pair.slice(0, eq));
    if (key === "") continue;
    const value = eq < 0 ? "" : decode(pair.slice(eq + 1));
    const open = key.indexOf("[");
    if (open <= 0) {
      if (!forbidden.has(key)) params[key] = value;
      continue;
    }
    const path = [key.slice(0, open)];
    for (const match of key.slice(open).matchAll(/\[([^\]]*)\]/g)) path.push(match[1] ?? "");
    let container = params;
    for (let i = 0; i < path.length; i++) {
      const segment = path[i] === "" ? nextIndex(container) : (path[i] as string);
      if (forbidden.has(segment)) break;
      if (i === path.length - 1) {
        container[segment] = value;
        break;
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
  return params;
}

function timed<T>(run: () => T): { value: T; ms: number } {
  const started = performance.now();
  const value = run();
  return { value, ms: performance.now() - started };
}

describe("parsePhpQuery", () => {
  it("reads flat pairs, decoding percent escapes and plus signs", () => {
    expect(parsePhpQuery("a=1&b=hello+world&c=%D0%BF%D1%80%D0%B8")).toEqual({
      a: "1",
      b: "hello world",
      c: "при",
    });
  });

  it("nests bracketed keys the PHP way, [] appending", () => {
    expect(
      parsePhpQuery("FIELDS[PHONE][0][VALUE]=555&FIELDS[PHONE][0][TYPE]=WORK&cmd[]=a&cmd[]=b"),
    ).toEqual({
      FIELDS: { PHONE: { "0": { VALUE: "555", TYPE: "WORK" } } },
      cmd: { "0": "a", "1": "b" },
    });
    expect(parsePhpQuery("a[5]=x&a[]=y&a[b]=z&a[]=w")).toEqual({
      a: { "5": "x", "6": "y", b: "z", "7": "w" },
    });
  });

  it("ignores prototype-polluting keys and empty pairs", () => {
    const parsed = parsePhpQuery("__proto__[x]=1&&a[constructor]=2&=3&ok");
    expect(parsed).toEqual({ a: {}, ok: "" });
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it("keeps malformed escapes as written", () => {
    expect(parsePhpQuery("a=%E0%A4%A")).toEqual({ a: "%E0%A4%A" });
  });

  it("drops a key nested deeper than PHP's max_input_nesting_level", () => {
    const deep = (levels: number) => `a${"[x]".repeat(levels)}=1`;
    expect(parsePhpQuery(`${deep(MAX_NESTING + 1)}&b=2`)).toEqual({ b: "2" });
    let value: unknown = parsePhpQuery(deep(MAX_NESTING)).a;
    for (let i = 0; i < MAX_NESTING; i++) value = (value as Params).x;
    expect(value).toBe("1");
  });

  it("parses a 293 KB body of FIELDS[ID][]=1 in linear time", () => {
    const body = "FIELDS[ID][]=1&".repeat(20_000);
    expect(body.length).toBeGreaterThan(290_000);
    const { value, ms } = timed(() => parsePhpQuery(body));
    expect(Object.keys((value.FIELDS as Params).ID as Params)).toHaveLength(20_000);
    // The quadratic parser took about 20 s here; linear takes milliseconds.
    expect(ms).toBeLessThan(2_000);
  });

  it("parses hostile keys in linear time", () => {
    const hostile = [
      `a${"[".repeat(300_000)}=1`,
      `a${"[]".repeat(150_000)}=1`,
      `a${"[x".repeat(150_000)}]=1`,
      "a[]=1&".repeat(50_000),
      `${"%".repeat(300_000)}=${"%".repeat(300_000)}`,
      "a[b][]=1&a[b][c]=2&".repeat(15_000),
    ];
    for (const body of hostile) expect(timed(() => parsePhpQuery(body)).ms).toBeLessThan(2_000);
  });

  it("means what the simple parser meant, for any small input", () => {
    const alphabet = fc.constantFrom("a", "b", "0", "1", "[", "]", "=", "&", "%", "+", "x", "5");
    const segment = fc.oneof(
      fc.constantFrom("a", "b", "c", "0", "1", "7", "", "__proto__"),
      fc.string({ unit: alphabet, maxLength: 3 }),
    );
    const key = fc
      .tuple(fc.constantFrom("a", "b", "cmd"), fc.array(segment, { maxLength: 5 }))
      .map(([base, segments]) => base + segments.map((s) => `[${s}]`).join(""));
    const pair = fc
      .tuple(key, fc.string({ unit: alphabet, maxLength: 4 }))
      .map(([k, v]) => `${k}=${v}`);
    const query = fc.oneof(
      fc.array(pair, { maxLength: 30 }).map((pairs) => pairs.join("&")),
      fc.string({ unit: alphabet, maxLength: 60 }),
    );
    fc.assert(
      fc.property(query, (text) => {
        // Leading-zero indexes ("01") are strings to PHP; the old parser counted them.
        fc.pre(!/\[0\d/.test(text));
        expect(parsePhpQuery(text)).toEqual(referenceParse(text));
      }),
      { numRuns: 2_000 },
    );
  });

  it("stays fast for any repetition of a small pattern", () => {
    const alphabet = fc.constantFrom("a", "[", "]", "=", "&", "%", "x", "1");
    fc.assert(
      fc.property(fc.string({ unit: alphabet, minLength: 1, maxLength: 12 }), (pattern) => {
        const body = pattern.repeat(Math.ceil(200_000 / pattern.length));
        expect(timed(() => parsePhpQuery(body)).ms).toBeLessThan(2_000);
      }),
      { numRuns: 40 },
    );
  });
});
