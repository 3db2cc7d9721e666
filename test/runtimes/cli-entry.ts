// Deno's and Bun's way into the suite: the input as JSON on stdin (the webhook code stays out
// of argv, which `ps` shows), one JSON line per check on stdout, then an end line.
import type { SuiteInput, SuiteLine } from "./protocol.ts";
import { runSuite } from "./suite.ts";

interface DenoGlobal {
  stdin: { readable: ReadableStream<Uint8Array> };
  version: { deno: string };
}
interface BunGlobal {
  stdin: { stream(): ReadableStream<Uint8Array> };
  version: string;
}
const { Deno, Bun } = globalThis as { Deno?: DenoGlobal; Bun?: BunGlobal };

function stdin(): ReadableStream<Uint8Array> {
  if (Deno) return Deno.stdin.readable;
  if (Bun) return Bun.stdin.stream();
  throw new Error("cli-entry runs under Deno or Bun; workerd uses worker-entry");
}

const runtime = Deno ? `deno ${Deno.version.deno}` : `bun ${Bun?.version}`;
const print = (line: SuiteLine) => console.log(JSON.stringify(line));

const input = JSON.parse(await new Response(stdin()).text()) as SuiteInput;
await runSuite(input, (result) => print({ type: "check", ...result }));
print({ type: "end", runtime });
