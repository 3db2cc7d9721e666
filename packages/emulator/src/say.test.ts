import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "./emulator-types.js";
import type { EmulatorSeed } from "./seed.js";
import { startEmulator } from "./server.js";
import { postJson } from "./test-http.js";

const seed: EmulatorSeed = {
  users: [
    { id: 1, name: "Anna", lastName: "Admin" },
    { id: 2, name: "Boris", lastName: "Petrov" },
  ],
  chats: [
    { id: 1, title: "General", members: [1, 2, 100, 200] },
    { id: 2, title: "Quiet", members: [1, 2] },
    { id: 3, title: "Team chat", members: [1, 100] },
  ],
  workgroups: [{ id: 7, name: "Team", chatId: 3 }],
  bots: [
    { id: 100, name: "Helper", clientId: "app", botToken: "helper-token", code: "helper" },
    {
      id: 200,
      name: "Watcher",
      clientId: "app",
      botToken: "watcher-token",
      code: "watcher",
      type: "supervisor",
    },
  ],
  webhooks: [{ userId: 1, code: "hook1" }],
};

interface Event {
  eventId: number;
  type: string;
  date: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read the documented event shape.
  data: Record<string, any>;
}

describe("say() and ONIMBOTV2MESSAGEADD in fetch mode", () => {
  let emulator: Emulator;
  const clock = Date.UTC(2026, 2, 4, 5, 6, 7);
  beforeAll(async () => {
    emulator = await startEmulator({ seed, now: () => clock });
  });
  beforeEach(() => emulator.reset());
  afterAll(() => emulator.close());

  const poll = async (botId: number, token: string): Promise<Event[]> => {
    const { body } = await postJson(`${emulator.webhookUrl()}imbot.v2.Event.get`, {
      botId,
      botToken: token,
    });
    return body.result.events;
  };
  const helperEvents = () => poll(100, "helper-token");
  const watcherEvents = () => poll(200, "watcher-token");

  it("turns a private message into the documented event, dialogId = the person", async () => {
    const id = emulator.say({ from: 1, dialogId: "100", text: "Hello, bot" });
    expect(id).toEqual(expect.any(Number));
    const [event, ...rest] = await helperEvents();
    expect(rest).toEqual([]);
    expect(event).toEqual({
      eventId: expect.any(Number),
      type: "ONIMBOTV2MESSAGEADD",
      date: "2026-03-04T05:06:07+00:00",
      data: {
        bot: {
          id: 100,
          code: "helper",
          type: "bot",
          isHidden: false,
          isSupportOpenline: false,
          isReactionsEnabled: true,
          backgroundId: null,
          language: "en",
          moduleId: "rest",
          eventMode: "fetch",
          countMessage: 0,
          countCommand: 0,
          countChat: 2,
          countUser: 1,
        },
        message: {
          id,
          chatId: expect.any(Number),
          authorId: 1,
          date: "2026-03-04T05:06:07+00:00",
          text: "Hello, bot",
          isSystem: false,
          uuid: "",
          forward: null,
          params: {},
          viewedByOthers: false,
        },
        chat: {
          id: event?.data.message.chatId,
          dialogId: "1",
          type: "private",
          name: "",
          entityType: "",
          owner: 100,
          avatar: "",
          color: expect.stringMatching(/^#[0-9a-f]{6}$/),
        },
        user: expect.objectContaining({
          id: 1,
          active: true,
          name: "Anna Admin",
          firstName: "Anna",
          lastName: "Admin",
          bot: false,
          type: "employee",
          idle: false,
          lastActivityDate: false,
        }),
        language: "en",
      },
    });
    expect(event?.data.bot).not.toHaveProperty("auth");
    // The private dialog is a chat of its own, not one of the seeded ones.
    expect(event?.data.message.chatId).toBeGreaterThan(3);
    const shown = emulator.state().dialogs.find((dialog) => dialog.id === "1-100");
    expect(shown?.messages).toEqual([expect.objectContaining({ id, text: "Hello, bot" })]);
  });

  it("lets the bot answer where the event says, in the person's private dialog", async () => {
    emulator.say({ from: 1, dialogId: "100", text: "ping" });
    const [event] = await helperEvents();
    const answer = await postJson(`${emulator.webhookUrl()}imbot.v2.Chat.Message.send`, {
      botId: 100,
      botToken: "helper-token",
      dialogId: event?.data.chat.dialogId,
      fields: { message: "pong" },
    });
    expect(answer.body.result.id).toBeGreaterThan(event?.data.message.id);
    const shown = emulator.state().dialogs.find((dialog) => dialog.id === "1-100");
    expect(shown?.messages.map((message) => message.text)).toEqual(["ping", "pong"]);
    // The bot's own message is no event for anyone.
    expect(await helperEvents()).toHaveLength(1);
  });

  it("gives a type-bot bot group messages only when mentioned, a supervisor all", async () => {
    emulator.say({ from: 2, dialogId: "chat1", text: "nobody is mentioned" });
    emulator.say({ from: 2, dialogId: "chat1", text: "[USER=100]Helper[/USER] help" });
    emulator.say({ from: 1, dialogId: "chat1", text: "@helper, are you there?" });
    emulator.say({ from: 1, dialogId: "chat2", text: "no bots here" });
    expect((await helperEvents()).map((event) => event.data.message.text)).toEqual([
      "[USER=100]Helper[/USER] help",
      "@helper, are you there?",
    ]);
    const watched = await watcherEvents();
    expect(watched.map((event) => event.data.message.text)).toEqual([
      "nobody is mentioned",
      "[USER=100]Helper[/USER] help",
      "@helper, are you there?",
    ]);
    expect(watched[0]?.data.chat).toMatchObject({
      id: 1,
      dialogId: "chat1",
      type: "chat",
      name: "General",
    });
    expect(watched[0]?.data.user).toMatchObject({ id: 2, name: "Boris Petrov" });
  });

  it("names a workgroup's chat by its chat id, which the bot can answer in", async () => {
    emulator.say({ from: 1, dialogId: "sg7", text: "@Helper hi" });
    const [event] = await helperEvents();
    expect(event?.data.chat).toMatchObject({ dialogId: "chat3", entityType: "SONET_GROUP" });
    const answer = await postJson(`${emulator.webhookUrl()}imbot.v2.Chat.Message.send`, {
      botId: 100,
      botToken: "helper-token",
      dialogId: "chat3",
      fields: { message: "hello team" },
    });
    expect(answer.status).toBe(200);
    const team = emulator.state().dialogs.find((dialog) => dialog.id === "sg7");
    expect(team?.messages.map((message) => message.text)).toEqual(["@Helper hi", "hello team"]);
  });

  it("makes im.message.add from a person an event too", async () => {
    await postJson(`${emulator.webhookUrl()}im.message.add`, { DIALOG_ID: "100", MESSAGE: "rest" });
    expect((await helperEvents()).map((event) => event.data.message.text)).toEqual(["rest"]);
  });

  it("ends the writer's typing line", async () => {
    await postJson(`${emulator.webhookUrl()}im.dialog.writing`, { DIALOG_ID: "chat1" });
    emulator.say({ from: 1, dialogId: "chat1", text: "done typing" });
    const chat1 = emulator.state().dialogs.find((dialog) => dialog.id === "chat1");
    expect(chat1?.typing).toEqual([]);
  });

  it.each([
    [{ from: 9, dialogId: "chat1", text: "x" }, TypeError, /from must be/],
    [{ from: 1, dialogId: "user2", text: "x" }, TypeError, /dialogId must be/],
    [{ from: 1, dialogId: "chat1", text: "" }, TypeError, /text must be/],
    [{ from: 1, dialogId: "chat9", text: "x" }, Error, /cannot write in chat9/],
    [{ from: 1, dialogId: "1", text: "x" }, Error, /cannot write in 1/],
  ])("refuses %j", (options, errorClass, message) => {
    expect(() => emulator.say(options)).toThrow(errorClass);
    expect(() => emulator.say(options)).toThrow(message);
  });

  it("serves POST /_emulator/say for the page's message box", async () => {
    const ok = await postJson(`${emulator.url}/_emulator/say`, {
      from: 2,
      dialogId: "100",
      text: "from the page",
    });
    expect(ok.body.result).toEqual(expect.any(Number));
    expect((await helperEvents()).map((event) => event.data.chat.dialogId)).toEqual(["2"]);
    const bad = await postJson(`${emulator.url}/_emulator/say`, { from: 2, dialogId: "chat2" });
    expect([bad.status, bad.body.error]).toEqual([400, "INVALID_REQUEST"]);
    const get = await fetch(`${emulator.url}/_emulator/say`);
    expect(get.status).toBe(405);
  });

  it("lists the users, bots marked, in the state", () => {
    expect(emulator.state().users).toEqual([
      { id: 1, name: "Anna Admin", bot: false },
      { id: 2, name: "Boris Petrov", bot: false },
      { id: 100, name: "Helper", bot: true },
      { id: 200, name: "Watcher", bot: true },
    ]);
  });
});

describe("applicationToken", () => {
  it("is stable for a bot, different per bot and per emulator", async () => {
    const one = await startEmulator({ seed });
    const two = await startEmulator({ seed });
    expect(one.applicationToken(100)).toMatch(/^[0-9a-f]{32}$/);
    expect(one.applicationToken(100)).toBe(one.applicationToken(100));
    expect(one.applicationToken(100)).not.toBe(one.applicationToken(200));
    expect(one.applicationToken(100)).not.toBe(two.applicationToken(100));
    expect(() => one.applicationToken(1)).toThrow(/No bot 1/);
    await Promise.all([one.close(), two.close()]);
  });
});
