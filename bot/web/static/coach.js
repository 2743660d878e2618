// Coach dashboard: live inbox and transcript over Server-Sent Events.
// The server tells *that* something changed; we fetch JSON and build the DOM
// with createElement/textContent only (no HTML parsing): user text stays text.
"use strict";

(function () {
  const configNode = document.getElementById("coach-config");
  if (!configNode) return;
  const config = JSON.parse(configNode.textContent);
  const texts = config.texts;
  const baseTitle = document.title;
  let knownUrgent = null;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function beep() {
    try {
      const Context = window.AudioContext || window.webkitAudioContext;
      if (!Context) return;
      const audio = new Context();
      const tone = audio.createOscillator();
      const gain = audio.createGain();
      tone.frequency.value = 880;
      gain.gain.value = 0.1;
      tone.connect(gain);
      gain.connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + 0.25);
      tone.onended = function () { audio.close(); };
    } catch (error) {
      // Browsers may block sound before the first click; the alert still shows.
    }
  }

  function showUrgent(urgent) {
    document.title = urgent > 0 ? "(" + urgent + ") " + baseTitle : baseTitle;
    if (knownUrgent !== null && urgent > knownUrgent) {
      const alertBox = document.getElementById("urgent-alert");
      if (alertBox) {
        alertBox.textContent = texts.newUrgent;
        alertBox.hidden = false;
      }
      beep();
    }
    knownUrgent = urgent;
  }

  function inboxRow(row) {
    const item = el("li", "row " + row.priority + (row.over_target ? " late" : ""));
    item.dataset.escalationId = String(row.id);
    item.dataset.priority = row.priority;
    item.dataset.status = row.status;
    const link = el("a", "row-link");
    link.href = row.url;
    link.appendChild(el("span", row.priority === "urgent" ? "priority urgent" : "priority", row.priority_name));
    link.appendChild(el("span", "name", row.name));
    link.appendChild(el("span", "reason", row.reason));
    item.appendChild(link);
    item.appendChild(el("span", "meta region", row.region));
    item.appendChild(el("span", "meta channel", row.channel));
    const waiting = el("span", "meta waiting", row.waiting);
    if (row.target_text) {
      waiting.appendChild(document.createTextNode(" "));
      waiting.appendChild(el("span", row.over_target ? "target over" : "target", row.target_text));
    }
    item.appendChild(waiting);
    const labels = el("span", "labels");
    row.labels.forEach(function (label) { labels.appendChild(el("span", "label", label)); });
    item.appendChild(labels);
    item.appendChild(el("span", "meta assignee", row.assignee));
    const last = el("p", "last");
    last.appendChild(el("span", "last-seen", texts.lastSeen + ": " + (row.last_seen || "–")));
    if (row.last_message) {
      last.appendChild(document.createTextNode(" "));
      last.appendChild(el("span", "last-message", row.last_message));
    }
    item.appendChild(last);
    return item;
  }

  async function refreshInbox() {
    const inbox = document.getElementById("inbox");
    const status = inbox ? inbox.dataset.status : "waiting";
    const answer = await fetch("/coach/inbox.json?status=" + encodeURIComponent(status), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    if (!answer.ok) return;
    const data = await answer.json();
    const badge = document.getElementById("waiting-count");
    if (badge) badge.textContent = String(data.waiting);
    showUrgent(data.urgent);
    if (!inbox) return;
    inbox.replaceChildren.apply(inbox, data.rows.map(inboxRow));
    const empty = document.getElementById("inbox-empty");
    if (empty) empty.hidden = data.rows.length > 0;
  }

  function turnNode(turn) {
    /* A crisis message stands out, also during a handoff (the bot then says nothing). */
    const item = el("li", "turn " + turn.sender + (turn.intent === "crisis" ? " crisis" : ""));
    item.dataset.sender = turn.sender;
    if (turn.sender !== "system") {
      let who = texts[turn.sender] || turn.sender;
      if (turn.sender === "coach" && turn.name) who = who + ": " + turn.name;
      item.appendChild(el("p", "who", who));
    }
    item.appendChild(el("p", "text", turn.text));
    if (turn.intent) {
      const intent = el("p", "intent", texts.intent + ": " + (turn.intent_name || turn.intent));
      if (typeof turn.confidence === "number") {
        intent.appendChild(document.createTextNode(" (" + turn.confidence.toFixed(2) + ")"));
      }
      item.appendChild(intent);
    }
    if (turn.buttons && turn.buttons.length) {
      const list = el("ul", "buttons");
      list.setAttribute("aria-label", texts.buttons);
      turn.buttons.forEach(function (title) { list.appendChild(el("li", null, title)); });
      item.appendChild(list);
    }
    return item;
  }

  async function refreshTranscript(transcript) {
    const answer = await fetch(transcript.dataset.url, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    const data = await answer.json();
    const error = document.getElementById("transcript-error");
    if (!answer.ok) {
      if (error) error.hidden = false;
      return;
    }
    if (error) error.hidden = true;
    const atBottom = transcript.scrollHeight - transcript.scrollTop - transcript.clientHeight < 40;
    transcript.replaceChildren.apply(transcript, data.turns.map(turnNode));
    if (atBottom) transcript.scrollTop = transcript.scrollHeight;
    const escalation = document.getElementById("escalation");
    if (escalation && escalation.dataset.status !== data.status) {
      window.location.reload(); // another coach changed it: show the right buttons
    }
  }

  function listen(url, name, handler) {
    if (!window.EventSource) return;
    const source = new EventSource(url);
    source.addEventListener(name, function () { handler().catch(function () {}); });
  }

  const inbox = document.getElementById("inbox");
  if (inbox && inbox.dataset.urgent) knownUrgent = Number(inbox.dataset.urgent);
  listen("/coach/events", "inbox", refreshInbox);
  /* A new message changes "last seen" but not the escalation: poll the inbox as well. */
  if (inbox && Number(inbox.dataset.poll) > 0) {
    window.setInterval(function () {
      if (!document.hidden) refreshInbox().catch(function () {});
    }, Number(inbox.dataset.poll) * 1000);
  }

  const transcript = document.getElementById("transcript");
  if (transcript) {
    transcript.scrollTop = transcript.scrollHeight;
    let first = true;
    listen(transcript.dataset.events, "transcript", function () {
      if (first) { first = false; return Promise.resolve(); } // the page is already current
      return refreshTranscript(transcript);
    });
  }

  const canned = document.getElementById("canned");
  const replyText = document.getElementById("reply-text");
  if (canned && replyText) {
    canned.addEventListener("change", function () {
      const option = canned.options[canned.selectedIndex];
      if (option && option.dataset.text) {
        replyText.value = option.dataset.text;
        replyText.focus();
      }
    });
  }
})();
