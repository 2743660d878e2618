/* Werkmaatje chat widget: vanilla JS on socket.io, rasa-webchat protocol.
 *
 * Safety rule: bot and user text only ever reaches the page through
 * textContent / createTextNode, never innerHTML.
 */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("werkmaatje-config").textContent);
  var SESSION_KEY = config.storageKey || "werkmaatje.session";
  var QUEUE_KEY = SESSION_KEY + ".queue";
  var SESSION_ID = /^[0-9a-f]{32}$/;
  var TYPING_TIMEOUT_MS = 15000;
  /* A coach wrote last: a person answers now, so the bot's typing indicator would lie. */
  var withCoach = false;

  var log = document.getElementById("log");
  var empty = document.getElementById("empty");
  var statusLine = document.getElementById("status");
  var typing = document.getElementById("typing");
  var form = document.getElementById("composer");
  var input = document.getElementById("message");
  var newChat = document.getElementById("new-chat");
  /* The header says who answers: the program, or the coach who took over. */
  var whoAnswers = document.getElementById("who-answers");
  var programNotice = whoAnswers ? whoAnswers.textContent : "";

  var sessionId = null; // confirmed by the server for this socket
  var ready = false; // history of the confirmed session is on screen
  var loadCount = 0; // a newer history load makes an older one stale
  var buffered = []; // bot messages that arrive while the history loads
  var typingTimer = null;
  var statusTimer = null;
  var everConnected = false;

  // ---- storage (private browsing may refuse it: then the widget still works) ----

  function stored(key) {
    try {
      return window.localStorage.getItem(key);
    } catch (e) {
      return null;
    }
  }

  function store(key, value) {
    try {
      if (value === null) window.localStorage.removeItem(key);
      else window.localStorage.setItem(key, value);
    } catch (e) {
      /* not fatal */
    }
  }

  function storedSession() {
    var id = stored(SESSION_KEY);
    return id && SESSION_ID.test(id) ? id : null;
  }

  function loadQueue() {
    try {
      var queue = JSON.parse(stored(QUEUE_KEY) || "[]");
      return (Array.isArray(queue) ? queue : []).filter(function (entry) {
        return entry && typeof entry.message === "string" && typeof entry.shown === "string";
      });
    } catch (e) {
      return [];
    }
  }

  var queue = loadQueue(); // messages typed while offline: [{message, shown}]

  function saveQueue() {
    store(QUEUE_KEY, queue.length ? JSON.stringify(queue) : null);
  }

  // ---- status line and typing indicator ----

  function announce(text, clearAfterMs) {
    window.clearTimeout(statusTimer);
    statusLine.textContent = text;
    if (clearAfterMs) {
      statusTimer = window.setTimeout(function () {
        statusLine.textContent = "";
      }, clearAfterMs);
    }
  }

  function showTyping() {
    typing.hidden = false;
    window.clearTimeout(typingTimer);
    typingTimer = window.setTimeout(hideTyping, TYPING_TIMEOUT_MS);
  }

  function hideTyping() {
    window.clearTimeout(typingTimer);
    typing.hidden = true;
  }

  function updateEmpty() {
    empty.hidden = log.childElementCount > 0;
  }

  function scrollDown() {
    log.scrollTop = log.scrollHeight;
  }

  // ---- read aloud ----

  var speech =
    "speechSynthesis" in window && typeof window.SpeechSynthesisUtterance === "function"
      ? window.speechSynthesis
      : null;
  var speechLang = config.region === "nl_BE" ? "nl-BE" : "nl-NL";

  function voiceFor(lang) {
    var voices = speech.getVoices() || [];
    var wanted = lang.toLowerCase();
    function norm(voice) {
      return String(voice.lang || "").replace("_", "-").toLowerCase();
    }
    return (
      voices.filter(function (v) { return norm(v) === wanted; })[0] ||
      voices.filter(function (v) { return norm(v).indexOf("nl") === 0; })[0] ||
      null
    );
  }

  function readAloud(text) {
    speech.cancel();
    var utterance = new window.SpeechSynthesisUtterance(text);
    utterance.lang = speechLang;
    var voice = voiceFor(speechLang);
    if (voice) utterance.voice = voice;
    speech.speak(utterance);
  }

  // ---- rendering ----

  // Web addresses, and the crisis and emergency numbers as tap-to-call links.
  var LINKS = /(https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)]|\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:nl|be|eu|com|org)\b|\b(?:0800-0113|1813|113|112)\b)/gi;

  function appendText(parent, text) {
    var last = 0;
    text.replace(LINKS, function (match, _group, offset) {
      if (offset > last) parent.appendChild(document.createTextNode(text.slice(last, offset)));
      var link = document.createElement("a");
      if (/^\d/.test(match)) {
        link.href = "tel:" + match.replace(/\D/g, "");
      } else {
        link.href = /^https?:\/\//i.test(match) ? match : "https://" + match;
        link.target = "_blank";
        link.rel = "noopener noreferrer";
      }
      link.textContent = match;
      parent.appendChild(link);
      last = offset + match.length;
      return match;
    });
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function speaker(name) {
    var label = document.createElement("span");
    label.className = "visually-hidden";
    label.textContent = name + ": ";
    return label;
  }

  /* `pending`: not sent yet; `offline`: and say why (no connection). */
  function addUserMessage(text, pending, offline) {
    var item = document.createElement("div");
    item.className = "msg msg-user" + (pending ? " pending" : "");
    var bubble = document.createElement("p");
    bubble.className = "bubble";
    bubble.appendChild(speaker("Jij"));
    bubble.appendChild(document.createTextNode(text));
    item.appendChild(bubble);
    if (offline) {
      var note = document.createElement("p");
      note.className = "note";
      note.textContent = "Wordt verstuurd als de verbinding terug is.";
      item.appendChild(note);
    }
    log.appendChild(item);
    updateEmpty();
    scrollDown();
    return item;
  }

  function safeImage(src) {
    return typeof src === "string" && /^(https?:\/\/|\/)/i.test(src) ? src : null;
  }

  /* A bot message from the socket (Rasa's socket.io output) or from the history. */
  function normalise(raw) {
    if (!raw || typeof raw !== "object") return null;
    var buttons = raw.quick_replies || raw.buttons || [];
    var attachment = raw.attachment;
    var image = raw.image || null;
    var alt = typeof raw.alt === "string" ? raw.alt : "";
    if (!image && attachment && attachment.type === "image" && attachment.payload) {
      image = attachment.payload.src;
      alt = attachment.payload.alt || attachment.payload.title || "";
    }
    var text = typeof raw.text === "string" ? raw.text : "";
    if (!text && raw.custom && typeof raw.custom.text === "string") text = raw.custom.text;
    var message = {
      text: text,
      buttons: Array.isArray(buttons)
        ? buttons.filter(function (b) {
            return b && typeof b.title === "string" && typeof b.payload === "string";
          })
        : [],
      image: safeImage(image),
      alt: typeof alt === "string" ? alt : "",
      /* A person wrote this through the coach dashboard: show who. */
      coach:
        raw.sender === "coach"
          ? (typeof raw.name === "string" && raw.name) ||
            (typeof raw.sender_name === "string" && raw.sender_name) ||
            "Coach"
          : null,
    };
    return message.text || message.buttons.length || message.image ? message : null;
  }

  function showWhoAnswers(coachName) {
    withCoach = Boolean(coachName);
    if (!whoAnswers) return;
    whoAnswers.textContent = coachName
      ? whoAnswers.dataset.coach.split("{name}").join(coachName)
      : programNotice;
    whoAnswers.classList.toggle("with-coach", Boolean(coachName));
  }

  /* A handoff notice (bot.channels.push): from the socket under "custom", from the
   * history at the top level. Returns {coach: name} or {coach: null}, else null. */
  function handoffOf(raw) {
    if (!raw || typeof raw !== "object") return null;
    var source = raw.custom && typeof raw.custom === "object" ? raw.custom : raw;
    if (source.handoff === "bot") return { coach: null };
    if (source.handoff === "coach" && typeof source.coach_name === "string" && source.coach_name) {
      return { coach: source.coach_name };
    }
    return null;
  }

  function followHandoff(raw) {
    var change = handoffOf(raw);
    if (change) showWhoAnswers(change.coach);
  }

  function addBotMessage(message) {
    if (message.coach) showWhoAnswers(message.coach);
    var item = document.createElement("div");
    item.className = "msg msg-bot" + (message.coach ? " msg-coach" : "");
    if (message.coach) {
      var who = document.createElement("p");
      who.className = "from";
      who.textContent = "Coach " + message.coach;
      item.appendChild(who);
    }
    if (message.text) {
      var bubble = document.createElement("p");
      bubble.className = "bubble";
      bubble.appendChild(speaker(message.coach ? "Coach " + message.coach : "Werkmaatje"));
      appendText(bubble, message.text);
      item.appendChild(bubble);
    }
    if (message.image) {
      var image = document.createElement("img");
      image.className = "image";
      image.src = message.image;
      image.alt = message.alt || "Afbeelding van Werkmaatje";
      image.loading = "lazy";
      image.addEventListener("load", scrollDown);
      /* A tap opens the picture full size: a screen's small print must stay readable. */
      var zoom = document.createElement("a");
      zoom.className = "image-link";
      zoom.href = message.image;
      zoom.target = "_blank";
      zoom.rel = "noopener";
      zoom.title = "Open de afbeelding groot";
      zoom.appendChild(image);
      item.appendChild(zoom);
    }
    if (message.text && speech) {
      var speak = document.createElement("button");
      speak.type = "button";
      speak.className = "speak";
      speak.textContent = "Lees voor";
      speak.addEventListener("click", function () {
        readAloud(message.text);
      });
      item.appendChild(speak);
    }
    if (message.buttons.length) {
      var group = document.createElement("div");
      group.className = "quick-replies";
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", "Kies een antwoord");
      message.buttons.forEach(function (button) {
        var choice = document.createElement("button");
        choice.type = "button";
        choice.className = "quick-reply";
        choice.textContent = button.title;
        choice.addEventListener("click", function () {
          disableChoices(group, choice);
          send(button.payload, button.title);
        });
        group.appendChild(choice);
      });
      item.appendChild(group);
    }
    log.appendChild(item);
    updateEmpty();
    scrollDown();
    return item;
  }

  function disableChoices(group, chosen) {
    Array.prototype.forEach.call(group.querySelectorAll("button"), function (button) {
      button.disabled = true;
      if (button === chosen) button.classList.add("chosen");
    });
  }

  function renderHistory(messages) {
    log.setAttribute("aria-busy", "true");
    log.replaceChildren();
    showWhoAnswers(null); // the history replays every handoff since the start
    var openGroup = null;
    messages.forEach(function (entry) {
      if (entry.sender === "user") {
        if (openGroup) disableChoices(openGroup, null);
        openGroup = null;
        addUserMessage(entry.text, false);
      } else {
        var message = normalise(entry);
        followHandoff(entry);
        if (!message) return;
        var item = addBotMessage(message);
        var group = item.querySelector(".quick-replies");
        if (group) openGroup = group;
      }
    });
    log.removeAttribute("aria-busy");
    updateEmpty();
    scrollDown();
  }

  // ---- the conversation ----

  function canSend() {
    return Boolean(socket && socket.connected && ready && sessionId);
  }

  function emitMessage(message) {
    var data = { message: message, session_id: sessionId, customData: {} };
    if (config.region) data.customData.region = config.region;
    socket.emit("user_uttered", data);
    if (!withCoach) showTyping();
  }

  /* Send a text or a button payload; `shown` is what the user sees in their bubble. */
  function send(message, shown) {
    if (canSend()) {
      addUserMessage(shown, false);
      emitMessage(message);
    } else {
      // Offline, or the conversation is still loading: sent as soon as it can be.
      var offline = !(socket && socket.connected);
      queue.push({ message: message, shown: shown });
      saveQueue();
      addUserMessage(shown, true, offline);
      if (offline) announce("Verbinding weg. Je bericht wordt verstuurd als de verbinding terug is.");
    }
    input.focus();
  }

  function flushQueue() {
    Array.prototype.forEach.call(log.querySelectorAll(".msg.pending"), function (item) {
      item.remove();
    });
    var waiting = queue;
    queue = [];
    saveQueue();
    waiting.forEach(function (entry) {
      addUserMessage(entry.shown, false);
      emitMessage(entry.message);
    });
  }

  function loadHistory(id) {
    // The id reads the whole conversation: a header, never the URL (logs, history).
    var headers = { Accept: "application/json" };
    headers[config.sessionHeader || "X-Chat-Session"] = id;
    return window
      .fetch(config.historyUrl, { headers: headers, cache: "no-store" })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .catch(function () {
        return null;
      });
  }

  function onSessionConfirm(data) {
    var id = typeof data === "string" ? data : data && data.session_id;
    if (!SESSION_ID.test(id || "")) return;
    var resumed = id === sessionId || id === storedSession();
    sessionId = id;
    store(SESSION_KEY, id);
    ready = false;
    var load = ++loadCount;
    loadHistory(id).then(function (history) {
      if (load !== loadCount) return;
      if (Array.isArray(history)) {
        renderHistory(history);
      } else if (!resumed) {
        log.replaceChildren();
        updateEmpty();
      }
      ready = true;
      var recent = (history || []).slice(-10).map(function (m) {
        return m.text;
      });
      var late = buffered;
      buffered = [];
      late.forEach(function (raw) {
        var message = normalise(raw);
        if (message && (!message.text || recent.indexOf(message.text) < 0)) addBotMessage(message);
        followHandoff(raw);
      });
      flushQueue();
    });
  }

  function onBotMessage(raw) {
    if (!ready) {
      buffered.push(raw);
      return;
    }
    hideTyping();
    var message = normalise(raw);
    if (message) addBotMessage(message);
    followHandoff(raw);
  }

  function startNewConversation() {
    store(SESSION_KEY, null);
    queue = [];
    saveQueue();
    sessionId = null;
    ready = false;
    buffered = [];
    loadCount++;
    hideTyping();
    showWhoAnswers(null);
    log.replaceChildren();
    updateEmpty();
    if (speech) speech.cancel();
    if (socket && socket.connected) socket.emit("session_request", { session_id: null });
    announce("Nieuw gesprek gestart.", 5000);
    input.focus();
  }

  // ---- wiring ----

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = "";
    send(text, text);
  });
  newChat.addEventListener("click", startNewConversation);
  // Typed offline before a reload: still waiting to be sent.
  queue.forEach(function (entry) {
    addUserMessage(entry.shown, true, false);
  });
  updateEmpty();

  var socket = null;
  if (typeof window.io !== "function") {
    announce("De chat kan nu niet starten. Probeer het later opnieuw.");
    return;
  }
  socket = window.io(config.rasaUrl, { path: config.socketPath, reconnectionDelayMax: 10000 });

  socket.on("connect", function () {
    if (everConnected) announce("Je bent weer verbonden.", 5000);
    else announce("", 0);
    everConnected = true;
    socket.emit("session_request", { session_id: storedSession() });
  });
  socket.on("session_confirm", onSessionConfirm);
  socket.on("bot_uttered", onBotMessage);
  socket.on("disconnect", function (reason) {
    ready = false;
    hideTyping();
    announce("Verbinding weg. We proberen het opnieuw.");
    // The server closed the socket: socket.io does not retry that by itself.
    if (reason === "io server disconnect") socket.connect();
  });
  socket.on("connect_error", function () {
    announce("Verbinding weg. We proberen het opnieuw.");
  });
})();
