"""Privacy notices end to end, on the real Rasa and action servers.

Telegram (through the real webhook, fake Bot API): the first sensitive topic gets the
notice that Telegram is not end-to-end encrypted, with a working link to the web chat,
once. REST and the widget never get it. The consent age: a young user is asked the age
before consent; under 16 in the Netherlands no consent is asked and nothing is stored,
in Flanders a 13-year-old may say yes; "ik ben 15" later withdraws a "yes" in NL.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
import requests
from sqlalchemy import func, select

from bot.config import settings
from bot.store.db import session_scope
from bot.store.models import JobSeeker, ProgressEvent
from bot.store.pseudonym import pseudonym
from tests.integration.conftest import Chat
from tests.integration.test_telegram import TgUser, texts
from tests.integration.test_webchat import Socket

if TYPE_CHECKING:
    from tests.integration.fake_telegram import FakeTelegram

pytest_plugins = ["tests.integration.fake_telegram"]

NOTICE = "Telegram versleutelt dit gesprek niet helemaal."
PROBLEM = "ik heb echt veel schulden en de deurwaarder komt"
AGE_QUESTION = "Hoe oud ben je?"
CONSENT_QUESTION = "Mag ik het bewaren?"


def joined(messages: list[dict]) -> str:
    return "\n".join(m.get("text", "") for m in messages)


def buttons(messages: list[dict]) -> list[str]:
    return [b["title"] for m in messages for b in m.get("buttons") or []]


def stored(sender: str) -> tuple[bool | None, int]:
    """The stored consent and the number of progress events of one user."""
    jid = pseudonym(sender)
    with session_scope() as session:
        row = session.get(JobSeeker, jid)
        count = session.scalar(select(func.count()).where(ProgressEvent.jobseeker_id == jid))
        return (row.consent if row else None), int(count or 0)


# --- Telegram is not end-to-end encrypted ---------------------------------------------


@pytest.fixture
def user(servers: str, telegram: FakeTelegram) -> TgUser:
    return TgUser(telegram)


def test_telegram_gets_the_notice_once_with_a_working_web_chat_link(user: TgUser, web: str) -> None:
    user.say("hoi")
    user.say("ja hoor")
    assert "Wat wil je doen?" in texts(user.say("Nederland"))

    replies = user.say(PROBLEM)
    said = texts(replies)
    assert "Dank je dat je dit vertelt" in said
    assert said.index("Dank je dat je dit vertelt") < said.index(NOTICE)
    notice = replies[-1]["text"]
    assert notice.startswith(NOTICE)
    link = f"{settings().public_web_url}/chat"
    assert notice.endswith(link)
    page = requests.get(link, timeout=30)
    assert page.status_code == 200 and 'id="log"' in page.text
    assert user.tracker()["slots"]["telegram_notice"] is True

    again = user.say("ik heb een huurachterstand en moet misschien mijn huis uit")
    assert "coach" in texts(again) and NOTICE not in texts(again)
    assert [m["text"] for m in user.sent()].count(notice) == 1


def test_telegram_crisis_help_comes_before_the_notice(user: TgUser) -> None:
    replies = user.say("/start be")
    replies = user.say("ik wil niet meer leven")
    said = texts(replies)
    assert said.startswith("Wat goed dat je dit vertelt") and "1813" in said
    assert said.index("1813") < said.index(NOTICE)
    assert replies[-1]["text"].endswith(f"{settings().public_web_url}/chat?regio=be")
    assert "reply_markup" not in replies[-1]


def test_no_notice_over_rest(chat: Chat) -> None:
    chat.say("hoi")
    chat.say("/deny")
    chat.say("Nederland")
    replies = chat.say(PROBLEM)
    assert "Dank je dat je dit vertelt" in joined(replies)
    assert NOTICE not in joined(replies)
    assert chat.tracker()["slots"]["telegram_notice"] is None


def test_no_notice_in_the_widget(servers: str) -> None:
    sock = Socket(origin=f"http://localhost:{settings().web_port}")
    try:
        sid = sock.session(None)
        sock.say("hoi", sid)
        sock.replies(CONSENT_QUESTION)
        sock.say("/deny", sid)
        sock.replies("Vlaanderen?")
        sock.say('/inform{"region": "nl_NL"}', sid)
        sock.replies("Wat wil je doen?")
        sock.say(PROBLEM, sid)
        replies = sock.replies("coach")
        sock.say("/ask_capabilities", sid)  # everything of the problem's turn has arrived
        replies += sock.replies("Wat wil je doen?")
    finally:
        sock.close()
    assert any("Dank je dat je dit vertelt" in r for r in replies)
    assert not any(NOTICE in r for r in replies)


# --- the consent age -------------------------------------------------------------------


@pytest.mark.postgres  # consent and storage: proved on PostgreSQL too
def test_young_user_in_nl_is_not_asked_consent_and_nothing_is_stored(chat: Chat) -> None:
    first = chat.say("hoi ik ben 14 en zoek een bijbaantje")
    assert "computerprogramma" in joined(first)
    assert first[-1]["text"].endswith(AGE_QUESTION)
    assert buttons(first[-1:]) == [
        "Ik ben jonger dan 13",
        "Ik ben 13, 14 of 15",
        "Ik ben 16 of ouder",
    ]
    assert CONSENT_QUESTION not in joined(first)

    region = chat.say('/inform{"age_group": "13_to_15"}')
    assert joined(region) == "Woon je in Nederland of in Vlaanderen?"
    done = chat.say("Nederland")
    said = joined(done)
    assert CONSENT_QUESTION not in said
    assert "Je bent jonger dan 16. Dan bewaar ik niets van je voortgang." in said
    assert done[-1]["text"] == "Wat wil je doen?"
    assert stored(chat.sender) == (False, 0)
    slots = chat.tracker()["slots"]
    assert (slots["consent"], slots["age_group"], slots["onboarded"]) == (False, "13_to_15", True)


def test_young_user_in_flanders_may_give_consent(chat: Chat) -> None:
    first = chat.say("hoi ik ben 14 en zoek een vakantiejob", metadata={"region": "nl_BE"})
    assert first[-1]["text"].endswith(AGE_QUESTION)
    consent = chat.say("Ik ben 13, 14 of 15")  # typed, like the button's title
    assert consent[-1]["text"].endswith(CONSENT_QUESTION)
    done = chat.say("/affirm")
    assert "Ik bewaar je voortgang" in joined(done)
    assert stored(chat.sender) == (True, 1)


@pytest.mark.postgres  # consent and storage: proved on PostgreSQL too
def test_stating_an_age_under_16_later_withdraws_consent_in_nl(chat: Chat) -> None:
    chat.say("hoi")
    chat.say("/affirm")
    chat.say("Nederland")
    assert stored(chat.sender) == (True, 1)
    replies = chat.say("ik ben 15")
    said = joined(replies)
    assert "Je bent jonger dan 16" in said and "Wat ik had bewaard, is nu gewist." in said
    assert replies[-1]["text"] == "Wat wil je doen?"
    consent, _ = stored(chat.sender)
    assert consent is False
    assert chat.tracker()["slots"]["consent"] is False
    events = [e for e in chat.tracker()["events"] if e["event"] == "user"]
    assert events[-1]["parse_data"]["intent"]["name"] == "inform_age"
