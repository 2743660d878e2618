"""What stands between the login form and the password check.

**Login CSRF, bound to a pre-session.** ``GET /coach/login`` gives the browser a
pre-session cookie (random id and issue time); the form's token is an HMAC of it
under a server key. A matching pair cannot be made up, so an attacker who can set a
cookie cannot log a coach into the attacker's account with a pair of their own.

**Throttling failed logins** (OWASP ASVS 2.2.1), counted in the database
(:mod:`bot.store.throttle`) so replicas share it. A failure counts in three buckets:

=============  ====  ===========  =======  ===================================
bucket         free  first block  longest  what it stops
=============  ====  ===========  =======  ===================================
client         10    5 s          15 min   one client trying many accounts
account        5     5 s          5 min    guessing one coach's password
everyone       1000  5 s          1 min    guessing from many clients at once
=============  ====  ===========  =======  ===================================

Each failure beyond the free ones doubles the block; a bucket without a failure for
an hour starts again. An account therefore gets at most about 20 guesses an hour
(ASVS: no more than 100), and one client at most about 4 an hour once it is at the cap.

So that the account bucket cannot be used to keep a coach out, a successful login
leaves a **device cookie** (signed, bound to that e-mail address, 90 days): a
browser that shows one for the address it logs in with is judged only by its own
device bucket (5 free, 5 s, at most 15 min), not by the client, account or everyone
buckets that an attacker can fill. A coach on a new browser waits at most 5 minutes.

Addresses and e-mails are stored as keyed hashes. The client address is
``request.client.host``: behind nginx, uvicorn (``proxy_headers``) puts there the
address nginx saw, from X-Forwarded-For, when the proxy is one of
``FORWARDED_ALLOW_IPS`` (default 127.0.0.1); IPv6 clients count per /64 network.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from starlette.requests import Request
from starlette.responses import Response

from bot.coach import auth
from bot.config import settings
from bot.store.throttle import GLOBAL_KEY, Limit

PRE_SESSION_COOKIE = "werkmaatje_login"
PRE_SESSION_AGE = 60 * 60
DEVICE_COOKIE = "werkmaatje_device"
DEVICE_AGE = 90 * 24 * 60 * 60

CLIENT = Limit(free=10, first=timedelta(seconds=5), cap=timedelta(minutes=15))
ACCOUNT = Limit(free=5, first=timedelta(seconds=5), cap=timedelta(minutes=5))
EVERYONE = Limit(free=1000, first=timedelta(seconds=5), cap=timedelta(minutes=1))
DEVICE = Limit(free=5, first=timedelta(seconds=5), cap=timedelta(minutes=15))

# A random part, then the issue time in seconds: "<token>.<time>".
PRE_SESSION = re.compile(r"^[A-Za-z0-9_-]{32,64}\.\d{1,12}$")
DEVICE_VALUE = re.compile(r"^(?P<nonce>[A-Za-z0-9_-]{16,64})\.(?P<issued>\d{1,12})\.[0-9a-f]{64}$")


@lru_cache(maxsize=8)
def _key(purpose: str) -> bytes:
    """A key per purpose, derived from the deployment's pseudonym key (shared by replicas)."""
    root = settings().pseudonym_key.encode()
    return hmac.new(root, f"werkmaatje coach {purpose}".encode(), hashlib.sha256).digest()


def keyed(purpose: str, value: str) -> str:
    return hmac.new(_key(purpose), value.encode(), hashlib.sha256).hexdigest()


def _fresh(issued: str, max_age: int) -> bool:
    return 0 <= time.time() - int(issued) <= max_age


# --- login CSRF ------------------------------------------------------------------------


def pre_session(request: Request) -> str:
    """The browser's pre-session, kept while it is valid (several tabs share one)."""
    current = auth.read_cookie(request, PRE_SESSION_COOKIE) or ""
    if PRE_SESSION.fullmatch(current) and _fresh(current.rsplit(".", 1)[1], PRE_SESSION_AGE):
        return current
    return f"{secrets.token_urlsafe(32)}.{int(time.time())}"


def login_csrf(pre: str) -> str:
    return keyed("login-csrf", pre)


def login_csrf_ok(request: Request, given: str) -> bool:
    """The form's token belongs to this browser's (unexpired) pre-session."""
    pre = auth.read_cookie(request, PRE_SESSION_COOKIE) or ""
    if not PRE_SESSION.fullmatch(pre) or not _fresh(pre.rsplit(".", 1)[1], PRE_SESSION_AGE):
        return False
    return auth.same_token(given, login_csrf(pre))


# --- device cookies ----------------------------------------------------------------------


def _email(value: str) -> str:
    return value.strip().lower()


def device_cookie(email: str) -> str:
    """A new device cookie value for a browser that just logged in as ``email``."""
    nonce, issued = secrets.token_urlsafe(16), str(int(time.time()))
    return f"{nonce}.{issued}.{keyed('device', f'{_email(email)}|{nonce}|{issued}')}"


def trusted_device(request: Request, email: str) -> str | None:
    """The device's id when it logged in as ``email`` before (signature valid, not too old)."""
    found = DEVICE_VALUE.fullmatch(auth.read_cookie(request, DEVICE_COOKIE) or "")
    if found is None or not _fresh(found["issued"], DEVICE_AGE):
        return None
    nonce, issued, signature = found["nonce"], found["issued"], found.group().rsplit(".", 1)[1]
    expected = keyed("device", f"{_email(email)}|{nonce}|{issued}")
    return nonce if hmac.compare_digest(signature, expected) else None


def remember_device(request: Request, response: Response, email: str) -> None:
    auth.set_cookie(request, response, DEVICE_COOKIE, device_cookie(email), DEVICE_AGE)


# --- throttle ----------------------------------------------------------------------------


def client_address(request: Request) -> str:
    """The client's address; an IPv6 client counts as its /64 (one host has many)."""
    host = request.client.host if request.client else "unknown"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _bucket(kind: str, value: str) -> str:
    return f"{kind}:{keyed('throttle', value)[:40]}"


@dataclass(frozen=True)
class Attempt:
    """The buckets a login attempt is judged by, and those a correct password clears."""

    buckets: tuple[tuple[str, Limit], ...]
    clears: tuple[str, ...]


def attempt(request: Request, email: str) -> Attempt:
    device = trusted_device(request, email)
    if device is not None:
        key = _bucket("device", device)
        return Attempt(((key, DEVICE),), (key,))
    account = _bucket("account", _email(email))
    client = _bucket("client", client_address(request))
    return Attempt(((client, CLIENT), (account, ACCOUNT), (GLOBAL_KEY, EVERYONE)), (account,))
