"""The web chat widget in a real browser, talking to the real Rasa and action servers.

Also the socket.io channel on its own (as the community widget rasa-webchat
speaks it) and the history endpoint.
"""

from __future__ import annotations

import os
import queue
import re
import time
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
import requests
import socketio
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import text as sql

from bot.config import settings
from bot.store.db import session_scope
from bot.store.models import JobSeeker
from bot.store.pseudonym import pseudonym
from bot.web.widget import SESSION_HEADER
from tests.integration.conftest import Chat

# The browser fixtures are a plugin; rewrite its asserts although we import helpers from it.
pytest.register_assert_rewrite("tests.integration.browser")
pytest_plugins = ("tests.integration.browser",)
from tests.integration.browser import (  # noqa: E402
    DESKTOP,
    PHONE,
    SESSION,
    bot_bubble,
    open_chat,
    poll,
    say,
    serious,
    watch,
)

ROOT = Path(__file__).resolve().parents[2]
CONSENT_BUTTONS = ["Ja, dat mag", "Nee, liever niet", "Vertel meer"]
MENU_QUESTION = "Wat wil je doen?"


# ---- helpers ----


def transcript(page: Page) -> list[str]:
    """Every message on screen, with its speaker ("Jij: ..." / "Werkmaatje: ...")."""
    return [t.strip() for t in page.locator("#log .bubble").all_text_contents()]


def start(page: Page, web: str, query: str = "") -> str:
    sid = open_chat(page, web, query)
    say(page, "hoi")
    expect(page.locator(".quick-reply")).to_have_text(CONSENT_BUTTONS)
    return sid


def onboard(page: Page, web: str) -> str:
    """Flemish page: after consent the menu follows at once (the page set the region)."""
    sid = start(page, web, "?regio=be")
    page.get_by_role("button", name="Ja, dat mag").click()
    expect(bot_bubble(page, MENU_QUESTION)).to_be_visible()
    return sid


def push(conversation_id: str, text: str, **sender: str) -> requests.Response:
    """A server push; ``sent_by="coach", coach_name=...`` for a coach's message."""
    return requests.post(
        f"http://localhost:{settings().rasa_port}/webhooks/push/send",
        headers={"Authorization": f"Bearer {settings().rasa_api_token}"},
        json={"conversation_id": conversation_id, "messages": [{"text": text}], **sender},
        timeout=30,
    )


def user_events(servers: str, sid: str, count: int = 0) -> list[dict[str, Any]]:
    """The user events of a conversation; wait until there are ``count`` of them.

    The first reply reaches the socket before Rasa saves the turn's tracker.
    """
    deadline = time.monotonic() + 30
    while True:
        events = [e for e in Chat(servers, sid).tracker()["events"] if e["event"] == "user"]
        if len(events) >= count or time.monotonic() > deadline:
            return events
        time.sleep(0.2)


def channel_metadata(event: dict[str, Any]) -> dict[str, Any]:
    """What our channel put in a user event's metadata (Rasa adds model and assistant ids)."""
    return {k: v for k, v in event["metadata"].items() if k not in ("model_id", "assistant_id")}


# ---- the widget in a browser ----


def test_first_message_gets_the_disclosure_and_consent_buttons(
    page: Page, web: str, servers: str
) -> None:
    sid = open_chat(page, web)
    assert re.fullmatch(r"[0-9a-f]{32}", sid)
    expect(page.locator("#empty")).to_be_visible()

    say(page, "hoi")
    expect(page.locator(".quick-reply")).to_have_text(CONSENT_BUTTONS)
    messages = transcript(page)
    assert messages[0] == "Jij: hoi"
    assert "computerprogramma" in messages[1]  # the disclosure answers the first words
    assert messages[-1].endswith("Mag ik het bewaren?")
    expect(page.locator("#message")).to_be_focused()
    expect(page.locator("#typing")).to_be_hidden()
    expect(page.locator("#empty")).to_be_hidden()

    [event] = user_events(servers, sid, count=1)
    assert event["input_channel"] == "webchat"
    assert channel_metadata(event) == {"channel": "webchat"}  # no region: the bot will ask


def test_quick_reply_sends_the_payload_and_shows_the_title(
    page: Page, web: str, servers: str
) -> None:
    sid = start(page, web, "?regio=be")
    page.get_by_role("button", name="Ja, dat mag").click()

    expect(page.locator(".msg-user .bubble").last).to_have_text("Jij: Ja, dat mag")
    expect(bot_bubble(page, MENU_QUESTION)).to_be_visible()
    # ?regio=be reached the bot: it did not ask the region.
    expect(bot_bubble(page, "Nederland of in Vlaanderen")).to_have_count(0)
    consent = page.locator(".quick-reply", has_text=re.compile("dat mag|liever niet|Vertel"))
    for index in range(3):
        expect(consent.nth(index)).to_be_disabled()
    expect(page.get_by_role("button", name="Praat met coach")).to_be_enabled()
    expect(page.locator("#message")).to_be_focused()

    events = user_events(servers, sid, count=2)
    assert [e["text"] for e in events] == ["hoi", "/affirm"]
    assert channel_metadata(events[0]) == {"region": "nl_BE", "channel": "webchat"}
    slots = Chat(servers, sid).tracker()["slots"]
    assert slots["region"] == "nl_BE" and slots["consent"] is True


def test_reload_shows_the_same_conversation(page: Page, web: str) -> None:
    sid = onboard(page, web)
    before = transcript(page)

    page.reload()
    expect(page.locator("#log .bubble")).to_have_count(len(before))
    assert transcript(page) == before
    assert poll(page, SESSION) == sid
    # The consent question was answered; the menu is still open.
    expect(page.get_by_role("button", name="Ja, dat mag")).to_be_disabled()
    expect(page.get_by_role("button", name="Praat met coach")).to_be_enabled()

    # The conversation goes on where it was.
    page.get_by_role("button", name="Praat met coach").click()
    expect(page.locator(".msg-user .bubble").last).to_have_text("Jij: Praat met coach")
    expect(page.locator("#log .msg").last).to_have_class(re.compile(r"\bmsg-bot\b"))


def test_server_push_appears_live_and_after_coming_back(
    page: Page, context: BrowserContext, web: str
) -> None:
    sid = start(page, web)

    live = push(sid, "Hoi, ik ben je coach.", sent_by="coach", coach_name="Anna")
    assert live.status_code == 200, live.text
    assert live.json()["channel"] == "webchat" and live.json()["delivered"] is True
    expect(bot_bubble(page, "Hoi, ik ben je coach.")).to_be_visible()
    expect(page.locator(".msg-bot").last).to_contain_text("Hoi, ik ben je coach.")
    expect(page.locator(".msg-coach .from")).to_have_text("Coach Anna")
    page.close()

    offline = push(sid, "Ben je er nog? Ik help je graag verder.")
    assert offline.status_code == 200, offline.text

    again = context.new_page()
    problems = watch(again)
    assert open_chat(again, web) == sid
    expect(bot_bubble(again, "Hoi, ik ben je coach.")).to_be_visible()
    expect(bot_bubble(again, "Ben je er nog? Ik help je graag verder.")).to_be_visible()
    assert transcript(again)[-2:] == [
        "Coach Anna: Hoi, ik ben je coach.",
        "Werkmaatje: Ben je er nog? Ik help je graag verder.",
    ]
    assert not problems


def test_new_conversation_starts_empty_with_a_new_session(page: Page, web: str) -> None:
    old = start(page, web)

    page.get_by_role("button", name="Nieuw gesprek").click()
    expect(page.locator("#log .msg")).to_have_count(0)
    expect(page.locator("#empty")).to_be_visible()
    expect(page.locator("#message")).to_be_focused()
    new = str(poll(page, f"(() => {{ const s = {SESSION}; return s && s !== '{old}' && s; }})()"))
    assert re.fullmatch(r"[0-9a-f]{32}", new)

    say(page, "hoi")  # a new conversation: a new pseudonymous user, disclosed again
    expect(bot_bubble(page, "computerprogramma")).to_be_visible()
    expect(page.locator(".quick-reply")).to_have_text(CONSENT_BUTTONS)

    # This page left the old conversation's room: a push there does not show up here.
    assert push(old, "Bericht voor het oude gesprek.").status_code == 200
    assert push(new, "Bericht voor het nieuwe gesprek.").status_code == 200
    expect(bot_bubble(page, "Bericht voor het nieuwe gesprek.")).to_be_visible()
    expect(bot_bubble(page, "Bericht voor het oude gesprek.")).to_have_count(0)


def test_no_serious_accessibility_violations(page: Page, web: str) -> None:
    open_chat(page, web)
    assert serious(page) == []
    onboard(page, web)
    assert serious(page) == []
    page.set_viewport_size(DESKTOP)
    assert serious(page) == []

    log = page.locator("#log")
    expect(log).to_have_attribute("role", "log")
    expect(log).to_have_attribute("aria-live", "polite")
    expect(page.get_by_label("Typ je bericht")).to_have_attribute("maxlength", "2000")
    # Keyboard only: Tab from the input reaches the send button.
    page.locator("#message").focus()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Stuur")).to_be_focused()


def test_html_in_messages_is_shown_as_text_and_never_runs(page: Page, web: str) -> None:
    attacks = ['<img src=x onerror="window.__xss=1">', "<script>window.__xss=1</script>"]
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    open_chat(page, web)
    for attack in attacks:
        bots = page.locator(".msg-bot").count()
        say(page, attack)
        expect(page.locator(".msg-user .bubble").last).to_have_text(f"Jij: {attack}")
        expect(page.locator(".msg-bot")).not_to_have_count(bots)  # the bot answered

    # The same texts from the history endpoint. Rasa stores the turn after its last reply
    # is sent, so a reload right after the first reply may come too early: look again.
    for _ in range(20):
        page.reload()
        page.wait_for_load_state("networkidle")
        if page.locator(".msg-user .bubble").count() >= len(attacks):
            break
        page.wait_for_timeout(500)
    expect(page.locator(".msg-user .bubble")).to_have_text([f"Jij: {a}" for a in attacks])
    # innerHTML would have created these elements even where the CSP stops them running.
    assert page.locator("#log img, #log script").count() == 0
    assert page.evaluate("window.__xss") is None
    assert dialogs == []


def test_phone_width_has_no_horizontal_scroll(page: Page, web: str) -> None:
    assert page.viewport_size == PHONE
    onboard(page, web)
    say(page, "x" * 300)  # one long unbreakable word
    expect(page.locator(".msg-user .bubble").last).to_contain_text("x" * 300)

    widths = page.evaluate(
        """() => {
            const doc = document.documentElement, log = document.getElementById('log');
            return [doc.scrollWidth, doc.clientWidth, log.scrollWidth, log.clientWidth];
        }"""
    )
    assert widths[0] <= widths[1] and widths[2] <= widths[3], widths
    base = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert base >= 18
    for box in [b.bounding_box() for b in page.locator(".quick-reply").all()]:
        assert box is not None and box["height"] >= 44 and box["x"] + box["width"] <= 360


def test_messages_typed_offline_are_sent_on_reconnect(page: Page, web: str) -> None:
    page.route("**/socket.io/**", lambda route: route.abort())
    page.goto(f"{web}/chat")
    expect(page.locator("#status")).to_have_text("Verbinding weg. We proberen het opnieuw.")

    say(page, "hoi")
    expect(page.locator(".msg-user.pending")).to_have_count(1)
    expect(page.locator(".msg-user .note")).to_have_text(
        "Wordt verstuurd als de verbinding terug is."
    )

    page.unroute("**/socket.io/**")  # socket.io retries by itself
    expect(bot_bubble(page, "computerprogramma")).to_be_visible()
    expect(page.locator(".msg-user.pending")).to_have_count(0)
    assert transcript(page)[0] == "Jij: hoi"


def test_screenshots_of_a_real_conversation(page: Page, web: str, tmp_path: Path) -> None:
    """Writes docs/screenshots/ when WERKMAATJE_SCREENSHOTS=1 (kept out of ordinary runs)."""
    folder = ROOT / "docs" / "screenshots" if os.environ.get("WERKMAATJE_SCREENSHOTS") else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    sid = onboard(page, web)
    assert push(sid, "Hoi, ik ben Sam, je coach. Zullen we morgen even bellen?").ok
    expect(bot_bubble(page, "Hoi, ik ben Sam")).to_be_visible()
    page.locator("#message").focus()
    page.screenshot(path=folder / "widget-phone.png")
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=folder / "widget-desktop.png")
    for name in ("widget-phone.png", "widget-desktop.png"):
        assert (folder / name).stat().st_size < 300_000


# ---- the channel itself (protocol of rasa-webchat 1.0.1) ----


class Socket:
    """A socket.io client that speaks like rasa-webchat (polling: no websocket-client here)."""

    def __init__(self, origin: str | None = None) -> None:
        self.client = socketio.Client(reconnection=False)
        self.confirmed: queue.Queue[Any] = queue.Queue()
        self.bot: queue.Queue[dict[str, Any]] = queue.Queue()
        self.client.on("session_confirm", self.confirmed.put)
        self.client.on("bot_uttered", self.bot.put)
        headers = {"Origin": origin} if origin else {}
        self.client.connect(
            f"http://localhost:{settings().rasa_port}",
            socketio_path="/socket.io",
            transports=["polling"],
            headers=headers,
            wait_timeout=30,
        )

    def session(self, session_id: Any) -> str:
        self.client.emit("session_request", {"session_id": session_id})
        return str(self.confirmed.get(timeout=30))

    def say(self, message: Any, session_id: str, custom: Any = None) -> None:
        data = {"message": message, "session_id": session_id, "customData": custom or {}}
        self.client.emit("user_uttered", data)

    def replies(self, until: str) -> list[str]:
        """Bot texts until one contains ``until`` (30 s at most each)."""
        texts = []
        while not texts or until not in texts[-1]:
            texts.append(self.bot.get(timeout=30).get("text", ""))
        return texts

    def close(self) -> None:
        self.client.disconnect()


@pytest.fixture
def sock(servers: str) -> Any:
    socket = Socket(origin=f"http://localhost:{settings().web_port}")
    yield socket
    socket.close()


def test_channel_speaks_the_rasa_webchat_protocol(sock: Socket, servers: str) -> None:
    # rasa-webchat asks with no id first, then resumes with the confirmed one.
    sid = sock.session(None)
    assert re.fullmatch(r"[0-9a-f]{32}", sid)
    assert sock.session(sid) == sid
    assert sock.session("../../etc/passwd") != "../../etc/passwd"
    sid = sock.session(sid)

    custom = {"region": "nl_BE", "invite": "abc123", "name": "Jan", "region2": "x"}
    sock.say("hoi", sid, custom)
    # enter_room is awaited: the replies reach the session's room.
    assert "Mag ik het bewaren?" in sock.replies("Mag ik het bewaren?")[-1]

    # Not passed on: not text, empty, too long (answered directly), another session.
    sock.say(42, sid)
    sock.say("   ", sid)
    sock.say("a" * 2001, sid)
    assert sock.replies("te lang") == [
        "Je bericht is te lang. Schrijf het korter, in een paar zinnen."
    ]
    other = uuid4().hex
    sock.say("hallo", other)
    sock.say("a" * 2000, sid, "not a dict")
    sock.replies("")  # the bot answered the last one

    events = user_events(servers, sid, count=2)
    assert [e["text"] for e in events] == ["hoi", "a" * 2000]
    assert channel_metadata(events[0]) == {
        "region": "nl_BE",
        "invite": "abc123",
        "channel": "webchat",
    }
    assert channel_metadata(events[1]) == {"channel": "webchat"}
    with session_scope() as session:
        count = session.execute(
            sql("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": other}
        ).scalar_one()
    assert count == 0


def test_channel_refuses_other_origins(servers: str) -> None:
    with pytest.raises(socketio.exceptions.ConnectionError):
        Socket(origin="https://evil.example")


def test_history_endpoint(servers: str, web: str) -> None:
    fresh = uuid4().hex
    history = f"{web}/chat/history"
    answer = requests.get(history, headers={SESSION_HEADER: fresh}, timeout=30)
    assert answer.status_code == 200 and answer.json() == []
    assert answer.headers["Cache-Control"] == "no-store"
    # Reading an unknown conversation creates nothing (Rasa's tracker endpoint would run
    # action_session_start and record the disclosure as given).
    with session_scope() as session:
        assert session.get(JobSeeker, pseudonym(fresh)) is None
        count = session.execute(
            sql("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": fresh}
        ).scalar_one()
    assert count == 0

    for bad in ["abc", fresh.upper(), fresh + "0", "../" + fresh[3:], ""]:
        answer = requests.get(history, headers={SESSION_HEADER: bad}, timeout=30)
        assert answer.status_code == 400, bad
    # The id never in the URL (logs): the old query form is refused.
    assert requests.get(history, params={"session_id": fresh}, timeout=30).status_code == 400

    # Only web chat conversations: a REST user with a 32-hex id is not shown.
    rest = Chat(servers, uuid4().hex)
    rest.say("hoi")
    answer = requests.get(history, headers={SESSION_HEADER: rest.sender}, timeout=30)
    assert answer.json() == []

    # Rasa's side wants the API token, which the browser never sees.
    rasa_history = f"{servers}/webhooks/webchat/history"
    assert requests.get(rasa_history, params={"session_id": fresh}, timeout=30).status_code == 401
    wrong = {"Authorization": "Bearer nope"}
    answer = requests.get(rasa_history, params={"session_id": fresh}, headers=wrong, timeout=30)
    assert answer.status_code == 401
    page = requests.get(f"{web}/chat", timeout=30).text
    assert settings().rasa_api_token not in page


def test_the_decision_journey_in_the_widget(page: Page, web: str, tmp_path: Path) -> None:
    """A Flemish youth chooses with taps and typing. WERKMAATJE_SCREENSHOTS=1 writes the docs."""
    folder = ROOT / "docs" / "screenshots" if os.environ.get("WERKMAATJE_SCREENSHOTS") else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    problems = watch(page)
    onboard(page, web)
    page.get_by_role("button", name="Kies een stap").click()
    expect(bot_bubble(page, "Wat wil je bereiken?")).to_be_visible()
    page.get_by_role("button", name="Iets leren").click()
    expect(bot_bubble(page, "Wil je nog andere opties zien?")).to_be_visible()
    # Each option has its own "Meer over" button; all three can be used.
    more = page.locator(".quick-reply", has_text="Meer over")
    expect(more).to_have_count(3)
    more.nth(1).click()
    expect(bot_bubble(page, "Minder goed:")).to_be_visible()
    more.nth(0).click()
    expect(page.locator(".msg-bot .bubble", has_text="Minder goed:")).to_have_count(2)
    page.screenshot(path=folder / "decision-options.png")
    page.locator(".quick-reply:not([disabled])", has_text="Ga verder").last.click()
    expect(bot_bubble(page, "Wat vind jij belangrijk?")).to_be_visible()
    say(page, "een diploma halen")
    expect(bot_bubble(page, "Genoteerd:")).to_be_visible()
    page.locator(".quick-reply:not([disabled])", has_text="Klaar met kiezen").last.click()
    expect(bot_bubble(page, "Wat kies je?")).to_be_visible()
    say(page, "de eerste")
    expect(bot_bubble(page, "Wil je dat doen?")).to_be_visible()
    page.get_by_role("button", name="Ja, dat doe ik").click()
    say(page, "volgende week dinsdag")
    expect(bot_bubble(page, "Wie helpt je daarbij?")).to_be_visible()
    say(page, "mijn broer")
    expect(bot_bubble(page, "Hulp: je broer.")).to_be_visible()
    expect(bot_bubble(page, "Klopt dit?")).to_be_visible()
    page.screenshot(path=folder / "decision-summary.png")
    assert not serious(page)
    page.get_by_role("button", name="Ja, dat klopt").click()
    expect(bot_bubble(page, "vraag ik hoe het ging")).to_be_visible()
    expect(bot_bubble(page, "samen met je coach gemaakt?")).to_be_visible()
    page.get_by_role("button", name="Nee, alleen hier").click()
    # The chat is open: the follow-up comes live (tests follow up seconds later).
    expect(bot_bubble(page, "Is het gelukt?")).to_be_visible()
    page.get_by_role("button", name="Een beetje").click()
    expect(bot_bubble(page, "Een deel is ook een stap.")).to_be_visible()
    assert not problems


ALL_IMAGES_LOADED = "() => [...document.querySelectorAll('.log img')].every(i => i.complete)"
PROGRESS_CARD_LOADED = (
    "() => [...document.querySelectorAll('.log img')]"
    ".some(i => i.src.includes('/media/progress/') && i.complete && i.naturalWidth > 0)"
)


def loaded_images(page: Page) -> list[dict[str, Any]]:
    """The chat's images that the browser really loaded (CSP and URL right), with alt."""
    return page.eval_on_selector_all(
        ".log img",
        "imgs => imgs.map(i => ({alt: i.alt, width: i.naturalWidth, src: i.src}))",
    )


def test_an_exercise_in_the_widget_with_images_and_a_progress_card(
    page: Page, web: str, tmp_path: Path
) -> None:
    """A Flemish user practises. WERKMAATJE_SCREENSHOTS=1 writes the docs' screenshots."""
    folder = ROOT / "docs" / "screenshots" if os.environ.get("WERKMAATJE_SCREENSHOTS") else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    problems = watch(page)
    onboard(page, web)
    page.get_by_role("button", name="Oefen met de computer").click()
    expect(bot_bubble(page, "Hoe makkelijk is internet voor jou?")).to_be_visible()
    page.get_by_role("button", name="Dat gaat wel").click()
    expect(bot_bubble(page, "Deze oefening past bij jou")).to_be_visible()
    page.get_by_role("button", name="Kies zelf").click()
    say(page, "nepmail")  # typed: the exercise with that keyword
    expect(bot_bubble(page, "Welke mail is nep?")).to_be_visible()
    poll(page, ALL_IMAGES_LOADED)
    images = loaded_images(page)
    assert len(images) == 2 and all(i["width"] == 800 and len(i["alt"]) > 20 for i in images)
    page.screenshot(path=folder / "exercise-spot-the-fake.png")
    assert not serious(page)
    page.locator(".quick-reply:not([disabled])", has_text="Mail B").last.click()
    expect(bot_bubble(page, "Tip:")).to_be_visible()
    page.locator(".quick-reply:not([disabled])", has_text="Mail A").last.click()
    expect(bot_bubble(page, "Waarom is Mail A nep?")).to_be_visible()
    for _ in range(30):  # skip the rest: every answer is explained
        if page.locator(".msg-bot .bubble", has_text="Klaar!").count():
            break
        page.locator(".quick-reply:not([disabled])", has_text="Sla over").last.click()
        page.wait_for_timeout(300)
    expect(bot_bubble(page, "Klaar!")).to_be_visible()
    say(page, "hoe ver ben ik?")
    expect(bot_bubble(page, "Je deed 1 oefening.")).to_be_visible()
    # The card comes as its own message after the text: wait for it, not only for
    # the images already there (CI caught the card still loading).
    poll(page, PROGRESS_CARD_LOADED)
    card = [i for i in loaded_images(page) if "/media/progress/" in i["src"]]
    assert len(card) == 1 and card[0]["width"] == 800 and "oefening" in card[0]["alt"]
    page.locator(".log img").last.scroll_into_view_if_needed()
    page.screenshot(path=folder / "exercise-progress.png")
    assert not problems
