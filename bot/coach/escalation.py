"""One escalation: the conversation view and what a coach can do with it.

Handoff order (see :mod:`bot.escalation.handoff`): claiming pauses the bot in
Rasa *before* the escalation changes, so a failed pause changes nothing; handing
back, snoozing and resolving change the escalation first and then resume the bot.
Every form answers with a redirect (303) to the view, so the page works without
script; the result shows as a message chosen from a fixed list (``?flash=``).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from bot.coach import live
from bot.coach.auth import login_required
from bot.coach.canned import canned_replies
from bot.coach.ids import parse_id
from bot.coach.render import gettext, json_answer, locale_of, page
from bot.coach.texts import (
    PRIORITY_NAMES,
    STATUS_NAMES,
    d_,
    format_moment,
    reason_name,
    step_name,
    translations,
)
from bot.coach.transcript import Turn, turns
from bot.coach.words import (
    channel_name,
    display_name,
    intent_name,
    progress_counts,
    region_name,
)
from bot.escalation import handoff, summary
from bot.escalation.handoff import HandoffError
from bot.store import coaches, escalations
from bot.store.db import run_db
from bot.store.escalations import Escalation, NotAllowed

logger = logging.getLogger(__name__)

MAX_REPLY = 4000
SNOOZE_HOURS = (1, 4, 24, 72)
FLASH = {
    "claimed": d_("Je hebt het gesprek overgenomen. De bot is stil."),
    "claim_failed": d_("Overnemen lukte niet: de bot is niet bereikbaar. Er is niets veranderd."),
    "no_conversation": d_("Dit gesprek bestaat niet meer (gewist)."),
    "sent": d_("Bericht verstuurd."),
    "send_failed": d_("Versturen lukte niet: de bot is niet bereikbaar. Probeer het opnieuw."),
    "not_with_coach": d_("Neem het gesprek eerst over."),
    "note_added": d_("Notitie opgeslagen."),
    "labels_saved": d_("Labels opgeslagen."),
    "assigned": d_("Toegewezen."),
    "handed_back": d_("De bot neemt het gesprek weer over."),
    "snoozed": d_("Uitgesteld."),
    "resolved": d_("Afgerond."),
    "resume_failed": d_("Opgeslagen, maar de bot is niet bereikbaar om het gesprek te hervatten."),
    "not_allowed": d_("Dat kan niet in deze status."),
}
SYSTEM_TEXT = {"pause": d_("Coach nam het gesprek over"), "resume": d_("Bot weer actief")}


def forbidden() -> Response:
    """Not visible to this coach (or not there): the same answer, so ids reveal nothing."""
    return PlainTextResponse("Forbidden", status_code=403)


def escalation_id(request: Request) -> int:
    return int(request.path_params["escalation_id"])  # checked by the route's convertor


def back(escalation: int, flash: str | None = None) -> Response:
    query = f"?flash={flash}" if flash else ""
    return RedirectResponse(f"/coach/escalations/{escalation}{query}", status_code=303)


def target(escalation: int) -> str:
    return f"escalation:{escalation}"


async def load(request: Request) -> Escalation | None:
    return await run_db(escalations.get, escalation_id(request), request.state.viewer)


async def transcript_turns(
    client: httpx.AsyncClient, conversation_id: str | None, locale: str
) -> list[Turn] | None:
    """The conversation's turns, intents in words; None when Rasa cannot be reached."""
    if not conversation_id:
        return None
    try:
        events = await handoff.conversation_events(client, conversation_id)
    except HandoffError as error:
        logger.warning("Transcript not available: %s", error)
        return None
    result = turns(events)
    gettext = translations(locale).gettext
    for turn in result:
        if turn["system"]:
            source = SYSTEM_TEXT[turn["system"]]
            turn["text"] = gettext(source)
        turn["intent_name"] = intent_name(turn["intent"], locale)
    return result


def may_reply(request: Request, escalation: Escalation) -> bool:
    coach = request.state.coach
    return escalation.item.status == "with_coach" and (
        coach.role == "admin" or escalation.item.assigned_to == coach.id
    )


async def audit(request: Request, action: str, escalation: int, **detail: Any) -> None:
    await run_db(coaches.audit, request.state.coach.id, action, target(escalation), detail)


async def conversation_of(request: Request, escalation: Escalation) -> list[Turn] | None:
    """The turns a coach may read: none once retention removed this escalation's transcript."""
    if escalation.transcript_deleted:
        return []
    return await transcript_turns(
        request.app.state.rasa, escalation.conversation_id, locale_of(request)
    )


@login_required()
async def view(request: Request) -> Response:
    escalation = await load(request)
    if escalation is None:
        return forbidden()
    locale = locale_of(request)
    item = escalation.item
    await audit(request, "view_escalation", item.id)
    conversation = await conversation_of(request, escalation)
    flash = request.query_params.get("flash")
    facts = summary.read(escalation.summary)
    progress = facts.get("progress")
    return page(
        request,
        "escalation.html",
        escalation=escalation,
        item=item,
        status_name=gettext(request, STATUS_NAMES.get(item.status, item.status)),
        priority_name=gettext(request, PRIORITY_NAMES.get(item.priority, item.priority)),
        reason=reason_name(item.reason, locale),
        name=display_name(item.jobseeker_id, locale),
        region=region_name(item.region, locale),
        channel=channel_name(item.channel, locale),
        last_seen=format_moment(item.last_seen, locale),
        summary=facts,
        step=step_name(facts.get("step"), locale),
        progress=progress_counts(progress, locale) if isinstance(progress, dict) else [],
        turns=conversation,
        team_coaches=await run_db(coaches.list_team_coaches, item.team_id),
        canned=canned_replies(),
        may_reply=may_reply(request, escalation),
        snooze_hours=SNOOZE_HOURS,
        flash=gettext(request, FLASH[flash]) if flash in FLASH else None,
        flash_error=flash in ("claim_failed", "send_failed", "resume_failed", "not_allowed"),
        created=format_moment(item.created_at, locale),
    )


@login_required(page=False)
async def transcript_json(request: Request) -> Response:
    escalation = await load(request)
    if escalation is None:
        return forbidden()
    await audit(request, "view_transcript", escalation.item.id)
    conversation = await conversation_of(request, escalation)
    if conversation is None:
        message = gettext(
            request, d_("Het gesprek is nu niet te laden. De bot is niet bereikbaar.")
        )
        return json_answer({"error": message, "turns": []}, status_code=502)
    return json_answer(
        {
            "turns": conversation,
            "status": escalation.item.status,
            "may_reply": may_reply(request, escalation),
        }
    )


@login_required(page=False)
async def events(request: Request) -> Response:
    escalation = await load(request)
    if escalation is None:
        return forbidden()
    return live.transcript_stream(request, escalation.item.id, escalation.conversation_id)


Action = Callable[[Request, Escalation, Any], Awaitable[Response]]


def action(handler: Action) -> Callable[[Request], Awaitable[Response]]:
    """A POST on an escalation: visibility checked, form read, state errors become a message."""

    @login_required(page=False)
    async def endpoint(request: Request) -> Response:
        escalation = await load(request)
        if escalation is None:
            return forbidden()
        form = await request.form()
        try:
            return await handler(request, escalation, form)
        except LookupError:
            return forbidden()
        except NotAllowed:
            return back(escalation.item.id, "not_allowed")

    endpoint.__name__ = handler.__name__
    endpoint.__doc__ = handler.__doc__
    return endpoint


def bad_request(request: Request, message: str) -> Response:
    return PlainTextResponse(gettext(request, message), status_code=400)


async def claim(request: Request, escalation: Escalation, form: Any) -> Response:
    """Pause the bot first; only when that worked does the escalation become ``with_coach``."""
    eid, cid = escalation.item.id, escalation.conversation_id
    if not cid:
        return back(eid, "no_conversation")
    try:
        await handoff.take_over(request.app.state.rasa, cid, request.state.coach.first_name)
    except HandoffError as error:
        logger.warning("Take-over failed: %s", error)
        await audit(request, "claim", eid, ok=False)
        return back(eid, "claim_failed")
    await run_db(escalations.claim, eid, request.state.viewer)
    await audit(request, "claim", eid, ok=True)
    return back(eid, "claimed")


async def assign(request: Request, escalation: Escalation, form: Any) -> Response:
    eid, coach_id = escalation.item.id, parse_id(form.get("coach_id", ""))
    if coach_id is None:
        return bad_request(request, d_("Kies een coach."))
    await run_db(escalations.assign, eid, request.state.viewer, coach_id)
    await audit(request, "assign", eid, coach_id=coach_id)
    return back(eid, "assigned")


async def reply(request: Request, escalation: Escalation, form: Any) -> Response:
    """Only the coach who took over (or an admin) writes, and only while the bot is paused."""
    eid, text = escalation.item.id, str(form.get("text", "")).strip()
    if not 1 <= len(text) <= MAX_REPLY:
        return bad_request(request, d_("Een bericht heeft 1 tot 4000 tekens."))
    if escalation.item.status != "with_coach":
        return back(eid, "not_with_coach")
    if not may_reply(request, escalation):
        return forbidden()
    coach = request.state.coach
    try:
        await handoff.send_reply(
            request.app.state.rasa, str(escalation.conversation_id), text, coach.first_name
        )
    except HandoffError as error:
        logger.warning("Reply failed: %s", error)
        await audit(request, "reply", eid, ok=False)
        return back(eid, "send_failed")
    await run_db(escalations.touch, eid)
    await audit(request, "reply", eid, ok=True, chars=len(text))
    return back(eid, "sent")


async def note(request: Request, escalation: Escalation, form: Any) -> Response:
    eid = escalation.item.id
    try:
        await run_db(escalations.add_note, eid, request.state.viewer, str(form.get("text", "")))
    except ValueError:
        return bad_request(request, d_("Een notitie heeft 1 tot 4000 tekens."))
    await audit(request, "note", eid)
    return back(eid, "note_added")


async def labels(request: Request, escalation: Escalation, form: Any) -> Response:
    eid = escalation.item.id
    raw = str(form.get("labels", "")).split(",")
    try:  # the store refuses identifiers, also inside a word ("bsn111222333")
        saved = await run_db(escalations.set_labels, eid, request.state.viewer, raw)
    except ValueError:
        return bad_request(
            request,
            d_("Ongeldige labels: gebruik kleine letters, cijfers, - en _ (max. 10, 32 tekens)."),
        )
    await audit(request, "labels", eid, labels=saved)
    return back(eid, "labels_saved")


async def resume(request: Request, escalation: Escalation, response: str | None = None) -> bool:
    """Let the bot talk again after the escalation changed; False when Rasa could not be told."""
    cid = escalation.conversation_id
    if not cid:
        return True
    try:
        if response:
            await handoff.hand_back(request.app.state.rasa, cid, response)
        else:
            await handoff.hand_back(request.app.state.rasa, cid)
    except HandoffError as error:
        logger.warning("Resume failed: %s", error)
        return False
    return True


async def handback(request: Request, escalation: Escalation, form: Any) -> Response:
    eid = escalation.item.id
    await run_db(escalations.hand_back, eid, request.state.viewer)
    resumed = await resume(request, escalation)
    await audit(request, "handback", eid, resumed=resumed)
    return back(eid, "handed_back" if resumed else "resume_failed")


async def snooze(request: Request, escalation: Escalation, form: Any) -> Response:
    eid, hours = escalation.item.id, parse_id(form.get("hours", ""))
    if hours is None or hours not in SNOOZE_HOURS:
        return bad_request(request, d_("Kies 1, 4, 24 of 72 uur."))
    previous = await run_db(escalations.snooze, eid, request.state.viewer, hours)
    resumed = True
    if previous == "with_coach":
        resumed = await resume(request, escalation, handoff.SNOOZE_RESPONSE)
    await audit(request, "snooze", eid, hours=hours, resumed=resumed)
    return back(eid, "snoozed" if resumed else "resume_failed")


async def resolve(request: Request, escalation: Escalation, form: Any) -> Response:
    eid = escalation.item.id
    previous = await run_db(escalations.resolve, eid, request.state.viewer)
    resumed = True
    if previous == "with_coach":
        resumed = await resume(request, escalation)
    await audit(request, "resolve", eid, resumed=resumed)
    return back(eid, "resolved" if resumed else "resume_failed")


ACTIONS: dict[str, Action] = {
    "claim": claim,
    "assign": assign,
    "reply": reply,
    "note": note,
    "labels": labels,
    "handback": handback,
    "snooze": snooze,
    "resolve": resolve,
}
