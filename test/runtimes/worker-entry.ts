// workerd's way into the suite: a Worker whose fetch handler takes the input as the request's
// JSON body and answers with every check's result. Bundled by esbuild from the built packages.
// Afterwards the same Worker serves the suite's bot at /bot, as a bot's webhook would be
// served on Cloudflare: the emulator posts its events there.
import type { Bot } from "@b24im/bot";
import { createClient } from "@b24im/core";
import { createFetchTransport } from "@b24im/transport-fetch";
import { echoAgent, type Heard } from "./bot-agent.ts";
import type { CheckResult, SuiteInput } from "./protocol.ts";
import { runSuite } from "./suite.ts";

interface ExecutionContext {
  waitUntil(work: Promise<unknown>): void;
}

// The Worker's isolate keeps module state between requests: the suite's request leaves the
// bot here for the webhook POSTs that follow.
let served: Bot | undefined;

export default {
  async fetch(request: Request, _env: unknown, ctx: ExecutionContext): Promise<Response> {
    if (new URL(request.url).pathname === "/bot") {
      if (!served) return new Response("the suite has not run yet", { status: 503 });
      return served.fetch(request, { waitUntil: (work) => ctx.waitUntil(work) });
    }
    const input = (await request.json()) as SuiteInput;
    const results: CheckResult[] = [];
    await runSuite(input, (result) => results.push(result));
    const client = createClient({ webhook: input.webhookUrl, transport: createFetchTransport() });
    const heard: Heard[] = [];
    served = echoAgent(client, input.bot, heard);
    return Response.json(results);
  },
};
