import { buildRequest, createClient, imDialogWriting, parseWebhookUrl } from "@b24im/core";
import { createFetchTransport } from "@b24im/transport-fetch";
import { createNodeTransport } from "@b24im/transport-node";
import { Agent, request } from "undici";

/**
 * The dialog every call-speed client types in.
 *
 * @example
 * ```ts
 * const prepared = buildRequest(imDialogWriting(SPEED_DIALOG), parseWebhookUrl(webhookUrl));
 * ```
 */
export const SPEED_DIALOG = "chat1";

/**
 * The clients the call-speed figure compares.
 *
 * @example
 * ```ts
 * const open = CLIENT_NAMES.filter((name) => name !== "b24jssdk-default" && name !== "2bad-bitrix");
 * ```
 */
export const CLIENT_NAMES = [
  "b24im-node",
  "raw-undici",
  "b24im-fetch",
  "raw-fetch",
  "b24im-node-https",
  "raw-undici-https",
  "b24jssdk-open",
  "b24jssdk-default",
  "2bad-bitrix",
] as const;
/**
 * One of {@link CLIENT_NAMES}: a client the call-speed figure measures, by the name the report shows.
 *
 * @example
 * ```ts
 * const httpsClients = new Set<ClientName>(["b24im-node-https", "raw-undici-https", "b24jssdk-open"]);
 * ```
 */
export type ClientName = (typeof CLIENT_NAMES)[number];

/**
 * Where a client sends its calls.
 *
 * @example
 * ```ts
 * const target: ClientTarget = { webhookUrl: https.webhookUrl, ca: certificate.cert };
 * ```
 */
export interface ClientTarget {
  webhookUrl: string;
  /** The emulator's certificate (PEM) when `webhookUrl` is https. */
  ca?: string;
}

/**
 * One way to send `im.dialog.writing` to {@link SPEED_DIALOG}; `call` throws unless the answer is `true`.
 *
 * @example
 * ```ts
 * const client: BenchClient = await createBenchClient("b24im-node", { webhookUrl });
 * const sent = performance.now();
 * await client.call(); // one `im.dialog.writing`, answered `true`
 * const latencyMs = performance.now() - sent;
 * ```
 */
export interface BenchClient {
  call(): Promise<void>;
  close(): Promise<void>;
}

/** Sockets per origin of transport-node's default pool; the raw undici baseline gets the same. */
const NODE_POOL_CONNECTIONS = 10;

/** The official SDK's client-side limiter opened wide, to measure the SDK's own cost. */
const OPEN_RESTRICTIONS = {
  rateLimit: { burstLimit: 1e9, drainRate: 1e9, adaptiveEnabled: false },
  adaptiveConfig: { enabled: false, thresholdPercent: 100, coefficient: 0, maxDelay: 0 },
  operatingLimit: { windowMs: 600_000, limitMs: 1e12, heavyPercent: 100 },
};

function expectTrue(body: string): void {
  if ((JSON.parse(body) as { result?: unknown }).result !== true)
    throw new Error(`unexpected answer: ${body}`);
}

function b24imClient(
  target: ClientTarget,
  transport: ReturnType<typeof createNodeTransport>,
): BenchClient {
  const client = createClient({ webhook: target.webhookUrl, transport, rateLimit: false });
  return {
    call: async () => {
      await client.writing(SPEED_DIALOG);
    },
    close: () => client.close(),
  };
}

// The raw baselines send the very bytes core builds, prepared once: what is left is the HTTP client.
function prebuiltRequest(target: ClientTarget) {
  return buildRequest(imDialogWriting(SPEED_DIALOG), parseWebhookUrl(target.webhookUrl));
}

function rawUndici(target: ClientTarget): BenchClient {
  const prepared = prebuiltRequest(target);
  const dispatcher = new Agent({
    connections: NODE_POOL_CONNECTIONS,
    ...(target.ca === undefined ? {} : { connect: { ca: target.ca } }),
  });
  return {
    call: async () => {
      const response = await request(prepared.url, {
        method: prepared.method,
        headers: prepared.headers,
        body: prepared.body,
        dispatcher,
      });
      expectTrue(await response.body.text());
    },
    close: () => dispatcher.close(),
  };
}

function rawFetch(target: ClientTarget): BenchClient {
  const prepared = prebuiltRequest(target);
  return {
    call: async () => {
      const response = await fetch(prepared.url, {
        method: prepared.method,
        headers: prepared.headers,
        body: prepared.body,
      });
      expectTrue(await response.text());
    },
    close: async () => undefined,
  };
}

async function officialSdk(target: ClientTarget, open: boolean): Promise<BenchClient> {
  const { B24Hook } = await import("@bitrix24/b24jssdk");
  const hook = B24Hook.fromWebhookUrl(
    target.webhookUrl,
    open ? { restrictionParams: OPEN_RESTRICTIONS } : undefined,
  );
  hook.offClientSideWarning();
  return {
    call: async () => {
      const result = await hook.actions.v2.call.make({
        method: "im.dialog.writing",
        params: { DIALOG_ID: SPEED_DIALOG },
      });
      if (!result.isSuccess || result.getData()?.result !== true) {
        throw new Error(`official SDK call failed: ${result.getErrorMessages().join("; ")}`);
      }
    },
    close: async () => undefined,
  };
}

async function twoBad(target: ClientTarget): Promise<BenchClient> {
  const { Bitrix } = await import("@2bad/bitrix");
  const bitrix = Bitrix(target.webhookUrl.replace(/\/$/, ""));
  // Its method names are a closed union of CRM methods; im.dialog.writing goes through the generic call.
  const call = bitrix.call as unknown as (
    method: string,
    params: object,
  ) => Promise<{ result?: unknown }>;
  return {
    call: async () => {
      const payload = await call("im.dialog.writing", { DIALOG_ID: SPEED_DIALOG });
      if (payload.result !== true)
        throw new Error(`@2bad/bitrix call failed: ${JSON.stringify(payload)}`);
    },
    close: async () => undefined,
  };
}

/**
 * Creates the client `name` against `target`.
 *
 * @example
 * ```ts
 * const client = await createBenchClient("raw-undici", { webhookUrl });
 * await client.call();
 * await client.close();
 * ```
 */
export async function createBenchClient(
  name: ClientName,
  target: ClientTarget,
): Promise<BenchClient> {
  switch (name) {
    case "b24im-node":
    case "b24im-node-https":
      return b24imClient(
        target,
        createNodeTransport(target.ca === undefined ? {} : { ca: target.ca }),
      );
    case "b24im-fetch":
      return b24imClient(target, createFetchTransport());
    case "raw-undici":
    case "raw-undici-https":
      return rawUndici(target);
    case "raw-fetch":
      return rawFetch(target);
    case "b24jssdk-open":
      return officialSdk(target, true);
    case "b24jssdk-default":
      return officialSdk(target, false);
    case "2bad-bitrix":
      return twoBad(target);
  }
}
