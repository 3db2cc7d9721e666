import { createServer } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import {
  listenLocally,
  type TestServer,
} from "../../../transport-node/src/test-servers.test-helpers.js";
import { fakePlatform, messageData } from "../fake-platform.test-helpers.js";
import { platformForm } from "../webhook/platform-form.test-helpers.js";
import { nodeListener } from "./node-listener.js";

const APP_TOKEN = "pl4ntedAppT0ken";
let server: TestServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(listener: ReturnType<typeof nodeListener>): Promise<string> {
  server = await listenLocally(createServer((req, res) => void listener(req, res)));
  return `http://127.0.0.1:${server.port}/bitrix24/events`;
}

describe("nodeListener", () => {
  it("serves a bot's webhook on node:http: 200 with the handler run, 401, 405, 413", async () => {
    const p = fakePlatform();
    const texts: string[] = [];
    const bot = p
      .bot({ applicationToken: APP_TOKEN })
      .on("message", (ctx) => void texts.push(ctx.message.text));
    const url = await serve(nodeListener(bot));
    const post = (body: string) =>
      fetch(url, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body,
      });
    const event = (token: string) =>
      platformForm({
        event: "ONIMBOTV2MESSAGEADD",
        data: messageData("1", "über node:http"),
        auth: { application_token: token },
      });
    const ok = await post(event(APP_TOKEN));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ ok: true });
    expect(texts).toEqual(["über node:http"]);
    expect((await post(event("wrong"))).status).toBe(401);
    expect((await fetch(url)).status).toBe(405);
    expect((await post(`${event(APP_TOKEN)}&pad=${"x".repeat(1_100_000)}`)).status).toBe(413);
    expect(texts).toHaveLength(1);
  });
});
