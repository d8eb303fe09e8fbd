// Concordia's landing page: mounts the rasa-webchat widget, shows the current step
// of the mediation, and says so plainly when the assistant cannot be reached.
(() => {
  "use strict";
  const config = JSON.parse(document.getElementById("config").textContent);
  const STORAGE_KEY = "chat_session"; // where rasa-webchat keeps the conversation
  const progress = document.getElementById("progress");
  const status = document.getElementById("status");
  const start = document.getElementById("start");
  const newConversation = document.getElementById("new-conversation");
  let sessionId = null;
  let mounted = false;

  for (const step of config.steps) {
    const item = document.createElement("li");
    item.dataset.step = step.id;
    item.textContent = `${step.number}. ${step.label}`;
    progress.appendChild(item);
  }

  function showProgress(current) {
    const ids = config.steps.map((s) => s.id);
    const index = ids.indexOf(current);
    progress.querySelectorAll("li").forEach((item, i) => {
      item.classList.toggle("done", index >= 0 && i < index);
      item.classList.toggle("current", i === index);
      item.setAttribute("aria-current", i === index ? "step" : "false");
    });
    progress.dataset.current = current || "";
  }

  async function refreshProgress() {
    if (!sessionId) return;
    try {
      const reply = await fetch(`/api/progress/${encodeURIComponent(sessionId)}`);
      if (reply.ok) showProgress((await reply.json()).step);
    } catch (error) {
      // the web app itself is unreachable; the chat banner covers the assistant
    }
  }

  function storedSessionId() {
    try {
      const stored = JSON.parse(window.localStorage.getItem(STORAGE_KEY));
      return stored && stored.session_id ? stored.session_id : null;
    } catch (error) {
      return null;
    }
  }

  function setReachable(reachable) {
    status.hidden = reachable;
  }

  function mount(payload, mode) {
    if (mounted) return;
    mounted = true;
    start.hidden = true;
    newConversation.hidden = false;
    window.WebChat.default(
      {
        embedded: true,
        withRules: false, // no Botfront rules: render at once
        // rasa-webchat holds each bot message back 30 ms per character (0.8 to 3 s),
        // as if typed: a three-message reply took seconds after the server answered.
        customMessageDelay: () => 0,
        socketUrl: `${window.location.protocol}//${window.location.hostname}:${config.rasaPort}`,
        socketPath: "/socket.io/",
        initPayload: payload,
        customData: { mode },
        title: "Concordia",
        subtitle: "Mediation assistant",
        inputTextFieldHint: "Type a message…",
        params: { storage: "local" },
        showCloseButton: false,
        showFullScreenButton: false,
        onSocketEvent: {
          connect: () => setReachable(true),
          connect_error: () => setReachable(false),
          disconnect: () => setReachable(false),
          // A new conversation has no session record until the assistant answers: its
          // progress is asked for after each reply, not here (a 404 in the console).
          session_confirm: (data) => {
            sessionId = (data && data.session_id) || data;
          },
          bot_uttered: () => window.setTimeout(refreshProgress, 250),
        },
      },
      document.getElementById("webchat"),
    );
  }

  start.querySelectorAll("button").forEach((button) => {
    button.addEventListener("click", () => mount(button.dataset.payload, button.dataset.mode));
  });
  newConversation.addEventListener("click", () => {
    window.localStorage.removeItem(STORAGE_KEY);
    window.location.reload();
  });

  sessionId = storedSessionId();
  if (sessionId) {
    mount("/greet", "mediation"); // a stored conversation continues where it was
    refreshProgress();
  }
})();
