// workerd's way into the suite: a Worker whose fetch handler takes the input as the request's
// JSON body and answers with every check's result. Bundled by esbuild from the built packages.
import type { CheckResult, SuiteInput } from "./protocol.ts";
import { runSuite } from "./suite.ts";

export default {
  async fetch(request: Request): Promise<Response> {
    const input = (await request.json()) as SuiteInput;
    const results: CheckResult[] = [];
    await runSuite(input, (result) => results.push(result));
    return Response.json(results);
  },
};
