import { performance } from "node:perf_hooks";
import {
  buildRequest,
  type HttpResponse,
  imDialogWriting,
  parseDialogId,
  parseResponse,
  parseWebhookUrl,
} from "@b24im/core";
import type { CoreOpsResult } from "../results.js";
import { summarize } from "../stats.js";

const DIALOGS = ["chat5", "13", "sg7", "CHAT42", "chat123456", "7", "sg1", "chat9"];
const TARGET = parseWebhookUrl("https://example.bitrix24.com/rest/1/abcdef0123456789/");
const RESPONSE: HttpResponse = {
  status: 200,
  headers: { "content-type": "application/json; charset=utf-8" },
  body: JSON.stringify({
    result: true,
    time: {
      start: 1_700_000_000.1,
      finish: 1_700_000_000.2,
      duration: 0.1,
      processing: 0.05,
      date_start: "2024-01-01T00:00:00+00:00",
      date_finish: "2024-01-01T00:00:00+00:00",
      operating: 0,
    },
  }),
};
const CALL = imDialogWriting("chat5");

const STEPS: { name: string; op: (i: number) => unknown }[] = [
  {
    name: "parseDialogId + buildRequest + parseResponse",
    op: (i) => {
      const call = imDialogWriting(parseDialogId(DIALOGS[i & 7] as string));
      buildRequest(call, TARGET);
      return parseResponse(call, RESPONSE);
    },
  },
  { name: "parseDialogId", op: (i) => parseDialogId(DIALOGS[i & 7] as string) },
  {
    name: "imDialogWriting + buildRequest",
    op: (i) => buildRequest(imDialogWriting(DIALOGS[i & 7] as string), TARGET),
  },
  { name: "parseResponse", op: () => parseResponse(CALL, RESPONSE) },
];

let sink: unknown;

function opsPerSecond(op: (i: number) => unknown, durationMs: number): number {
  const started = performance.now();
  let done = 0;
  let elapsed = 0;
  // Check the clock every 1,000 ops: reading it each time would cost more than an op.
  while (elapsed < durationMs) {
    for (let i = 0; i < 1000; i++) sink = op(done + i);
    done += 1000;
    elapsed = performance.now() - started;
  }
  return done / (elapsed / 1000);
}

/**
 * Figure 5: how many `parseDialogId` + `buildRequest` + `parseResponse` rounds core does
 * per second on one core, and each step alone.
 *
 * @example
 * ```ts
 * const result = runCoreOps(5, 1_000, "pnpm bench --only=core");
 * ```
 */
export function runCoreOps(runs: number, runMs: number, command: string): CoreOpsResult {
  const perStep = STEPS.map((step) => {
    opsPerSecond(step.op, Math.min(200, runMs)); // warm-up: let the JIT settle first
    return Array.from({ length: runs }, () => opsPerSecond(step.op, runMs));
  });
  void sink;
  const [all, ...single] = perStep;
  return {
    command,
    opsPerSecond: summarize(all ?? []),
    steps: single.map((values, index) => ({
      name: (STEPS[index + 1] as (typeof STEPS)[number]).name,
      opsPerSecond: summarize(values),
    })),
  };
}
