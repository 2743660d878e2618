"""The coach dashboard in Chromium, with the real Rasa, action server and web app.

A job-seeker asks for a coach (web widget and REST), the escalation appears live
in the inbox, a coach claims it and replies, the user receives the reply (also
after being offline), the bot stays silent, the coach hands back, the bot
answers again, the coach resolves. Also: the urgent crisis alert, team
isolation, routes without login, and an XSS attempt through the bot.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from uuid import uuid4

import pytest
import requests
from playwright.sync_api import Browser, BrowserContext, Page, expect

from bot.store import coaches
from bot.store.db import session_scope
from bot.store.models import CoachRequest
from bot.store.pseudonym import pseudonym
from tests.integration.conftest import Chat

pytest.register_assert_rewrite("tests.integration.browser")
pytest_plugins = ("tests.integration.browser",)
from tests.integration.browser import (  # noqa: E402
    DESKTOP,
    PHONE,
    bot_bubble,
    open_chat,
    say,
    serious,
    shot,
    watch,
)

PASSWORD = "lang-genoeg-wachtwoord-42"
ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Account:
    email: str
    name: str


@dataclass(frozen=True)
class Accounts:
    nl: Account  # coach of the team serving nl_NL (and users without a region)
    be: Account  # coach of the Flemish team
    admin: Account


@pytest.fixture(scope="module")
def accounts(servers: str) -> Accounts:
    suffix = uuid4().hex[:6]
    coaches.create_team(f"Team Nederland {suffix}", region="nl_NL")
    coaches.create_team(f"Team Vlaanderen {suffix}", region="nl_BE")
    made = Accounts(
        nl=Account(f"sanne-{suffix}@example.org", "Sanne"),
        be=Account(f"jef-{suffix}@example.org", "Jef"),
        admin=Account(f"admin-{suffix}@example.org", "Ada"),
    )
    coaches.create_coach(made.nl.email, made.nl.name, PASSWORD, team=f"Team Nederland {suffix}")
    coaches.create_coach(made.be.email, made.be.name, PASSWORD, team=f"Team Vlaanderen {suffix}")
    coaches.create_coach(made.admin.email, made.admin.name, PASSWORD, role="admin")
    return made


def new_context(browser: Browser, viewport: dict[str, int]) -> BrowserContext:
    context = browser.new_context(viewport=viewport, locale="nl-NL")
    context.set_default_timeout(30_000)
    return context


@pytest.fixture
def desk(browser: Browser) -> Iterator[BrowserContext]:
    """A coach's desktop browser."""
    with new_context(browser, DESKTOP) as context:
        yield context


@pytest.fixture
def phone(browser: Browser) -> Iterator[BrowserContext]:
    """A job-seeker's phone, with its own storage."""
    with new_context(browser, PHONE) as context:
        yield context


def login(page: Page, web: str, account: Account) -> None:
    page.goto(f"{web}/coach/login")
    page.fill("input[name=email]", account.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("button[type=submit]").click()
    expect(page.locator("#inbox")).to_be_attached()


def escalation_of(conversation_id: str, timeout: float = 30) -> CoachRequest:
    """The job-seeker's newest escalation (the action server writes it during the turn)."""
    deadline = time.monotonic() + timeout
    while True:
        with session_scope() as session:
            row = (
                session.query(CoachRequest)
                .filter(CoachRequest.jobseeker_id == pseudonym(conversation_id))
                .order_by(CoachRequest.id.desc())
                .first()
            )
        if row is not None or time.monotonic() > deadline:
            assert row is not None, "no escalation stored"
            return row
        time.sleep(0.2)


def status_of(escalation_id: int) -> str:
    with session_scope() as session:
        return str(session.get(CoachRequest, escalation_id).status)


def bot_events_after_last_user(chat: Chat) -> list[dict]:
    events = chat.tracker()["events"]
    last_user = max(i for i, e in enumerate(events) if e["event"] == "user")
    return [e for e in events[last_user + 1 :] if e["event"] == "bot"]


def test_a_coach_handles_an_escalation_from_arrival_to_resolve(
    desk: BrowserContext,
    phone: BrowserContext,
    web: str,
    servers: str,
    accounts: Accounts,
    tmp_path: Path,
) -> None:
    coach = desk.new_page()
    coach_problems = watch(coach)
    login(coach, web, accounts.nl)

    # 1. The user asks for a coach in the web widget.
    user = phone.new_page()
    user_problems = watch(user)
    sid = open_chat(user, web)
    say(user, "ik wil met een coach praten")
    expect(bot_bubble(user, "aan een coach doorgegeven")).to_be_visible()
    escalation = escalation_of(sid)

    # 2. It appears in the open inbox without a reload.
    row = coach.locator(f'#inbox [data-escalation-id="{escalation.id}"]')
    expect(row).to_be_visible()
    expect(row).to_have_attribute("data-status", "waiting")
    row.locator(f'a[href="/coach/escalations/{escalation.id}"]').click()
    expect(coach.locator("#transcript .turn[data-sender=user]").first).to_contain_text(
        "ik wil met een coach praten"
    )

    # 3. The coach claims it and replies, while the user is away.
    coach.locator("#claim-form [type=submit]").click()
    expect(coach.locator("#reply-form")).to_be_visible()
    assert status_of(escalation.id) == "with_coach"
    user.close()
    coach.fill("#reply-form textarea[name=text]", "Hoi, ik ben Sanne. Waar kan ik je mee helpen?")
    coach.locator("#reply-form [type=submit]").click()
    expect(coach.locator("#transcript .turn[data-sender=coach]")).to_contain_text("ik ben Sanne")

    # 4. The user comes back and finds the reply, labelled with the coach's name.
    user = phone.new_page()
    user_problems += watch(user)
    assert open_chat(user, web) == sid
    coach_message = user.locator(".msg-coach")
    expect(coach_message.locator(".bubble")).to_contain_text("Waar kan ik je mee helpen?")
    expect(coach_message.locator(".from")).to_have_text("Coach Sanne")

    # ... and the next reply arrives live.
    coach.fill("#reply-form textarea[name=text]", "Zullen we morgen bellen?")
    coach.locator("#reply-form [type=submit]").click()
    expect(user.locator(".msg-coach .bubble", has_text="Zullen we morgen bellen?")).to_be_visible()

    # The user's messages reach the coach live; the bot says nothing.
    bot_messages_before = user.locator(".msg-bot").count()
    say(user, "ja morgen is goed, ik zoek werk in de zorg")
    expect(coach.locator("#transcript .turn[data-sender=user]").last).to_contain_text(
        "werk in de zorg"
    )
    assert bot_events_after_last_user(Chat(servers, sid)) == []
    assert user.locator(".msg-bot").count() == bot_messages_before
    expect(user.locator("#typing")).to_be_hidden()  # no "Werkmaatje typt..." while a coach has it
    shot(coach, "dashboard-conversation", tmp_path)
    shot(user, "widget-coach-reply", tmp_path)

    # 5. The coach hands back: a bridging message, then the bot answers again.
    coach.locator("#handback-form [type=submit]").click()
    expect(bot_bubble(user, "weer met mij")).to_be_visible()
    assert status_of(escalation.id) == "waiting"
    replies_before = user.locator(".msg-bot").count()
    say(user, "wat kun je allemaal?")
    expect(user.locator(".msg-bot")).not_to_have_count(replies_before)

    # 6. Resolve closes the escalation.
    coach.locator("#resolve-form [type=submit]").click()
    deadline = time.monotonic() + 10
    while status_of(escalation.id) != "resolved" and time.monotonic() < deadline:
        time.sleep(0.2)
    assert status_of(escalation.id) == "resolved"
    assert not coach_problems, coach_problems
    assert not user_problems, user_problems


def test_a_rest_user_reaches_a_coach_and_gets_the_reply(
    desk: BrowserContext, web: str, servers: str, accounts: Accounts
) -> None:
    chat = Chat(servers)
    chat.say("hoi")
    assert "coach" in chat.texts("kan ik een echte persoon spreken?").lower()
    escalation = escalation_of(chat.sender)

    coach = desk.new_page()
    login(coach, web, accounts.nl)
    coach.goto(f"{web}/coach/escalations/{escalation.id}")
    coach.locator("#claim-form [type=submit]").click()
    assert chat.say("hallo?") == []
    coach.fill("#reply-form textarea[name=text]", "Hoi, ik ben Sanne.")
    coach.locator("#reply-form [type=submit]").click()
    expect(coach.locator("#transcript .turn[data-sender=coach]")).to_contain_text("ik ben Sanne")
    last = [e for e in chat.tracker()["events"] if e["event"] == "bot"][-1]
    assert (last["text"], last["metadata"]["coach_name"]) == ("Hoi, ik ben Sanne.", "Sanne")
    coach.locator("#handback-form [type=submit]").click()
    expect(coach.locator("#claim-form")).to_be_visible()
    assert chat.texts("hoi")


def test_a_crisis_raises_an_urgent_alert_in_the_open_inbox(
    desk: BrowserContext, web: str, servers: str, accounts: Accounts, tmp_path: Path
) -> None:
    coach = desk.new_page()
    login(coach, web, accounts.nl)
    expect(coach.locator("#urgent-alert")).to_be_hidden()

    chat = Chat(servers)
    reply = chat.texts("ik wil er een eind aan maken")
    assert "113" in reply and "112" in reply
    escalation = escalation_of(chat.sender)
    assert (escalation.priority, escalation.reason) == ("urgent", "crisis")

    expect(coach.locator("#urgent-alert")).to_be_visible()
    row = coach.locator(f'#inbox [data-escalation-id="{escalation.id}"]')
    expect(row).to_have_attribute("data-priority", "urgent")
    expect(coach).to_have_title(re.compile(r"^\(\d+\) "))
    first = coach.locator("#inbox [data-escalation-id]").first
    expect(first).to_have_attribute("data-priority", "urgent")
    shot(coach, "dashboard-inbox-urgent", tmp_path)
    row.locator("a").click()
    expect(coach.locator("#transcript .turn.crisis")).to_contain_text("een eind aan maken")


def test_coaches_of_another_team_get_403(
    desk: BrowserContext, web: str, servers: str, accounts: Accounts
) -> None:
    chat = Chat(servers)
    chat.texts("ik wil een coach")  # no region yet: the Dutch team's inbox
    escalation = escalation_of(chat.sender)
    coach = desk.new_page()
    login(coach, web, accounts.be)
    expect(coach.locator(f'#inbox [data-escalation-id="{escalation.id}"]')).to_have_count(0)
    page = coach.request.get(f"{web}/coach/escalations/{escalation.id}")
    assert page.status == 403
    transcript = coach.request.get(f"{web}/coach/escalations/{escalation.id}/transcript.json")
    assert transcript.status == 403
    jobseeker = coach.request.get(f"{web}/coach/jobseekers/{escalation.jobseeker_id}")
    assert jobseeker.status == 403
    assert status_of(escalation.id) == "waiting"


@pytest.mark.parametrize(
    "path",
    [
        "/coach/",
        "/coach/inbox.json",
        "/coach/events",
        "/coach/audit",
        "/coach/escalations/1",
        "/coach/escalations/1/transcript.json",
        "/coach/escalations/1/events",
        "/coach/jobseekers/" + "0" * 32,
    ],
)
def test_every_page_needs_a_login(web: str, path: str) -> None:
    answer = requests.get(f"{web}{path}", allow_redirects=False, timeout=30)
    assert answer.status_code in (303, 401), answer.status_code
    if answer.status_code == 303:
        assert answer.headers["location"].startswith("/coach/login")


@pytest.mark.parametrize(
    "action", ["claim", "reply", "note", "labels", "handback", "snooze", "resolve", "assign"]
)
def test_every_action_needs_a_login(web: str, action: str) -> None:
    answer = requests.post(
        f"{web}/coach/escalations/1/{action}", data={"text": "x"}, allow_redirects=False, timeout=30
    )
    assert answer.status_code in (401, 403)


def test_script_sent_through_the_bot_never_runs_in_the_dashboard(
    desk: BrowserContext, web: str, servers: str, accounts: Accounts
) -> None:
    attack = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script><b>vet</b>'
    chat = Chat(servers)
    chat.say(attack)
    chat.say("ik wil met een coach praten")
    escalation = escalation_of(chat.sender)

    coach = desk.new_page()
    problems = watch(coach)
    login(coach, web, accounts.admin)
    coach.goto(f"{web}/coach/escalations/{escalation.id}")
    user_turn = coach.locator("#transcript .turn[data-sender=user]", has_text="<script>")
    expect(user_turn.first).to_contain_text(attack)  # shown as text
    coach.fill("#note-form textarea[name=text]", '<img src=x onerror="window.__xss=3">')
    coach.locator("#note-form [type=submit]").click()
    expect(coach.locator("body")).to_contain_text('<img src=x onerror="window.__xss=3">')
    coach.goto(f"{web}/coach/")
    expect(coach.locator(f'#inbox [data-escalation-id="{escalation.id}"]')).to_be_visible()
    coach.goto(f"{web}/coach/escalations/{escalation.id}")
    expect(coach.locator("#transcript")).to_contain_text("<b>vet</b>")
    assert coach.evaluate("window.__xss") is None
    assert coach.locator("#transcript img, #transcript script, #transcript b").count() == 0
    assert not problems, problems


def test_dashboard_pages_have_no_serious_accessibility_violations(
    desk: BrowserContext, web: str, servers: str, accounts: Accounts
) -> None:
    chat = Chat(servers)
    chat.say("ik wil een coach")
    escalation = escalation_of(chat.sender)
    coach = desk.new_page()
    coach.goto(f"{web}/coach/login")
    assert serious(coach) == []
    login(coach, web, accounts.nl)
    assert serious(coach) == []
    coach.goto(f"{web}/coach/escalations/{escalation.id}")
    expect(coach.locator("#transcript .turn").first).to_be_visible()
    assert serious(coach) == []
    coach.goto(f"{web}/coach/jobseekers/{escalation.jobseeker_id}")
    assert serious(coach) == []
