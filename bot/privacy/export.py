"""Right of access (AVG art. 15): everything we hold about one job-seeker.

:func:`collect` reads every table that can name the job-seeker, plus Rasa's
``events`` (all sessions, as stored, so masked). The result is a plain,
versioned JSON structure (:data:`FORMAT`, :data:`VERSION`; times in ISO 8601,
UTC):

- ``jobseeker``: the profile row (region, consent and when it changed, channel,
  first and last seen); ``identities``: channel addresses;
- ``progress_events``, ``decisions``, ``exercise_attempts``: every column;
- ``escalations``: coach requests with their ``notes`` (coach: first name only);
- ``audit``: who looked at or acted on the file, when (coach: first name only);
- ``telegram``: the chat link, or null;
- ``conversation``: ``{"time", "session", "from": "user"|"bot", "text"}`` per message.

:func:`summary_text` turns it into plain Dutch (B1) for a .txt file or a web
page; :func:`chat_summary` says the gist in a few sentences.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from typing import Any

from babel.support import NullTranslations
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.i18n import format_day, texts
from bot.store.db import session_scope
from bot.store.escalations import aware
from bot.store.models import (
    AuditEntry,
    ChannelIdentity,
    Coach,
    CoachRequest,
    Decision,
    EscalationNote,
    ExerciseAttempt,
    JobSeeker,
    ProgressEvent,
    TelegramChat,
    utcnow,
)
from bot.store.pseudonym import pseudonym
from bot.store.rasa_events import query_rows

FORMAT = "werkmaatje-export"
VERSION = 1
SKIP_COLUMNS = {"jobseeker_id"}
# A custom chat payload: the Telegram channel sends the export as files (bot.channels.telegram).
CHAT_PAYLOAD = "privacy_export"
FILENAME = "werkmaatje-gegevens"  # the same for every row: said once, in ``jobseeker``


def iso(value: Any) -> Any:
    """Datetimes as ISO 8601 in UTC, dates as ISO dates; other values unchanged."""
    if isinstance(value, datetime):
        return (aware(value) or value).astimezone(timezone.utc).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def as_dict(row: Any) -> dict[str, Any]:
    """Every column of an ORM row, JSON-ready."""
    return {
        column.name: iso(getattr(row, column.name))
        for column in row.__table__.columns
        if column.name not in SKIP_COLUMNS
    }


def first_name(name: str | None) -> str | None:
    return name.split()[0] if name and name.split() else None


def audit_targets(jobseeker_id: str, escalation_ids: list[int]) -> list[str]:
    """The audit ``target`` values that name this job-seeker (see bot.coach)."""
    return [f"jobseeker:{jobseeker_id[:16]}"] + [f"escalation:{eid}" for eid in escalation_ids]


def conversation_ids(session: Session, jobseeker_id: str, known: str | None = None) -> list[str]:
    """Rasa conversation ids of the job-seeker: the identity row, plus the one in hand."""
    ids = session.scalars(
        select(ChannelIdentity.sender_id).where(ChannelIdentity.jobseeker_id == jobseeker_id)
    ).all()
    return sorted({*ids, *([known] if known else [])})


def conversation(conversation_id: str) -> list[dict[str, Any]]:
    """User and bot messages of every session, oldest first, as Rasa stored them."""
    messages: list[dict[str, Any]] = []
    session = 0
    for type_name, timestamp, data in query_rows(
        "select type_name, timestamp, data from events where sender_id = :s order by id",
        {"s": conversation_id},
    ):
        if type_name == "session_started":
            session += 1
        if type_name not in ("user", "bot"):
            continue
        text = (json.loads(data) if data else {}).get("text")
        if not text:
            continue
        moment = datetime.fromtimestamp(float(timestamp or 0), timezone.utc)
        messages.append(
            {
                "time": moment.isoformat(),
                "session": max(session, 1),
                "from": type_name,
                "text": text,
            }
        )
    return messages


def _escalations(session: Session, jobseeker_id: str) -> list[dict[str, Any]]:
    result = []
    for request in session.scalars(
        select(CoachRequest)
        .where(CoachRequest.jobseeker_id == jobseeker_id)
        .order_by(CoachRequest.id)
    ):
        notes = session.execute(
            select(EscalationNote, Coach.name)
            .outerjoin(Coach, Coach.id == EscalationNote.coach_id)
            .where(EscalationNote.escalation_id == request.id)
            .order_by(EscalationNote.id)
        ).all()
        item = as_dict(request)
        item["notes"] = [
            {"coach": first_name(name), "text": note.text, "created_at": iso(note.created_at)}
            for note, name in notes
        ]
        result.append(item)
    return result


def _audit(session: Session, targets: list[str]) -> list[dict[str, Any]]:
    rows = session.execute(
        select(AuditEntry, Coach.name)
        .outerjoin(Coach, Coach.id == AuditEntry.coach_id)
        .where(or_(*[AuditEntry.target == t for t in targets]))
        .order_by(AuditEntry.id)
    ).all()
    return [
        {"time": iso(entry.created_at), "action": entry.action, "coach": first_name(name)}
        for entry, name in rows
    ]


def _rows(session: Session, model: Any, jobseeker_id: str) -> list[dict[str, Any]]:
    query = select(model).where(model.jobseeker_id == jobseeker_id).order_by(model.id)
    return [as_dict(row) for row in session.scalars(query)]


def collect(sender_id: str | None = None, jobseeker_id: str | None = None) -> dict[str, Any] | None:
    """The export for a conversation id (chat) or a pseudonym (dashboard); None if unknown."""
    jid = jobseeker_id or pseudonym(sender_id or "")
    with session_scope() as session:
        profile = session.get(JobSeeker, jid)
        if profile is None:
            return None
        escalations = _escalations(session, jid)
        conversations = conversation_ids(session, jid, sender_id)
        chats = session.scalars(
            select(TelegramChat).where(TelegramChat.conversation_id.in_(conversations))
        ).all()
        export = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": iso(utcnow()),
            "jobseeker": as_dict(profile),
            "identities": [
                {"channel": i.channel, "sender_id": i.sender_id}
                for i in session.scalars(
                    select(ChannelIdentity).where(ChannelIdentity.jobseeker_id == jid)
                )
            ],
            "progress_events": _rows(session, ProgressEvent, jid),
            "decisions": _rows(session, Decision, jid),
            "exercise_attempts": _rows(session, ExerciseAttempt, jid),
            "escalations": escalations,
            "audit": _audit(session, audit_targets(jid, [e["id"] for e in escalations])),
            "telegram": [as_dict(chat) for chat in chats],
        }
    export["conversation"] = [m for cid in conversations for m in conversation(cid)]
    return export


def to_json(export: dict[str, Any]) -> bytes:
    return json.dumps(export, ensure_ascii=False, indent=2).encode()


def _when(value: str | None, region: str | None) -> str:
    if not value:
        return "-"
    moment = datetime.fromisoformat(value)
    return f"{format_day(moment, region)} {moment.year}, {moment:%H:%M}"


def _consent(t: NullTranslations, consent: bool | None) -> str:
    if consent is None:
        return t.gettext("Je hebt nog niet gekozen.")
    if consent:
        return t.gettext("Ja, ik mag je voortgang bewaren.")
    return t.gettext("Nee, ik bewaar je voortgang niet.")


def _did(t: NullTranslations, action: str) -> str:
    """What a coach did, in plain words (the audit log's action codes mean nothing to users)."""
    done = {
        "view_escalation": t.gettext("las je vraag aan de coach"),
        "view_transcript": t.gettext("las ons gesprek"),
        "view_jobseeker": t.gettext("keek naar je overzicht"),
        "export_jobseeker": t.gettext("haalde al je gegevens op"),
        "claim": t.gettext("nam het gesprek over"),
        "assign": t.gettext("gaf je vraag aan een coach"),
        "reply": t.gettext("stuurde je een bericht"),
        "note": t.gettext("schreef een notitie"),
        "labels": t.gettext("gaf je vraag een label"),
        "handback": t.gettext("gaf het gesprek terug aan Werkmaatje"),
        "snooze": t.gettext("zette je vraag even opzij"),
        "resolve": t.gettext("sloot je vraag af"),
    }
    return done.get(action, t.gettext("deed iets met je gegevens"))


def _channel(t: NullTranslations, channel: str) -> str:
    if channel == "telegram":
        return "Telegram"
    return t.gettext("de webchat") if channel == "socketio" else t.gettext("internet")


def _place(t: NullTranslations, region: str | None) -> str:
    if region == "nl_BE":
        return t.gettext("Vlaanderen")
    return t.gettext("Nederland") if region == "nl_NL" else t.gettext("Weet ik niet.")


def counts(export: dict[str, Any]) -> dict[str, int]:
    return {
        key: len(export[key])
        for key in ("progress_events", "decisions", "exercise_attempts", "escalations")
    } | {"messages": len(export["conversation"])}


def steps_stored(t: NullTranslations, steps: int) -> str:
    return t.ngettext(
        "Ik heb {count} stap van je bewaard.", "Ik heb {count} stappen van je bewaard.", steps
    ).format(count=steps)


def no_consent(t: NullTranslations) -> str:
    return t.gettext("Ik bewaar je voortgang niet. Dat had je zo gekozen.")


def chat_summary(export: dict[str, Any], region: str | None) -> str:
    """The gist in a few short sentences, for the chat."""
    t = texts(region)
    number = counts(export)
    profile = export["jobseeker"]
    lines = [t.gettext("Dit bewaar ik van je.")]
    if profile["region"]:
        lines.append(t.gettext("Je woont in {place}.").format(place=_place(t, profile["region"])))
    if profile["consent"] is True:
        lines.append(t.gettext("Je vindt het goed dat ik je voortgang bewaar."))
        lines.append(steps_stored(t, number["progress_events"]))
    elif profile["consent"] is False:
        lines.append(no_consent(t))
    lines.append(
        t.ngettext(
            "Van ons gesprek heb ik {count} bericht.",
            "Van ons gesprek heb ik {count} berichten.",
            number["messages"],
        ).format(count=number["messages"])
    )
    lines.append(t.gettext("Je naam bewaar ik niet."))
    return " ".join(lines)


def summary_text(export: dict[str, Any], region: str | None) -> str:
    """The whole export in plain Dutch, as a text file (also shown on the download page)."""
    t = texts(region)
    profile = export["jobseeker"]
    number = counts(export)
    out = [
        t.gettext("Jouw gegevens bij Werkmaatje"),
        t.gettext("Gemaakt op {day}.").format(day=_when(export["created_at"], region)),
        "",
        t.gettext("Over jou"),
        t.gettext("Je woont in: {place}").format(place=_place(t, profile["region"])),
        t.gettext("Voortgang bewaren: {answer}").format(answer=_consent(t, profile["consent"])),
        t.gettext("Gekozen op: {day}").format(day=_when(profile["consent_changed_at"], region)),
        t.gettext("Eerste bericht: {day}").format(day=_when(profile["first_seen"], region)),
        t.gettext("Laatste bericht: {day}").format(day=_when(profile["last_seen"], region)),
        t.gettext("Je chat via: {channel}").format(channel=_channel(t, profile["channel"])),
        "",
        t.gettext("Wat ik bewaar"),
        t.gettext("Stappen: {count}").format(count=number["progress_events"]),
        t.gettext("Keuzes: {count}").format(count=number["decisions"]),
        t.gettext("Oefeningen: {count}").format(count=number["exercise_attempts"]),
        t.gettext("Vragen aan een coach: {count}").format(count=number["escalations"]),
        "",
        t.gettext("Wie keek naar je gegevens"),
    ]
    for entry in export["audit"]:
        who = entry["coach"] or t.gettext("Iemand")
        out.append(f"{_when(entry['time'], region)}: {who} {_did(t, entry['action'])}")
    if not export["audit"]:
        out.append(t.gettext("Niemand."))
    out += ["", t.gettext("Ons gesprek")]
    you, bot = t.gettext("Jij"), "Werkmaatje"
    for message in export["conversation"]:
        who = you if message["from"] == "user" else bot
        out.append(f"{_when(message['time'], region)} {who}: {message['text']}")
    out += ["", t.gettext("Alle details staan in het JSON-bestand.")]
    return "\n".join(out) + "\n"


def files(export: dict[str, Any]) -> list[tuple[str, bytes]]:
    """The readable summary and the JSON, as (file name, bytes)."""
    summary = summary_text(export, export["jobseeker"]["region"]).encode()
    return [(f"{FILENAME}.txt", summary), (f"{FILENAME}.json", to_json(export))]
