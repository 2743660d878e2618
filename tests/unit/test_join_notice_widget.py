"""The widget's header in a real browser: who answers, the program or the coach.

The socket.io client is replaced by a small fake, so the test drives exactly what the
push endpoint sends: the notice's text, then its ``custom`` data.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, Route, expect

from tests.unit.test_coach_inbox_browser import web_app

pytest.register_assert_rewrite("tests.integration.browser")
pytest_plugins = ("tests.integration.browser",)
from tests.integration.browser import serious  # noqa: E402

FAKE_SOCKET = """
window.io = function () {
  var handlers = {};
  var socket = {
    connected: true,
    on: function (name, handler) {
      handlers[name] = handler;
      if (name === "connect") setTimeout(handler, 0);
    },
    emit: function (name) {
      if (name === "session_request") {
        var id = "0123456789abcdef0123456789abcdef";
        setTimeout(function () { handlers.session_confirm(id); }, 0);
      }
    },
    connect: function () {},
  };
  window.fakeBot = function (data) { handlers.bot_uttered(data); };
  return socket;
};
"""
PROGRAM = "Je praat met een computerprogramma. Een coach kan het gesprek overnemen."


@pytest.fixture(scope="module")
def web() -> Iterator[str]:
    with web_app() as url:
        yield url


def fake_socket(route: Route) -> None:
    route.fulfill(status=200, content_type="text/javascript", body=FAKE_SOCKET)


def test_the_header_names_the_coach_until_the_hand_back(web: str, page: Page) -> None:
    page.route("**/static/vendor/socket.io.min.js", fake_socket)
    page.goto(f"{web}/chat")
    header = page.locator("#who-answers")
    expect(header).to_have_text(PROGRAM)
    expect(page.locator("#empty")).to_be_visible()

    notice = "Coach Sanne neemt het gesprek over. Je praat nu met een mens."
    page.evaluate("t => window.fakeBot({text: t})", notice)
    page.evaluate("() => window.fakeBot({custom: {handoff: 'coach', coach_name: 'Sanne'}})")
    expect(header).to_have_text("Je praat nu met coach Sanne. Dat is een mens, geen computer.")
    expect(header).to_have_class("notice with-coach")
    expect(page.locator(".msg-bot")).to_have_count(1)  # the data adds no empty bubble
    assert serious(page) == []

    page.evaluate("() => window.fakeBot({text: 'Je coach is klaar met het gesprek.'})")
    page.evaluate("() => window.fakeBot({custom: {handoff: 'bot'}})")
    expect(header).to_have_text(PROGRAM)
    expect(header).to_have_class("notice")
