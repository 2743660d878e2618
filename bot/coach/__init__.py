"""The coach dashboard: inbox, conversations and job-seekers, under /coach.

Mounted by :func:`bot.web.app.create_app` with ``*coach.routes()``.
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from bot.coach import account, caseload, escalation, ids, inbox, jobseeker, review


def routes() -> list[BaseRoute]:
    """Ids in paths go through :mod:`bot.coach.ids`: not a possible id, 404."""
    ids.register()
    actions = [
        Route(
            f"/coach/escalations/{{escalation_id:id}}/{name}",
            escalation.action(handler),
            methods=["POST"],
            name=f"coach_{name}",
        )
        for name, handler in escalation.ACTIONS.items()
    ]
    return [
        Route("/coach/", inbox.inbox_page, name="coach_inbox"),
        Route("/coach/inbox.json", inbox.inbox_json, name="coach_inbox_json"),
        Route("/coach/events", inbox.inbox_events, name="coach_events"),
        Route("/coach/login", account.login, methods=["GET", "POST"], name="coach_login"),
        Route("/coach/logout", account.logout, methods=["POST"], name="coach_logout"),
        Route("/coach/locale", account.set_locale, methods=["POST"], name="coach_locale"),
        Route("/coach/audit", account.audit_log, name="coach_audit"),
        Route("/coach/caseload", caseload.view, name="coach_caseload"),
        Route("/coach/caseload.csv", caseload.export_csv, name="coach_caseload_csv"),
        Route("/coach/escalations/{escalation_id:id}", escalation.view, name="coach_escalation"),
        Route(
            "/coach/escalations/{escalation_id:id}/transcript.json",
            escalation.transcript_json,
            name="coach_transcript",
        ),
        Route(
            "/coach/escalations/{escalation_id:id}/events",
            escalation.events,
            name="coach_escalation_events",
        ),
        *actions,
        Route("/coach/jobseekers/{jobseeker_id:pseudonym}", jobseeker.view, name="coach_jobseeker"),
        *jobseeker.privacy_routes(),
        *review.routes(),
    ]
