// A mediation room: the view the server sends (bot/rooms/view.py), live over
// server-sent events, and the few things a participant can do in it. All text from
// the server is set with textContent, never parsed as HTML.
(function () {
  "use strict";
  const token = location.pathname.split("/")[2];
  const base = `/rooms/${token}`;
  const role = document.body.dataset.role;
  const live = document.getElementById("live");
  const errorBox = document.getElementById("error");
  const VOTES = [
    ["can_live_with", "Can live with"],
    ["needs_change", "Needs change"],
    ["cannot_accept", "Cannot accept"],
  ];
  let view = null;
  const selected = new Set();
  // What is being typed in a clause's boxes, kept across re-renders: a live update (a
  // vote from another party) must not wipe a comment or a revision half written.
  const drafts = new Map();

  function keepDraft(input, key) {
    if (drafts.has(key)) input.value = drafts.get(key);
    input.addEventListener("input", () => drafts.set(key, input.value));
  }

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function showError(message) {
    errorBox.textContent = message || "";
    errorBox.hidden = !message;
  }

  async function post(path, body) {
    showError("");
    const reply = await fetch(base + path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body || {}),
    });
    const data = await reply.json().catch(() => ({}));
    if (!reply.ok) {
      showError(data.error || `The server answered ${reply.status}.`);
      return null;
    }
    if (data.room) render(data);
    return data;
  }

  function kindLabel(kind) {
    return kind.replace("_", " ");
  }

  function renderCaucus() {
    const list = document.getElementById("caucus");
    if (!list) return;
    list.replaceChildren();
    for (const item of view.caucus) {
      const li = el("li");
      li.dataset.item = item.id;
      const box = el("input");
      box.type = "checkbox";
      box.checked = selected.has(item.id);
      box.disabled = item.state === "released";
      box.addEventListener("change", () => {
        if (box.checked) selected.add(item.id);
        else selected.delete(item.id);
      });
      li.append(box, " ", el("span", kindLabel(item.kind), "kind"), ": ");
      li.append(el("span", item.text, "text"), " ");
      li.append(el("span", item.state, `state state-${item.state}`));
      list.append(li);
    }
  }

  function renderJoint() {
    const joint = document.getElementById("joint");
    joint.replaceChildren();
    for (const party of view.parties) {
      const shared = view.joint.filter((i) => i.party === party);
      const block = el("div");
      block.dataset.party = party;
      block.append(el("h3", party));
      const list = el("ul");
      for (const item of shared) {
        const li = el("li");
        li.dataset.item = item.id;
        li.append(el("span", kindLabel(item.kind), "kind"), ": ", el("span", item.text, "text"));
        list.append(li);
      }
      if (!shared.length) list.append(el("li", "Nothing shared yet.", "hint"));
      block.append(list);
      joint.append(block);
    }
  }

  const GROUND_LABELS = {
    shared_need: "Shared need",
    compatible: "Compatible interests",
    contested: "Contested: to work on",
  };

  // The facilitator drafts a clause from a point or a measure: it fills the clause box.
  function draftButton(text) {
    const button = el("button", "Draft a clause from this");
    button.type = "button";
    button.addEventListener("click", () => {
      const box = document.querySelector("#new-clause textarea");
      box.value = text;
      box.focus();
    });
    return button;
  }

  function renderAnalysis() {
    const ground = document.getElementById("common-ground");
    const measures = document.getElementById("measures");
    ground.replaceChildren();
    measures.replaceChildren();
    for (const point of view.analysis.common_ground) {
      const li = el("li");
      li.dataset.kind = point.kind;
      li.append(el("strong", `${GROUND_LABELS[point.kind] || point.kind}: `), el("span", point.text));
      if (role === "facilitator" && point.kind !== "contested") li.append(" ", draftButton(point.text));
      ground.append(li);
    }
    const unavailable = view.analysis.unavailable;
    if (!view.analysis.common_ground.length) ground.append(el("li", unavailable || "Nothing yet: it comes from shared interests.", "hint"));
    for (const measure of view.analysis.measures) {
      const li = el("li");
      li.append(el("strong", measure.title), " ", el("span", measure.reason, "hint"));
      if (role === "facilitator") li.append(" ", draftButton(measure.title));
      measures.append(li);
    }
    if (!view.analysis.measures.length) measures.append(el("li", unavailable ? "Not available right now." : "None yet.", "hint"));
  }

  function renderLedger() {
    const table = document.getElementById("ledger");
    if (!table) return;
    const body = table.querySelector("tbody");
    body.replaceChildren();
    for (const item of view.ledger) {
      const row = el("tr");
      row.append(el("td", item.party), el("td", kindLabel(item.kind)));
      row.append(el("td", item.state), el("td", item.text === null ? "(private)" : item.text));
      body.append(row);
    }
  }

  function renderClauses() {
    const list = document.getElementById("clauses");
    list.replaceChildren();
    // Highest consensus first (bot/rooms/consensus.py); each keeps its own number.
    const byNumber = new Map(view.text.map((c) => [c.number, c]));
    for (const clause of view.ranking.map((n) => byNumber.get(n))) {
      const li = el("li");
      li.value = clause.number;
      li.dataset.clause = clause.number;
      li.dataset.version = clause.version;
      li.append(el("span", clause.text, "clause-text"));
      li.append(el("span", `${clause.status} · v${clause.version}`, `clause-status clause-${clause.status}`));
      li.append(el("span", `consensus ${Math.round(clause.score * 100)}%`, "clause-score"));
      const votes = el("p", "", "votes");
      for (const party of view.parties) {
        const vote = clause.votes[party];
        const comment = clause.comments[party];
        votes.append(el("span", `${party}: ${vote ? vote.replace(/_/g, " ") : "not voted"}${comment ? ` (“${comment}”)` : ""}. `));
      }
      li.append(votes);
      if (role === "party" && view.room.status === "open") li.append(voteControls(clause));
      if (role === "facilitator" && view.room.status === "open") li.append(reviseControls(clause));
      list.append(li);
    }
    const confirmed = view.confirmed || [];
    document.getElementById("confirmations").textContent = confirmed.length
      ? `Confirmed as it reads now by ${confirmed.join(", ")}.`
      : view.text.length ? "Nobody has confirmed the text as it reads now." : "";
    const confirm = document.getElementById("confirm-text");
    if (confirm) confirm.disabled = confirmed.includes(view.me.name);
    document.getElementById("export-md").href = `${base}/export.md`;
    document.getElementById("export-json").href = `${base}/export.json`;
  }

  function voteControls(clause) {
    const box = el("div", "", "vote");
    const comment = el("input");
    comment.placeholder = "What needs to change?";
    comment.maxLength = 8000;
    const key = `comment-${clause.number}-${clause.version}`;
    keepDraft(comment, key);
    for (const [value, label] of VOTES) {
      const button = el("button", label);
      button.type = "button";
      button.dataset.vote = value;
      button.addEventListener("click", async () => {
        const sent = await post(`/api/clauses/${clause.number}/vote`, {
          version: clause.version,
          vote: value,
          comment: comment.value || null,
        });
        if (sent) drafts.delete(key);
        if (sent === null && errorBox.textContent.includes("revised")) {
          await refresh(); // the new version is shown; vote on it
        }
      });
      box.append(button, " ");
    }
    box.append(comment);
    return box;
  }

  function reviseControls(clause) {
    const form = el("form", "", "revise");
    const area = el("textarea");
    area.rows = 2;
    area.value = clause.text;
    area.maxLength = 8000;
    const key = `revise-${clause.number}-${clause.version}`;
    keepDraft(area, key);
    const button = el("button", "Revise");
    button.type = "submit";
    form.append(area, button);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (await post(`/api/clauses/${clause.number}`, { text: area.value })) drafts.delete(key);
    });
    return form;
  }

  function renderParticipants() {
    const list = document.getElementById("participants");
    if (!list) return;
    list.replaceChildren();
    for (const party of view.parties) {
      // No "new link" here: a facilitator holding a party's link could read its caucus.
      // A lost link is replaced on the command line (`concordia rooms new-link`).
      const li = el("li", party + " ");
      const revoke = el("button", "Revoke links");
      revoke.type = "button";
      revoke.addEventListener("click", () => post(`/api/participants/${encodeURIComponent(party)}/revoke`));
      li.append(revoke);
      list.append(li);
    }
  }

  // -- the caucus chat (a party's own conversation with the assistant) -----------------
  function renderChat(messages) {
    const list = document.getElementById("chat");
    if (!list) return;
    list.replaceChildren();
    for (const line of messages) {
      if (line.speaker === "user" && line.text.startsWith("/")) continue; // a button's payload
      list.append(el("li", line.text, `chat-${line.speaker}`));
    }
    list.scrollTop = list.scrollHeight;
  }

  function renderButtons(replies) {
    const box = document.getElementById("chat-buttons");
    if (!box) return;
    box.replaceChildren();
    for (const reply of replies) {
      for (const choice of reply.buttons || []) {
        const button = el("button", choice.title);
        button.type = "button";
        button.addEventListener("click", () => say(choice.payload));
        box.append(button, " ");
      }
    }
  }

  async function loadChat() {
    const reply = await fetch(`${base}/api/caucus`);
    const data = await reply.json().catch(() => ({ messages: [] }));
    if (!reply.ok) return null;
    renderChat(data.messages);
    return data.messages;
  }

  // A message sent again after a failure keeps its id: if the assistant had taken it
  // before failing to answer, it is recorded once.
  let unsent = null;

  async function say(text) {
    const list = document.getElementById("chat");
    if (!text.startsWith("/")) list.append(el("li", text, "chat-user pending"));
    const id = unsent && unsent.text === text ? unsent.id : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const sent = await post("/api/say", { text, message_id: id });
    unsent = sent ? null : { text, id };
    if (!sent) return null;
    await loadChat();
    renderButtons(sent.replies);
    return sent;
  }

  function render(data) {
    view = data;
    renderCaucus();
    renderJoint();
    renderAnalysis();
    renderLedger();
    renderClauses();
    renderParticipants();
    if (view.room.status !== "open") live.textContent = "This room is closed.";
  }

  async function refresh() {
    const reply = await fetch(`${base}/api/view`);
    const data = await reply.json().catch(() => ({}));
    if (reply.ok) render(data);
    else showError(data.error || `The server answered ${reply.status}.`);
  }

  function listen() {
    const source = new EventSource(`${base}/events`);
    source.addEventListener("view", (event) => {
      live.textContent = "Live";
      render(JSON.parse(event.data));
    });
    source.addEventListener("caucus", (event) => renderChat(JSON.parse(event.data).messages));
    source.addEventListener("refused", (event) => {
      source.close();
      live.textContent = JSON.parse(event.data).error;
    });
    source.onerror = () => {
      live.textContent = "Reconnecting…";
    };
  }

  function onSubmit(id, handler) {
    const form = document.getElementById(id);
    if (!form) return;
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const fields = Object.fromEntries(new FormData(form).entries());
      if (!(await handler(fields))) return; // failed: what was typed stays
      // Clear what was sent, not what was typed while it was on its way.
      for (const [name, value] of Object.entries(fields)) {
        const input = form.elements.namedItem(name);
        if (input && input.tagName !== "SELECT" && input.value === value) input.value = "";
      }
    });
  }

  function onClick(id, handler) {
    const button = document.getElementById(id);
    if (button) button.addEventListener("click", handler);
  }

  async function setState(items, state) {
    if (items !== "all" && !items.length) {
      showError("Tick the items first.");
      return;
    }
    if (await post("/api/items/state", { items, state })) selected.clear();
    renderCaucus();
  }

  onSubmit("new-item", (f) => post("/api/items", { kind: f.kind, text: f.text }));
  onSubmit("new-clause", (f) => post("/api/clauses", { text: f.text }));
  onSubmit("new-party", async (f) => {
    const made = await post("/api/parties", { name: f.name });
    if (made) document.getElementById("new-link").textContent = `${made.name}: ${made.url}`;
    return made;
  });
  onClick("share-selected", () => setState([...selected], "released"));
  onClick("mark-selected", () => setState([...selected], "shareable"));
  onClick("keep-selected", () => setState([...selected], "private"));
  onClick("share-all", () => setState("all", "released"));
  onClick("close-room", () => post("/api/close"));
  onClick("confirm-text", async () => {
    // The digest of the text this page shows: a text changed meanwhile is not confirmed.
    await post("/api/confirm", { text_digest: view.final_text_digest }); // re-renders
  });

  onSubmit("say", (f) => say(f.text));

  refresh()
    .then(listen)
    .then(async () => {
      if (role !== "party") return;
      const messages = await loadChat();
      if (messages && !messages.length) await say("/start_caucus"); // the first visit
    });
})();
