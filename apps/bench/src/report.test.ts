import { describe, expect, it } from "vitest";
import { renderReport } from "./report.js";
import type { BenchResults } from "./results.js";

const machine = {
  cpu: "Test CPU",
  cores: 2,
  memoryGiB: 4,
  os: "Linux",
  node: "v20.0.0",
  loadAverageAtStart: 0,
};

function results(gzipBytes: number): BenchResults {
  return {
    startedAt: "2026-01-01T00:00:00.000Z",
    durationSeconds: 1,
    quick: false,
    machine,
    bundleSize: {
      command: "pnpm bench --only=size",
      apps: [
        { name: "b24im", minifiedBytes: 20_000, gzipBytes },
        { name: "official", minifiedBytes: 200_000, gzipBytes: 69_000 },
      ],
      largestModules: [],
      target: { op: "<=", value: 6144, met: gzipBytes <= 6144 },
    },
    failures: [],
  };
}

describe("renderReport", () => {
  it("names the machine, the command and a met target", () => {
    const markdown = renderReport(results(5_000));
    expect(markdown).toContain("Test CPU, 2 cores");
    expect(markdown).toContain("`pnpm bench --only=size`");
    expect(markdown).toMatch(/min\+gz of a typing app.*\| met \|/);
    expect(markdown).not.toContain("### Missed");
  });

  it("states a missed target with its measured value and the explanation", () => {
    const markdown = renderReport(results(12_800), { "min+gz": "Too much code." });
    expect(markdown).toContain("### Missed");
    expect(markdown).toMatch(
      /- min\+gz of a typing app.*: 12\.5 KB against <= 6 KB\. Why: Too much code\./,
    );
  });

  it("reports a crashed figure", () => {
    const crashed = {
      ...results(5_000),
      failures: [{ figure: "speed", message: "emulator failed" }],
    };
    expect(renderReport(crashed)).toContain("**speed crashed:** emulator failed");
  });
});
