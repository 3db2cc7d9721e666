import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { thrown } from "../testing/thrown.js";
import { buildRequest } from "./build-request.js";
import { formatDialogId, parseDialogId } from "./dialog-id.js";
import { ConfigError, DialogIdError } from "./errors.js";
import { imbotChatSendTyping, imbotV2InputActionNotify, imDialogWriting } from "./methods.js";
import { parseWebhookUrl } from "./webhook-url.js";

const WEBHOOK = "https://x.bitrix24.ru/rest/1/code1234/";
const METHODS = ["im.dialog.writing", "imbot.chat.sendTyping", "imbot.v2.Chat.InputAction.notify"];

describe("imDialogWriting", () => {
  it.each([
    ["chat5", "chat5"],
    ["CHAT5", "chat5"],
    ["SG7", "sg7"],
    ["13", "13"],
    [13, "13"],
    [{ kind: "chat", id: 5 } as const, "chat5"],
    [{ kind: "group", id: 7 } as const, "sg7"],
  ])("sends %j as DIALOG_ID %s", (input, canonical) => {
    expect(imDialogWriting(input)).toEqual({
      method: "im.dialog.writing",
      params: { DIALOG_ID: canonical },
    });
  });

  it.each(["crm5", "chat0", "", " 13", 0, 1.5, { kind: "chat", id: -1 }])(
    "throws DialogIdError for %j",
    (input) => {
      expect(() => imDialogWriting(input as string)).toThrow(DialogIdError);
    },
  );
});

describe("imbotChatSendTyping", () => {
  it("sends BOT_ID, DIALOG_ID and CLIENT_ID in that order", () => {
    const call = imbotChatSendTyping({ dialogId: "Chat5", botId: 7, clientId: "bot-client" });
    expect(call.method).toBe("imbot.chat.sendTyping");
    expect(Object.entries(call.params)).toEqual([
      ["BOT_ID", 7],
      ["DIALOG_ID", "chat5"],
      ["CLIENT_ID", "bot-client"],
    ]);
  });

  it("leaves out what was not given", () => {
    expect(imbotChatSendTyping({ dialogId: 13 }).params).toEqual({ DIALOG_ID: "13" });
  });

  it("accepts workgroup chats", () => {
    expect(imbotChatSendTyping({ dialogId: "sg7", botId: 1 }).params).toEqual({
      BOT_ID: 1,
      DIALOG_ID: "sg7",
    });
  });

  it.each([0, -1, 1.5, Number.NaN, 2 ** 53, "7"])("rejects botId %j", (botId) => {
    expect(
      thrown(ConfigError, () => imbotChatSendTyping({ dialogId: "chat5", botId: botId as number }))
        .option,
    ).toBe("botId");
  });

  it.each(["", 5, null])("rejects clientId %j", (clientId) => {
    const run = () => imbotChatSendTyping({ dialogId: "chat5", clientId: clientId as string });
    expect(thrown(ConfigError, run).option).toBe("clientId");
  });

  it("validates the dialog id", () => {
    expect(() => imbotChatSendTyping({ dialogId: "notify" })).toThrow(DialogIdError);
  });
});

describe("imbotV2InputActionNotify", () => {
  it("sends camelCase params", () => {
    const call = imbotV2InputActionNotify({
      dialogId: "CHAT5",
      botId: 7,
      botToken: "bot-t0ken",
      statusMessageCode: "IMBOT_AGENT_ACTION_THINKING",
      duration: 600,
    });
    expect(call).toEqual({
      method: "imbot.v2.Chat.InputAction.notify",
      params: {
        botId: 7,
        dialogId: "chat5",
        botToken: "bot-t0ken",
        statusMessageCode: "IMBOT_AGENT_ACTION_THINKING",
        duration: 600,
      },
    });
  });

  it("leaves out the optional params", () => {
    expect(imbotV2InputActionNotify({ dialogId: 13, botId: 1, duration: 1 }).params).toEqual({
      botId: 1,
      dialogId: "13",
      duration: 1,
    });
  });

  it("rejects a workgroup chat with a DialogIdError naming the accepted forms", () => {
    for (const dialogId of ["sg7", { kind: "group", id: 7 } as const]) {
      const run = () => imbotV2InputActionNotify({ dialogId, botId: 7 });
      expect(run).toThrow(DialogIdError);
      expect(run).toThrow(/"chat5".*"13"/);
    }
  });

  it.each([0, 601, 1.5, -1, Number.NaN, Number.POSITIVE_INFINITY, "60"])(
    "rejects duration %j",
    (duration) => {
      const run = () =>
        imbotV2InputActionNotify({ dialogId: "chat5", botId: 7, duration: duration as number });
      const error = thrown(ConfigError, run);
      expect(error.option).toBe("duration");
      expect(error.message).toContain("1 to 600");
    },
  );

  it.each([undefined, 0, -7, 7.5, "7"])("rejects botId %j", (botId) => {
    const run = () => imbotV2InputActionNotify({ dialogId: "chat5", botId: botId as number });
    expect(thrown(ConfigError, run).option).toBe("botId");
  });

  it("rejects an empty botToken or statusMessageCode", () => {
    expect(
      thrown(ConfigError, () => imbotV2InputActionNotify({ dialogId: 1, botId: 1, botToken: "" }))
        .option,
    ).toBe("botToken");
    expect(
      thrown(ConfigError, () =>
        imbotV2InputActionNotify({ dialogId: 1, botId: 1, statusMessageCode: "" }),
      ).option,
    ).toBe("statusMessageCode");
  });

  it("never quotes a malformed botToken", () => {
    const error = thrown(ConfigError, () =>
      imbotV2InputActionNotify({
        dialogId: 1,
        botId: 1,
        botToken: { toString: () => "t0ken-leak" } as unknown as string,
      }),
    );
    expect(error.message).not.toContain("t0ken-leak");
  });
});

describe("missing options", () => {
  it("throw DialogIdError, not a TypeError", () => {
    expect(() => imbotChatSendTyping(undefined as never)).toThrow(DialogIdError);
    expect(() => imbotV2InputActionNotify(undefined as never)).toThrow(DialogIdError);
  });
});

describe("method descriptors: any input", () => {
  const TOKEN = "zQ9b0tT0kenSecret";
  const anything = fc.anything({
    withObjectString: true,
    withNullPrototype: true,
    withBigInt: true,
  });
  const field = (...valid: unknown[]) => fc.oneof(fc.constantFrom(...valid), anything);
  const options = fc.record(
    {
      dialogId: field("chat5", 13, "sg7", { kind: "user", id: 2 }),
      botId: field(7, 1),
      clientId: field("app.1"),
      botToken: field(TOKEN),
      statusMessageCode: field("THINKING"),
      duration: field(30, 600),
    },
    { requiredKeys: [] },
  );
  const descriptor = fc.constantFrom(
    (o: unknown) => imDialogWriting((o as { dialogId?: never })?.dialogId as never),
    (o: unknown) => imbotChatSendTyping(o as never),
    (o: unknown) => imbotV2InputActionNotify(o as never),
  );

  it("builds a call or throws DialogIdError / ConfigError, never showing a bot token", () => {
    fc.assert(
      fc.property(descriptor, fc.oneof(options, anything), (make, input) => {
        try {
          const call = make(input);
          expect(METHODS).toContain(call.method);
          // The dialog id goes out in its one canonical form, which the server's check takes.
          const dialogId = call.params.DIALOG_ID ?? call.params.dialogId;
          expect(formatDialogId(parseDialogId(dialogId as string))).toBe(dialogId);
          // Every parameter is plain text or a whole number in range: nothing undefined,
          // nested or fractional reaches the wire.
          for (const [key, value] of Object.entries(call.params)) {
            if (typeof value === "number")
              expect(Number.isSafeInteger(value) && value >= 1).toBe(true);
            else expect(typeof value === "string" && value !== "").toBe(true);
            if (key === "duration") expect(value).toBeLessThanOrEqual(600);
            if (value === TOKEN) expect(key).toBe("botToken");
          }
          expect(() => buildRequest(call, parseWebhookUrl(WEBHOOK))).not.toThrow();
        } catch (error) {
          expect([DialogIdError, ConfigError].some((type) => error instanceof type)).toBe(true);
          expect(String(error)).not.toContain(TOKEN);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
