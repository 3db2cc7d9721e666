import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../emulator-types.js";
import { startEmulator } from "../server.js";
import { postJson } from "../test-http.js";

describe("im.dialog.writing", () => {
  let emulator: Emulator;
  let url: string;
  beforeAll(async () => {
    emulator = await startEmulator();
    url = `${emulator.webhookUrl()}im.dialog.writing`;
  });
  beforeEach(() => emulator.reset());
  afterAll(() => emulator.close());

  const typingIn = (dialogId: string) =>
    emulator.state().dialogs.find((dialog) => dialog.id === dialogId)?.typing ?? [];

  it("shows the caller typing in a chat, a workgroup chat and a private dialog", async () => {
    for (const dialogId of ["chat1", "SG1", "2"]) {
      expect((await postJson(url, { DIALOG_ID: dialogId })).body.result).toBe(true);
    }
    expect(typingIn("chat1")).toEqual([
      expect.objectContaining({ senderId: 1, senderName: "Anna Admin" }),
    ]);
    expect(typingIn("sg1")).toHaveLength(1);
    expect(typingIn("1-2")).toHaveLength(1);
  });

  it("accepts a numeric DIALOG_ID", async () => {
    expect((await postJson(url, { DIALOG_ID: 3 })).body.result).toBe(true);
    expect(typingIn("1-3")).toHaveLength(1);
  });

  it.each([["user2"], ["chat"], ["chat1 "], [""]])(
    "refuses DIALOG_ID %j with 400 DIALOG_ID_EMPTY",
    async (dialogId) => {
      const { status, body } = await postJson(url, { DIALOG_ID: dialogId });
      expect([status, body.error]).toEqual([400, "DIALOG_ID_EMPTY"]);
    },
  );

  it.each([
    ["1", "the caller's own id"],
    ["chat99", "an unknown chat"],
    ["999", "an unknown user"],
    ["sg7", "an unknown workgroup"],
    ["crm5", "a CRM entity"],
  ])("refuses %s (%s) with 403 ACCESS_ERROR", async (dialogId) => {
    const { status, body } = await postJson(url, { DIALOG_ID: dialogId });
    expect([status, body.error]).toEqual([403, "ACCESS_ERROR"]);
  });

  it("refuses a chat the caller is not a member of", async () => {
    const custom = await startEmulator({
      seed: {
        users: [
          { id: 1, name: "A" },
          { id: 2, name: "B" },
        ],
        chats: [{ id: 5, title: "Closed", members: [2] }],
        webhooks: [{ userId: 1, code: "c0de" }],
      },
    });
    const answer = await postJson(`${custom.webhookUrl()}im.dialog.writing`, {
      DIALOG_ID: "chat5",
    });
    expect([answer.status, answer.body.error]).toEqual([403, "ACCESS_ERROR"]);
    await custom.close();
  });

  it("takes the old numeric CHAT_ID, with CHAT_ID_EMPTY for a bad one", async () => {
    expect((await postJson(url, { CHAT_ID: 2 })).body.result).toBe(true);
    expect(typingIn("chat2")).toHaveLength(1);
    const bad = await postJson(url, { CHAT_ID: "abc" });
    expect([bad.status, bad.body.error]).toEqual([400, "CHAT_ID_EMPTY"]);
  });

  it("answers true and does nothing without DIALOG_ID", async () => {
    expect((await postJson(url, {})).body.result).toBe(true);
    expect(emulator.state().dialogs.flatMap((dialog) => dialog.typing)).toEqual([]);
  });
});
