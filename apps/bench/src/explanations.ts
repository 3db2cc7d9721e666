/**
 * Why a target was missed, keyed by the start of the figure's name in the report. Written
 * from what the measurements and CPU profiles showed (Node 20, this machine); the report
 * shows an entry only when the run actually missed that target.
 *
 * @example
 * ```ts
 * await writeReport(options.out, results, explanations);
 * ```
 */
export const explanations: Record<string, string> = {
  "CPU per call: b24im-node ÷ raw-undici":
    "Profiled with `--cpu-prof` at concurrency 32. transport-node sends on undici's `dispatch` API (no " +
    "response stream, no AbortController per call), which saves more than the client's own work costs " +
    "(building the JSON body, parsing the answer, the pipeline's promise layers: ~7 µs per call at loopback), " +
    "so a typical run is about 1× or lower. A miss is run-to-run noise on 2 cores shared by client and emulator: " +
    "the spread column shows the range.",
  "throughput: b24im-node ÷ raw-undici":
    "Same cause as the CPU figure: on 2 cores the client and the emulator share the CPU, so every extra " +
    "µs of client CPU per call is throughput lost at concurrency 32.",
  "throughput: b24im-fetch ÷ raw-fetch":
    "Profiled the same way: most of the difference is the transport's deadline. fetch has no timeout of its " +
    "own, so every call hands it an AbortSignal (an AbortController and a timer), which fetch wires into its " +
    "own abort machinery — about a tenth of its ~300 µs per call here — while the raw baseline passes none. " +
    "The headers are copied only when read. The runs of fetch spread widely (see the min–max column).",
  "throughput: b24im-node-https ÷ b24jssdk-open":
    "Two different limits. At concurrency 1 every call waits for the emulator's own work (~130–150 µs of its CPU) " +
    "and TLS on both ends, the same for every client, so no client can reach 3× here: raw undici over https, " +
    "with no client logic at all, reaches only the ratio in the row 'raw-undici-https ÷ b24jssdk-open' at " +
    "concurrency 1 (measured in the same rounds). At concurrency 32 that ceiling is well above 3×, and there " +
    "b24im meets the target. Either way the official SDK spends 2–4× b24im's CPU per call (row 'CPU per call: " +
    "b24im-node-https ÷ b24jssdk-open'); on a real portal, tens of ms away, throughput at a fixed concurrency is " +
    "latency-bound for every client and CPU per call is the lasting difference, so 'CPU per call ≤ 1/3 of the " +
    "official SDK's' would be the fairer target.",
  "min+gz of a typing app":
    "`createClient` reaches the whole client, so every app carries the OAuth refresh, the batch protocol " +
    "(PHP-style query encoding), operating-time tracking, the retry policy, the typing scheduler and its option " +
    "checks, and the full error hierarchy with redaction and descriptive messages, even when it only sends " +
    "`im.dialog.writing` through a webhook; the largest modules are listed under figure 3. To reach 6 KB: make " +
    "OAuth, batch and operating time opt-in pieces passed to `createClient` (tree-shaken when unused), keep " +
    "the typing scheduler out of apps that never call `typing()`, and shorten validation messages.",
};
