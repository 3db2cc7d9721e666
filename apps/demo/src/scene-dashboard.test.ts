import type { MessageContext } from "@b24im/bot";
import { expect, it } from "vitest";
import { LiveView } from "./live-view.js";
import type { RecipientView } from "./recipients.js";
import { RequestMeter } from "./request-meter.js";
import { initialRows, SCENE } from "./scene.js";
import { SceneDashboard } from "./scene-dashboard.js";

const notify = (dialogId: string, status: string) => ({
  url: "http://127.0.0.1/rest/1/[REDACTED]/imbot.v2.Chat.InputAction.notify",
  body: JSON.stringify({ botId: 5, dialogId, statusMessageCode: `IMBOT_AGENT_ACTION_${status}` }),
});
const message = (id: number, dialogId: string) =>
  ({
    dialogId,
    user: { id: 2, name: "Boris Petrov", bot: false },
    message: { id, chatId: 1, authorId: 2, text: "question", date: "" },
  }) as unknown as MessageContext;

function setUp() {
  const lines: string[] = [];
  let now = 0;
  const meter = new RequestMeter();
  const shown = new Map<string, { text: string; since: number }>();
  const recipients: RecipientView = {
    line: (id) => shown.get(id),
    name: (id) => ({ chat1: "General (chat1)", "3-5": "Clara Ivanova & Helper (3-5)" })[id] ?? id,
  };
  const view = new LiveView(
    { write: (text) => lines.push(text) },
    initialRows(SCENE),
    () => ({ requests: meter.requests, kinds: meter.kinds, level: 0, ...meter.budget }),
    () => now,
  );
  const dashboard = new SceneDashboard({
    view,
    meter,
    recipients,
    bot: { id: 5, name: "Helper" },
    nameOf: () => "Boris Petrov",
    now: () => now,
  });
  return { lines, view, dashboard, shown, tick: (ms: number) => (now += ms) };
}

it("shows each dialog's question, what recipients read while the bot works, and the answer", () => {
  const { lines, view, dashboard, shown, tick } = setUp();
  const general = SCENE[0];
  if (general === undefined) throw new Error("the scene has no step");

  dashboard.asked(general, 101);
  tick(400);
  dashboard.received(message(101, "chat1"));
  expect(view.row("chat1")).toMatchObject({ phase: "thinking", status: undefined });

  dashboard.botRequest(notify("chat1", "THINKING"));
  shown.set("chat1", { text: "Agent is thinking…", since: 400 });
  dashboard.botResponse(notify("chat1", "THINKING"));
  tick(2_000);
  dashboard.botRequest(notify("chat1", "THINKING"));
  dashboard.botResponse(notify("chat1", "THINKING"));
  tick(500);
  dashboard.botRequest(notify("chat1", "READING_DOCS"));
  shown.set("chat1", { text: "Agent is studying documents…", since: 400 });
  dashboard.botResponse(notify("chat1", "READING_DOCS"));
  expect(view.row("chat1")).toMatchObject({
    phase: "thinking",
    status: "Agent is studying documents…",
    statuses: 2,
    refreshes: 1,
    requests: 3,
  });
  tick(1_000);
  dashboard.answered(message(101, "chat1"), { messageId: 102, text: "Friday.", tookMs: 3_500 });
  expect(view.row("chat1")).toMatchObject({ phase: "answered", tookMs: 3_900, statuses: 2 });
  expect(dashboard.textsSeen("chat1")).toEqual([
    "Agent is thinking…",
    "Agent is studying documents…",
  ]);

  const text = lines.join("");
  expect(text).toContain(`General (chat1) · Boris Petrov asks: ${general.question}`);
  expect(text).toContain("General (chat1) · Helper picked it up, 0.4 s after it was asked");
  expect(text).toContain(
    "General (chat1) • Agent is thinking… · up 2.0 s · 1 refresh · 2 requests",
  );
  expect(text).toContain("General (chat1) ✓ answered after 3.9 s · 2 statuses, 1 refresh");
  expect(text).toContain("General (chat1) · Helper answers: Friday.");
});

it("finds a private dialog's line under the page's id, and logs messages nobody scripted", () => {
  const { lines, view, dashboard, shown } = setUp();
  dashboard.received(message(900, "3"));
  expect(lines.join("")).toContain("Clara Ivanova & Helper (3-5) · Boris Petrov writes: question");
  dashboard.botRequest(notify("3", "THINKING"));
  shown.set("3-5", { text: "Agent is thinking…", since: 0 });
  dashboard.botResponse(notify("3", "THINKING"));
  expect(view.row("3-5")).toMatchObject({ status: "Agent is thinking…", requests: 1 });
  dashboard.interrupted(message(900, "3"), true);
  expect(view.row("3-5")).toMatchObject({
    phase: "failed",
    note: "stopped by Ctrl-C (apologised)",
  });
});
