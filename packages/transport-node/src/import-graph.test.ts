import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = dirname(fileURLToPath(import.meta.url));

// The package's own modules: tests and their helpers are not part of what ships.
const modules = readdirSync(SRC).filter(
  (name) => name.endsWith(".ts") && !name.endsWith(".test.ts") && !name.includes(".test-"),
);

// Comments are left out: TSDoc examples import the published packages.
function localImportsOf(name: string): string[] {
  const code = readFileSync(join(SRC, name), "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
  return [...code.matchAll(/(?:from|import)\s*\(?\s*"(\.[^"]+)"/g)]
    .map((match) => relative(SRC, resolve(SRC, (match[1] as string).replace(/\.js$/, ".ts"))))
    .filter((target) => modules.includes(target));
}

/** Every cycle in the graph, each as the path that closes it (a → b → a). */
function cyclesOf(graph: Map<string, string[]>): string[] {
  const cycles: string[] = [];
  const done = new Set<string>();
  const walk = (node: string, path: string[]) => {
    const seen = path.indexOf(node);
    if (seen >= 0) {
      cycles.push([...path.slice(seen), node].join(" → "));
      return;
    }
    if (done.has(node)) return;
    for (const next of graph.get(node) ?? []) walk(next, [...path, node]);
    done.add(node);
  };
  for (const node of graph.keys()) walk(node, []);
  return cycles;
}

describe("transport-node's modules", () => {
  it("import each other without a cycle", () => {
    const graph = new Map(modules.map((name) => [name, localImportsOf(name)]));
    expect(graph.get("index.ts")?.length).toBeGreaterThan(0);
    expect(cyclesOf(graph)).toEqual([]);
  });

  it("finds a cycle when there is one (the check itself works)", () => {
    const graph = new Map([
      ["a.ts", ["b.ts"]],
      ["b.ts", ["c.ts"]],
      ["c.ts", ["a.ts"]],
    ]);
    expect(cyclesOf(graph)).toEqual(["a.ts → b.ts → c.ts → a.ts"]);
  });
});
