import { expect, it } from "vitest";
import { dialogName, pageDialogId } from "./dialog-names.js";

it("names a dialog as the emulator's page heads it", () => {
  expect(pageDialogId("3", 5)).toBe("3-5");
  expect(pageDialogId("7", 5)).toBe("5-7");
  expect(pageDialogId("Chat1", 5)).toBe("chat1");
  expect(dialogName("General", "chat1")).toBe("General (chat1)");
});
