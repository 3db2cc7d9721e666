// Every way a runtime can show an error to a log or a user, with the name of each, so a leak
// is reported as "ACCESS_ERROR: Deno.inspect of cause 1", not just "leaked".

type Inspect = (value: unknown, options?: Record<string, unknown>) => string;

/** The runtime's own inspector, which its `console.log` uses: Deno's or Bun's; workerd has none. */
function runtimeInspect(): { name: string; inspect: Inspect } | undefined {
  const runtime = globalThis as { Deno?: { inspect: Inspect }; Bun?: { inspect: Inspect } };
  if (runtime.Deno) return { name: "Deno.inspect", inspect: runtime.Deno.inspect };
  if (runtime.Bun) return { name: "Bun.inspect", inspect: runtime.Bun.inspect };
  return undefined;
}

function safely(render: () => unknown): string {
  try {
    return String(render());
  } catch (error) {
    return `(rendering threw: ${String(error)})`;
  }
}

/** One error's renderings, its own properties included (enumerable or not). */
function renderOne(error: unknown, label: string): Array<[string, string]> {
  const e = error as Error & { toJSON?: () => unknown };
  const out: Array<[string, string]> = [
    [`String() of ${label}`, safely(() => String(e))],
    [`message of ${label}`, safely(() => e.message)],
    [`stack of ${label}`, safely(() => e.stack)],
    [`JSON.stringify of ${label}`, safely(() => JSON.stringify(e))],
  ];
  if (typeof e?.toJSON === "function") {
    out.push([`toJSON() of ${label}`, safely(() => JSON.stringify(e.toJSON?.()))]);
  }
  if (typeof e === "object" && e !== null) {
    for (const key of Object.getOwnPropertyNames(e)) {
      const value = (e as unknown as Record<string, unknown>)[key];
      if (typeof value === "string") out.push([`property ${key} of ${label}`, value]);
    }
  }
  const native = runtimeInspect();
  if (native) {
    out.push([
      `${native.name} of ${label}`,
      safely(() => native.inspect(e, { depth: 10, showHidden: true })),
    ]);
  }
  return out;
}

/** The error and each error in its `cause` chain, every way each can be shown. */
export function renderings(error: unknown): Array<[where: string, text: string]> {
  const out: Array<[string, string]> = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 8; depth++) {
    out.push(...renderOne(current, depth === 0 ? "the error" : `cause ${depth}`));
    current = (current as { cause?: unknown }).cause;
  }
  return out;
}
