import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// Core's folders are its layers. Each may import its own folder and the ones listed here,
// never one above it: the protocol stays pure request/response logic that the stateful
// client, the typing scheduler and the test fakes are built on.
const MAY_IMPORT: Record<string, readonly string[]> = {
  protocol: [],
  async: ["protocol"],
  typing: ["protocol", "async"],
  client: ["protocol", "async", "typing"],
  testing: ["protocol", "async"],
  ".": ["protocol", "async", "typing", "client"],
};

const SRC = dirname(fileURLToPath(import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

const layerOf = (path: string) => {
  const [first, ...rest] = relative(SRC, path).split("/");
  return rest.length === 0 ? "." : (first as string);
};

// Comments are left out: TSDoc examples import the published packages.
const importsOf = (path: string) =>
  [
    ...readFileSync(path, "utf8")
      .replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "")
      .matchAll(/(?:from|import)\s*\(?\s*"([^"]+)"/g),
  ].map((match) => match[1] as string);

describe("core's layers", () => {
  const files = sourceFiles(SRC);

  it("every source file sits in a known layer", () => {
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) expect(Object.keys(MAY_IMPORT)).toContain(layerOf(file));
  });

  it("imports only its own layer and the layers below it", () => {
    const wrong: string[] = [];
    for (const file of files) {
      const layer = layerOf(file);
      for (const specifier of importsOf(file)) {
        if (!specifier.startsWith(".")) continue;
        const target = layerOf(join(dirname(file), specifier));
        if (target !== layer && !MAY_IMPORT[layer]?.includes(target)) {
          wrong.push(`${relative(SRC, file)} imports ${specifier} (${layer} → ${target})`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it("imports nothing outside itself: no Node built-in, no package", () => {
    const outside = files.flatMap((file) =>
      importsOf(file)
        .filter((specifier) => !specifier.startsWith("."))
        .map((specifier) => `${relative(SRC, file)} imports ${specifier}`),
    );
    expect(outside).toEqual([]);
  });
});
