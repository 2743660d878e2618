"""Coach requests and the crisis protocol."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import channel_of, region_of, response_name, session_intents
from bot import hours
from bot.escalation import summary, triggers
from bot.escalation.regional_help import problem_help, referrals
from bot.i18n import texts
from bot.privacy import notices
from bot.store import escalations, jobseekers
from bot.store.db import run_db


def now() -> datetime:
    return datetime.now(timezone.utc)


def current_step(tracker: Tracker) -> str | None:
    """Where the user was: a running form, else the last thing the bot said."""
    loop = (tracker.active_loop or {}).get("name")
    if loop:
        return str(loop)
    for event in reversed(tracker.events):
        if event.get("event") == "bot" and response_name(event):
            return response_name(event)
    return None


async def coach_summary(tracker: Tracker) -> str:
    texts = [e.get("text") or "" for e in tracker.events if e.get("event") == "user"]
    progress = await run_db(jobseekers.progress_counts, tracker.sender_id)
    return summary.build(texts, current_step(tracker), progress)


def tell_when_a_coach_answers(
    dispatcher: CollectingDispatcher, tracker: Tracker
) -> list[EventType]:
    """Honest about when a person will read it; the user can go on meanwhile."""
    region = region_of(tracker)
    opening = hours.next_opening(now(), region)
    if opening is None:
        dispatcher.utter_message(response="utter_coach_requested")
        return [SlotSet("coach_time", None)]
    when = hours.when_text(opening, region)
    dispatcher.utter_message(response="utter_coach_later", coach_time=when)
    return [SlotSet("coach_time", when)]


def problem_topic(tracker: Tracker) -> str | None:
    """The topic of the problem in the latest message: its entity, else its keywords."""
    latest = tracker.latest_message or {}
    entity = next(
        (e.get("value") for e in latest.get("entities") or [] if e.get("entity") == "topic"), None
    )
    return problem_help().topic(entity, str(latest.get("text") or ""))


def request_reason(tracker: Tracker) -> str:
    """Why the user needs a person, from what they said last."""
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    if intent == "share_problem":
        topic = problem_topic(tracker)
        return f"problem:{topic}"[:32] if topic else "problem"
    if intent == "affirm":  # yes to the coach offered for a bad mood
        return "mood"
    return "request"


def telegram_notice(
    dispatcher: CollectingDispatcher, tracker: Tracker, reason: str, button: bool = True
) -> list[EventType]:
    """Once per user, at the first sensitive topic on Telegram: it is not end-to-end
    encrypted, and the web chat is there. Never on other channels."""
    if not notices.notice_due(channel_of(tracker), reason, tracker.get_slot("telegram_notice")):
        return []
    region = region_of(tracker)
    url = notices.web_chat_url(region)
    title = texts(region).gettext("Open de webchat")
    dispatcher.utter_message(
        response="utter_telegram_notice",
        web_chat_url=url,
        buttons=notices.web_chat_buttons(url, title) if button else [],
    )
    return [SlotSet("telegram_notice", True), SlotSet("web_chat_url", url)]


class ActionRequestCoach(Action):
    def name(self) -> str:
        return "action_request_coach"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        reason = request_reason(tracker)
        details = await coach_summary(tracker)
        await run_db(escalations.open_escalation, tracker.sender_id, reason, details)
        events = tell_when_a_coach_answers(dispatcher, tracker)
        offer_to_go_on(dispatcher, tracker)
        return events + telegram_notice(dispatcher, tracker, reason)


def offer_to_go_on(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """Inside a journey or an exercise: the offer to go on there (it waits, kept)."""
    resume = RESUME.get(str((tracker.active_loop or {}).get("name")))
    if resume:
        dispatcher.utter_message(response=resume[0])


async def escalate(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    reason: str,
    opening_response: str | None,
) -> list[EventType]:
    """The assistant brings in a coach: say why (unless the flow already did), record it,
    say when a person reads it."""
    if opening_response:
        dispatcher.utter_message(response=opening_response)
    details = await coach_summary(tracker)
    await run_db(escalations.open_escalation, tracker.sender_id, reason, details)
    events = tell_when_a_coach_answers(dispatcher, tracker)
    return events + telegram_notice(dispatcher, tracker, reason)


class ActionMoodBad(Action):
    """Feeling bad: offer a coach; the second time in a session, bring one in.

    A problem named with the feeling (sleep, worries, debts) gets its regional help first.
    """

    def name(self) -> str:
        return "action_mood_bad"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        topic = problem_topic(tracker)
        if topic:  # "ik slaap slecht en pieker": the help for what was named comes first
            dispatcher.utter_message(text=problem_help().text(topic, region_of(tracker)))
        if triggers.mood_bad_repeated(session_intents(tracker)):
            return await escalate(dispatcher, tracker, "mood", "utter_mood_bad_again")
        dispatcher.utter_message(response="utter_mood_bad")
        return []


# A guided conversation left for a problem: the button that goes on where the user was.
RESUME = {
    "decision_form": ("utter_resume_decision", "/start_decision"),
    "exercise_form": ("utter_resume_exercise", "/start_exercise"),
}


class ActionShareProblem(Action):
    """A problem that blocks work (debts, housing, health...), said anywhere.

    The help that exists in the user's region first (data/content/problem_help.yml), then a
    coach is brought in at once; inside a journey or an exercise, the offer to go on later.
    """

    def name(self) -> str:
        return "action_share_problem"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        topic = problem_topic(tracker)
        if topic:
            dispatcher.utter_message(text=problem_help().text(topic, region_of(tracker)))
        events = await escalate(dispatcher, tracker, request_reason(tracker), "utter_share_problem")
        offer_to_go_on(dispatcher, tracker)
        return events


class ActionReferQuestion(Action):
    """A question about rules we cannot answer well: who knows it in the user's region.

    Never a guess about money or rights, and never sympathy for a question: the office
    that decides (data/content/referrals.yml), and a coach one tap away. Inside a journey
    or an exercise, the step is asked again after (data/rules).
    """

    def name(self) -> str:
        return "action_refer_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        region = region_of(tracker)
        text = str((tracker.latest_message or {}).get("text") or "")
        topic = referrals().topic(None, text) or "algemeen"
        coach = texts(region).gettext("Praat met coach")
        dispatcher.utter_message(
            text=referrals().text(topic, region),
            buttons=[{"title": coach, "payload": "/request_coach"}],
        )
        return []


class ActionDistress(Action):
    """Vague hopelessness: the region's line, then "denk je aan zelfmoord?"; leave any flow.

    No urgent alarm: a "ja" brings the crisis protocol (data/rules/rules_support.yml).
    """

    def name(self) -> str:
        return "action_distress"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_distress_line")
        dispatcher.utter_message(response="utter_distress_question")
        return [ActiveLoop(None), SlotSet("requested_slot", None)]


def crisis_coach_when(region: str) -> str:
    """When a coach reads a crisis: "zo snel als het kan" in coach hours, else the day and
    time the next coach starts ("pas op maandag 30 november om 9 uur")."""
    opening = hours.next_opening(now(), region)
    if opening is None:
        return texts(region).gettext("zo snel als het kan")
    return texts(region).gettext("pas op {day}").format(day=hours.when_text(opening, region))


class ActionCrisis(Action):
    """Fixed crisis message for the user's region, an urgent request, and leave any flow.

    The line comes first, always. Then, honestly, what the coach does: alerted now in
    coach hours; outside them, the day a coach reads it, and the line again to call now.
    """

    def name(self) -> str:
        return "action_crisis"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_crisis")
        details = await coach_summary(tracker)
        await run_db(escalations.open_escalation, tracker.sender_id, "crisis", details, "urgent")
        dispatcher.utter_message(
            response="utter_crisis_coach", coach_when=crisis_coach_when(region_of(tracker))
        )
        # The crisis help comes first; the notice follows, without a button to draw the eye.
        notice = telegram_notice(dispatcher, tracker, "crisis", button=False)
        return [ActiveLoop(None), SlotSet("requested_slot", None), *notice]
