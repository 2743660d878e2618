"""The action server's gate: only Rasa may run actions, and only with a well-formed call.

rasa-sdk checks nothing by itself: anyone who reached the port could run any
action (erase a job-seeker, fetch an export link) for any sender id, and a
malformed body made its error handler answer 500 with the body echoed back.
:func:`guard` puts three things in front of rasa-sdk's routes:

- every route but ``/health`` needs the shared secret Rasa sends as the query
  parameter ``token`` (endpoints.yml, ``action_endpoint.token``): else 401;
- ``POST /webhook`` needs a JSON object shaped like Rasa's action call: else 400
  with a short fixed message, the body never echoed;
- any other error answers its status with a fixed message, without the body.

Sanic's access log is off where this runs (bot.launch): its lines carry the URL
with the token.
"""

from __future__ import annotations

import hmac
import json
import logging
import zlib
from http import HTTPStatus
from typing import Any

from sanic import Sanic, response
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

OPEN_PATHS = frozenset({"/health"})
# Rasa sends the whole tracker since the session start; far above any real one.
MAX_BODY_BYTES = 16 * 1024 * 1024
INVALID = "invalid action call"
UNAUTHORIZED = "unauthorized"


class InvalidCall(ValueError):
    """The body is not an action call; the message names the first problem (for logs)."""


def _optional(mapping: dict[str, Any], key: str, *types: type) -> None:
    value = mapping.get(key)
    if value is not None and not isinstance(value, types):
        raise InvalidCall(f"{key} has the wrong type")


def validate_action_call(call: Any) -> dict[str, Any]:
    """The call when it has the shape rasa-sdk's executor and ``Tracker`` rely on."""
    if not isinstance(call, dict):
        raise InvalidCall("not a JSON object")
    if not isinstance(call.get("next_action"), str) or not call["next_action"]:
        raise InvalidCall("next_action missing")
    tracker = call.get("tracker")
    if not isinstance(tracker, dict):
        raise InvalidCall("tracker missing")
    if not isinstance(tracker.get("sender_id"), str):
        raise InvalidCall("tracker.sender_id missing")
    types: tuple[type, ...]
    for key, types in {
        "version": (str,),
        "sender_id": (str,),
        "domain": (dict,),
    }.items():
        _optional(call, key, *types)
    for key, types in {
        "slots": (dict,),
        "latest_message": (dict,),
        "events": (list,),
        "paused": (bool,),
        "followup_action": (str,),
        "active_loop": (dict,),
        "active_form": (dict,),
        "latest_action_name": (str,),
    }.items():
        _optional(tracker, key, *types)
    if not all(isinstance(event, dict) for event in tracker.get("events") or []):
        raise InvalidCall("an event is not an object")
    return call


def _inflate(body: bytes) -> bytes:
    """Undo ``Content-Encoding: deflate`` (Rasa's COMPRESS_ACTION_SERVER_REQUEST), bounded."""
    inflater = zlib.decompressobj()
    try:
        data = inflater.decompress(body, MAX_BODY_BYTES)
    except zlib.error as error:
        raise InvalidCall("not deflate data") from error
    if inflater.unconsumed_tail:
        raise InvalidCall("inflates past the size limit")
    return data


def parse_action_call(body: bytes, deflated: bool = False) -> dict[str, Any]:
    """Decode and check an action call; :class:`InvalidCall` for anything else."""
    raw = _inflate(body) if deflated else body
    try:
        call = json.loads(raw)
    except (ValueError, RecursionError) as error:  # UnicodeDecodeError is a ValueError
        raise InvalidCall("not JSON") from error
    return validate_action_call(call)


def token_ok(given: str | None, expected: str) -> bool:
    """Constant-time comparison; an empty expected token accepts nothing."""
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


def _error(message: str, status: int) -> HTTPResponse:
    return response.json({"error": message}, status=status)


def check_request(request: Request, token: str) -> HTTPResponse | None:
    """The refusal for a request that may not reach rasa-sdk, else None."""
    if request.path in OPEN_PATHS:
        return None
    if not token_ok(request.args.get("token"), token):
        logger.warning("Refused a call to %s without the right token", request.path)
        return _error(UNAUTHORIZED, 401)
    if request.path == "/webhook" and request.method == "POST":
        deflated = request.headers.get("Content-Encoding") == "deflate"
        try:
            call = parse_action_call(request.body, deflated)
        except InvalidCall as error:
            logger.warning("Refused an action call: %s", error)
            return _error(INVALID, 400)
        if not deflated:
            # rasa-sdk's handler reads request.json: parsed once, here.
            request.parsed_json = call  # type: ignore[assignment]  # sanic types it as None
    return None


async def quiet_error(request: Request, exception: Exception) -> HTTPResponse:
    """rasa-sdk's own handler echoed the request body; this one says only the status."""
    if isinstance(exception, SanicException):
        status = exception.status_code
        return _error(HTTPStatus(status).phrase.lower(), status)
    logger.error("Action server error on %s", request.path, exc_info=exception)
    return _error("internal error", 500)


def guard(app: Sanic, token: str) -> Sanic:
    """Put the token check, the body check and the quiet error handler on ``app``."""
    app.config.REQUEST_MAX_SIZE = MAX_BODY_BYTES

    async def check(request: Request) -> HTTPResponse | None:
        return check_request(request, token)

    app.register_middleware(check, "request")
    app.error_handler.add(Exception, quiet_error)
    return app
