/**
 * The recipient's page at `GET /`: every dialog with its messages and its
 * "<Name> is typing…" lines, redrawn from `/_emulator/state` whenever
 * `/_emulator/events` reports a change. Self-contained: no external assets.
 * Test hooks: each dialog is `[data-dialog-id="chat1"]`, each typing line `[data-typing]`.
 *
 * @example
 * ```ts
 * sendText(res, 200, "text/html; charset=utf-8", WEB_PAGE);
 * ```
 */
export const WEB_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Bitrix24 emulator</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; background: #f4f6f8; }
  body { color: #1f2933; }
  h1 { font-size: 1.2rem; }
  #dialogs { display: grid; gap: 1rem; }
  #dialogs { grid-template-columns: repeat(auto-fill, minmax(18rem, 1fr)); }
  section { background: #fff; border-radius: 8px; padding: .75rem 1rem; }
  section { box-shadow: 0 1px 2px #0002; }
  h2 { font-size: 1rem; margin: 0 0 .25rem; }
  .members { color: #616e7c; font-size: .85rem; margin: 0 0 .5rem; }
  ul { list-style: none; padding: 0; margin: 0; }
  li { padding: .15rem 0; }
  li b { margin-right: .4rem; }
  [data-typing] { color: #2f80ed; font-style: italic; margin: .4rem 0 0; }
  #status { color: #616e7c; font-size: .8rem; }
</style>
</head>
<body>
<h1>Bitrix24 emulator</h1>
<p id="status">connecting…</p>
<div id="dialogs"></div>
<script>
(() => {
  const root = document.getElementById("dialogs");
  const status = document.getElementById("status");
  const el = (tag, text, attrs) => {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
    return node;
  };
  const render = (state) => {
    root.replaceChildren(...state.dialogs.map((dialog) => {
      const section = el("section", undefined, { "data-dialog-id": dialog.id });
      section.append(el("h2", dialog.title + " (" + dialog.id + ")"));
      section.append(el("p", dialog.members.map((m) => m.name).join(", "), { class: "members" }));
      const list = el("ul");
      for (const message of dialog.messages) {
        const item = el("li", undefined, { "data-message-id": String(message.id) });
        item.append(el("b", message.authorName), document.createTextNode(message.text));
        list.append(item);
      }
      section.append(list);
      for (const line of dialog.typing) {
        section.append(el("p", line.senderName + " is typing…", {
          "data-typing": "", "data-sender-id": String(line.senderId),
        }));
      }
      return section;
    }));
  };
  let loading = false;
  let again = false;
  const refresh = async () => {
    if (loading) { again = true; return; }
    loading = true;
    try {
      const answer = await fetch("_emulator/state", { cache: "no-store" });
      render(await answer.json());
    } catch (error) {
      status.textContent = "state unavailable: " + error;
    } finally {
      loading = false;
      if (again) { again = false; refresh(); }
    }
  };
  const events = new EventSource("_emulator/events");
  events.onopen = () => { status.textContent = "live"; refresh(); };
  events.onmessage = () => refresh();
  events.onerror = () => { status.textContent = "reconnecting…"; };
  refresh();
})();
</script>
</body>
</html>
`;
