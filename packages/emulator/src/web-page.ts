/**
 * The recipient's page at `GET /`: every dialog with its messages and its status lines
 * ("<Name> is typing…", "Agent is thinking…"), redrawn from `/_emulator/state` whenever
 * `/_emulator/events` reports a change, and a message box that lets a person write
 * (POST `/_emulator/say`). Messages carry their time; the status line says "connected"
 * until the first change, then "live" with the time of the last one, and that the emulator
 * stopped when its event stream ends. Self-contained: no external assets. Test hooks: each
 * dialog is `[data-dialog-id="chat1"]`, each typing line `[data-typing]`, a system message
 * `[data-system]`, the status `#status`, the box `form#say` with `#say-from`, `#say-to`,
 * `#say-text`.
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
  time { color: #9aa5b1; font-size: .75rem; margin-right: .4rem; }
  [data-system] { color: #616e7c; font-style: italic; }
  #status { color: #616e7c; font-size: .8rem; }
  #say { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin: 0 0 1rem; }
  #say-text { flex: 1 1 20rem; padding: .3rem; }
  #say-result { color: #616e7c; font-size: .8rem; }
</style>
</head>
<body>
<h1>Bitrix24 emulator</h1>
<p id="status">connecting…</p>
<form id="say">
  <label>From <select id="say-from"></select></label>
  <label>To <select id="say-to"></select></label>
  <input id="say-text" autocomplete="off" maxlength="20000"
    placeholder="Message (in a group chat, mention a bot as @Bot Name)">
  <button type="submit">Send</button>
  <span id="say-result"></span>
</form>
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
  const from = document.getElementById("say-from");
  const to = document.getElementById("say-to");
  const text = document.getElementById("say-text");
  const result = document.getElementById("say-result");
  let latest = { users: [], dialogs: [] };
  let people = "";
  const option = (value, label) => { const node = el("option", label); node.value = value; return node; };
  // Where the chosen sender can write: their chats by id, everyone else privately by user id.
  const fillTo = () => {
    const sender = Number(from.value);
    const kept = to.value;
    const chats = latest.dialogs.filter((d) => !d.id.includes("-") &&
      d.members.some((m) => m.id === sender));
    const others = latest.users.filter((u) => u.id !== sender);
    to.replaceChildren(...chats.map((d) => option(d.id, d.title + " (" + d.id + ")")),
      ...others.map((u) => option(String(u.id), u.name + (u.bot ? " (bot)" : "") + " — private")));
    if ([...to.options].some((o) => o.value === kept)) to.value = kept;
  };
  const fillFrom = (state) => {
    latest = state;
    const humans = state.users.filter((u) => !u.bot);
    const key = humans.map((u) => u.id + ":" + u.name).join(",");
    if (key !== people) {
      people = key;
      const kept = from.value;
      from.replaceChildren(...humans.map((u) => option(String(u.id), u.name)));
      if ([...from.options].some((o) => o.value === kept)) from.value = kept;
    }
    fillTo();
  };
  from.addEventListener("change", fillTo);
  document.getElementById("say").addEventListener("submit", async (event) => {
    event.preventDefault();
    if (text.value.trim() === "") return;
    const body = { from: Number(from.value), dialogId: to.value, text: text.value };
    try {
      const answer = await fetch("_emulator/say", {
        method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body),
      });
      const json = await answer.json();
      if (answer.ok) { text.value = ""; result.textContent = "sent #" + json.result; }
      else result.textContent = json.error_description || json.error;
    } catch (error) {
      result.textContent = "not sent: " + error;
    }
  });
  const clock = (at) => new Date(at).toLocaleTimeString([], { hour12: false });
  const render = (state) => {
    fillFrom(state);
    root.replaceChildren(...state.dialogs.map((dialog) => {
      const section = el("section", undefined, { "data-dialog-id": dialog.id });
      section.append(el("h2", dialog.title + " (" + dialog.id + ")"));
      section.append(el("p", dialog.members.map((m) => m.name).join(", "), { class: "members" }));
      const list = el("ul");
      for (const message of dialog.messages) {
        const item = el("li", undefined, { "data-message-id": String(message.id) });
        if (message.system) item.setAttribute("data-system", "");
        item.append(el("time", clock(message.at), { datetime: new Date(message.at).toISOString() }),
          el("b", message.authorName), document.createTextNode(message.text));
        list.append(item);
      }
      section.append(list);
      for (const line of dialog.typing) {
        const shown = line.statusMessageCode ? line.senderName + " — " + line.text : line.text;
        section.append(el("p", shown || line.senderName + " is typing…", {
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
  // "connected" until something happens, then "live" with the time of the last change; when
  // the emulator stops, it says so instead of reconnecting forever.
  let ended = false;
  const events = new EventSource("_emulator/events");
  events.onopen = () => { status.textContent = "connected · waiting for activity"; refresh(); };
  events.onmessage = () => {
    status.textContent = "live · last change " + clock(Date.now());
    refresh();
  };
  events.addEventListener("end", () => {
    ended = true;
    events.close();
    status.textContent = "the emulator stopped at " + clock(Date.now()) +
      " (the demo or test that ran it ended) · this page no longer updates";
  });
  events.onerror = () => { if (!ended) status.textContent = "reconnecting…"; };
  refresh();
})();
</script>
</body>
</html>
`;
