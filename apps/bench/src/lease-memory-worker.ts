// Runs under --expose-gc in its own process, so nothing else the bench holds is in its heap.
import { createClient } from "@b24im/core";
import { instantTransport } from "./instant-transport.js";
import { benchDialogs } from "./portal-seed.js";

const WEBHOOK = "http://127.0.0.1:1/rest/1/memorybench/";

function collect(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error("run with --expose-gc");
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 200));

async function bytesPerLease(leases: number): Promise<{ bytes: number; requests: number }> {
  const ids = benchDialogs(leases);
  const transport = instantTransport();
  const client = createClient({ webhook: WEBHOOK, transport, rateLimit: false });
  await client.writing("chat1");
  await settle();
  const before = collect();
  // Default typing options: the first event goes out at once, the next refresh is 20 s away.
  const open = ids.map((id) => client.typing(id));
  await settle();
  const after = collect();
  for (const lease of open) lease.stop();
  await client.close();
  return { bytes: (after - before) / leases, requests: transport.requests };
}

const [leasesArg, runsArg] = process.argv.slice(2);
const leases = Number(leasesArg);
const runs = Number(runsArg);
const perRun: number[] = [];
let requests = 0;
for (let run = 0; run < runs; run++) {
  const measured = await bytesPerLease(leases);
  perRun.push(measured.bytes);
  requests = measured.requests;
}
process.send?.({ perRun, requests });
process.disconnect();
