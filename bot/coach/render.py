"""Pages of the dashboard: one Jinja2 environment with autoescape always on.

Every page gets the coach, the CSRF token and ``_`` (gettext of the ``dashboard``
domain in the coach's language), and ``Cache-Control: no-store``: pages hold
personal data that must not stay in a shared browser's cache.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from bot.coach.texts import format_moment, locale_or_default, translations

ENV = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
)
NO_STORE = {"Cache-Control": "no-store"}


def locale_of(request: Request) -> str:
    coach = getattr(request.state, "coach", None)
    return locale_or_default(coach.locale if coach else None)


def gettext(request: Request, message: str) -> str:
    return translations(locale_of(request)).gettext(message)


def page(request: Request, template: str, status_code: int = 200, **context: Any) -> Response:
    locale = locale_of(request)
    catalogue = translations(locale)
    html = ENV.get_template(template).render(
        _=catalogue.gettext,
        gettext=catalogue.gettext,
        ngettext=catalogue.ngettext,
        locale=locale,
        moment=lambda value: format_moment(value, locale),
        coach=getattr(request.state, "coach", None),
        csrf=getattr(request.state, "csrf", ""),
        path=request.url.path,
        **context,
    )
    return HTMLResponse(html, status_code=status_code, headers=NO_STORE)


def json_answer(data: Any, status_code: int = 200) -> Response:
    return JSONResponse(data, status_code=status_code, headers=NO_STORE)
