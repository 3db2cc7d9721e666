import { expect, it } from "vitest";
import { LiveView } from "./live-view.js";
import { RequestMeter } from "./request-meter.js";
import { SCENE } from "./scene.js";
import { SceneDashboard } from "./scene-dashboard.js";

const writing = (dialog: string) => ({
  url: "http://127.0.0.1/rest/1/[REDACTED]/im.dialog.writing",
  body: JSON.stringify({ DIALOG_ID: dialog }),
});

it("counts the typing events after the first as refreshes of the dialog that is typing", () => {
  const lines: string[] = [];
  const meter = new RequestMeter();
  const rows = [
    { id: "chat1", title: "General", phase: "waiting" as const, refreshes: 0, requests: 0 },
  ];
  const view = new LiveView(
    { write: (text) => lines.push(text) },
    rows,
    () => ({ requests: meter.requests, level: 0, ...meter.budget }),
    () => 0,
  );
  const dashboard = new SceneDashboard(
    view,
    meter,
    (id) => `user ${id}`,
    1,
    () => 0,
  );
  const step = SCENE[0];
  if (step === undefined) throw new Error("the scene has no step");

  dashboard.botRequest(writing("chat1")); // before the scene's typing: not a refresh
  dashboard.asked(step);
  dashboard.typingStarted(step, 0);
  dashboard.botRequest(writing("chat1"));
  expect(view.row("chat1")).toMatchObject({ phase: "typing", refreshes: 0, requests: 2 });
  dashboard.botRequest(writing("chat1"));
  dashboard.botRequest(writing("chat1"));
  expect(view.row("chat1")).toMatchObject({ refreshes: 2, requests: 4 });
  expect(lines.join("")).toContain("chat1  user 2 asks: ");
  expect(lines.join("")).toContain("… typing 0.0 s · refreshes 2 · requests 4");
});
