"""The production profile's nginx: only the chat channels from outside, no model API.

A structural check of the rendered template, and real requests through Debian's
nginx to a recording fake upstream (skipped when nginx is not installed).
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
import requests

from bot.config import settings
from bot.deploy.profile import MissingBinary, ProdConfig, Profile, nginx_conf

# Own ports: the fake upstream plays every Rasa replica and action server.
PORTS = {"public_port": 28091, "web_public_port": 28092, "api_port": 28093, "actions_port": 28094}
UPSTREAM_PORT = 28095
WEB_PORT = 28096

# Rasa's HTTP API routes (rasa/server.py) and our pushes: never from outside.
CLOSED_OUTSIDE = [
    ("GET", "/"),
    ("GET", "/version"),
    ("GET", "/status"),
    ("GET", "/domain"),
    ("PUT", "/model"),
    ("DELETE", "/model"),
    ("POST", "/model/train"),
    ("POST", "/model/test/stories"),
    ("POST", "/model/test/intents"),
    ("POST", "/model/predict"),
    ("POST", "/model/parse"),
    ("GET", "/conversations/abc/tracker"),
    ("POST", "/conversations/abc/tracker/events"),
    ("PUT", "/conversations/abc/tracker/events"),
    ("GET", "/conversations/abc/story"),
    ("POST", "/conversations/abc/execute"),
    ("POST", "/conversations/abc/trigger_intent"),
    ("POST", "/conversations/abc/predict"),
    ("POST", "/conversations/abc/messages"),
    ("POST", "/webhooks/push/send"),
    ("POST", "/webhooks/push/erase"),
    ("GET", "/webhooks/webchat/history"),
    ("POST", "/webhooks/rest/webhook"),
    ("POST", "/webhooks/../model/train"),
    ("POST", "/socket.io/../model/parse"),
]
OPEN_OUTSIDE = [("POST", "/webhooks/telegram/webhook"), ("GET", "/socket.io/?EIO=4")]
# The internal port (the web app): what it needs, still no model management.
OPEN_INSIDE = [
    ("GET", "/"),
    ("GET", "/conversations/abc/tracker?include_events=ALL"),
    ("POST", "/webhooks/push/send"),
    ("GET", "/webhooks/webchat/history"),
    ("POST", "/webhooks/rest/webhook"),
]
_OPEN_INSIDE_ROUTES = {(method, path.split("?")[0]) for method, path in OPEN_INSIDE}
CLOSED_INSIDE = [
    (method, path)
    for method, path in CLOSED_OUTSIDE
    if not path.startswith("/webhooks/") and (method, path) not in _OPEN_INSIDE_ROUTES
]


def config(tmp: Path, public_rest: bool = False) -> ProdConfig:
    return dataclasses.replace(
        ProdConfig.from_env(),
        dir=tmp,
        rasa_ports=(UPSTREAM_PORT,),
        action_ports=(UPSTREAM_PORT,),
        web_port=WEB_PORT,
        public_rest=public_rest,
        **PORTS,
    )


def server_blocks(text: str) -> dict[str, str]:
    """Each ``server { ... }`` block by its listen address."""
    blocks: dict[str, str] = {}
    for start in [m.end() for m in re.finditer(r"\n    server \{", text)]:
        depth, end = 1, start
        while depth:
            end += 1
            depth += {"{": 1, "}": -1}.get(text[end], 0)
        block = text[start:end]
        listen = re.search(r"listen (\S+);", block)
        assert listen
        blocks[listen.group(1)] = block
    return blocks


def locations(block: str) -> set[str]:
    return {m.strip() for m in re.findall(r"location ([^{]+)\{", block)}


def test_the_public_port_passes_only_the_chat_channels(tmp_path: Path) -> None:
    blocks = server_blocks(nginx_conf(config(tmp_path), tmp_path))
    public = blocks[f"127.0.0.1:{PORTS['public_port']}"]
    assert locations(public) == {"= /nginx-health", "/socket.io/", "/webhooks/telegram/", "/"}
    catch_all = public[public.index("location / {") :]
    assert "return 404;" in catch_all and "proxy_pass" not in catch_all


def test_public_rest_is_a_setting(tmp_path: Path) -> None:
    blocks = server_blocks(nginx_conf(config(tmp_path, public_rest=True), tmp_path))
    assert "/webhooks/rest/" in locations(blocks[f"127.0.0.1:{PORTS['public_port']}"])


def test_internal_ports_listen_on_loopback(tmp_path: Path) -> None:
    blocks = server_blocks(nginx_conf(config(tmp_path), tmp_path))
    for name in ("api_port", "actions_port"):
        assert f"127.0.0.1:{PORTS[name]}" in blocks
    assert all(re.fullmatch(r"127\.0\.0\.1:\d+", listen) for listen in blocks)


def test_the_profile_wires_loopback_launchers_and_the_token(tmp_path: Path) -> None:
    """What `make prod` starts: no secret in a command line or a generated file."""
    try:
        profile = Profile(config(tmp_path))
    except MissingBinary as missing:  # `make test` installs the packages: never a silent skip
        pytest.fail(str(missing))
    profile.write_files()
    secrets = (settings().rasa_api_token, settings().action_server_token)
    for service in [*profile.rasa, *profile.actions]:
        assert service.command[1:3] == ["-m", "bot.launch"]
        assert service.env["BIND_HOST"] == "127.0.0.1"
        assert not any(secret in " ".join(service.command) for secret in secrets)
    assert profile.web.env["RASA_PORT"] == str(PORTS["api_port"])  # nginx's internal port
    endpoints = profile.endpoints.read_text()
    assert "token: ${ACTION_SERVER_TOKEN}" in endpoints
    assert f"url: http://127.0.0.1:{PORTS['actions_port']}/webhook" in endpoints
    assert not any(secret in endpoints for secret in secrets)
    for log in ("nginx-error.log", "nginx-access.log"):
        assert oct((profile.logs / log).stat().st_mode & 0o777) == "0o600"


# ---- real requests through nginx ----


class Recorder(BaseHTTPRequestHandler):
    """Answers everything with 200 and remembers the request lines it got."""

    seen: ClassVar[list[str]] = []

    def answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        Recorder.seen.append(f"{self.command} {self.path}")
        self.send_response(200)
        self.send_header("Content-Length", "8")
        self.end_headers()
        self.wfile.write(b"upstream")

    do_GET = do_POST = do_PUT = do_DELETE = answer

    def log_message(self, *_args: object) -> None:
        pass


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None
    )


@pytest.fixture(scope="module")
def upstream() -> Iterator[list[str]]:
    server = ThreadingHTTPServer(("127.0.0.1", UPSTREAM_PORT), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Recorder.seen
    finally:
        server.shutdown()
        server.server_close()


def start_nginx(tmp: Path, public_rest: bool) -> subprocess.Popen[bytes]:
    binary = nginx_binary()
    if binary is None:
        pytest.fail("nginx is not installed (Debian package nginx; `make test` installs it)")
    prod = config(tmp, public_rest)
    (tmp / "nginx").mkdir(exist_ok=True)
    conf = tmp / "nginx.conf"
    conf.write_text(nginx_conf(prod, tmp))
    command = [binary, "-p", f"{tmp}/", "-e", str(tmp / "nginx-error.log"), "-c", str(conf)]
    process = subprocess.Popen(
        [*command, "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 20
    while True:
        try:
            if requests.get(f"{prod.public_url}/nginx-health", timeout=1).ok:
                return process
        except requests.ConnectionError:
            pass
        assert process.poll() is None, (tmp / "nginx-error.log").read_text()
        assert time.monotonic() < deadline, "nginx did not start"
        time.sleep(0.1)


@pytest.fixture(params=[False, True], ids=["default", "public-rest"])
def nginx(request: pytest.FixtureRequest, tmp_path: Path, upstream: list[str]) -> Iterator[bool]:
    process = start_nginx(tmp_path, request.param)
    try:
        yield request.param
    finally:
        process.terminate()
        process.wait(timeout=10)


def send(port: int, method: str, path: str) -> requests.Response:
    # A prepared request keeps "/../" as it is (requests would resolve it).
    session = requests.Session()
    prepared = requests.Request(method, f"http://127.0.0.1:{port}/").prepare()
    prepared.url = f"http://127.0.0.1:{port}{path}"
    return session.send(prepared, timeout=10)


def test_through_nginx(nginx: bool, upstream: list[str]) -> None:
    public_rest = nginx
    outside = PORTS["public_port"]
    for method, path in CLOSED_OUTSIDE:
        if public_rest and path == "/webhooks/rest/webhook":
            continue
        upstream.clear()
        answer = send(outside, method, path)
        assert answer.status_code == 404 and not upstream, (method, path, answer.status_code)
    rest = send(outside, "POST", "/webhooks/rest/webhook")
    assert (rest.status_code == 200) is public_rest
    for method, path in OPEN_OUTSIDE:
        assert send(outside, method, path).text == "upstream", (method, path)

    inside = PORTS["api_port"]
    for method, path in OPEN_INSIDE:
        assert send(inside, method, path).text == "upstream", (method, path)
    for method, path in CLOSED_INSIDE:
        upstream.clear()
        answer = send(inside, method, path)
        assert answer.status_code in (403, 404) and not upstream, (method, path)

    upstream.clear()
    assert send(PORTS["actions_port"], "POST", "/webhook?token=abc").text == "upstream"
    assert upstream == ["POST /webhook?token=abc"]  # Rasa's token passes through


def test_no_token_in_nginx_logs(nginx: bool, upstream: list[str], tmp_path: Path) -> None:
    """nginx writes request lines, ?token= included, into its error log (e.g. a large
    body buffered to a file): not on the internal ports, which carry the tokens."""
    token = "TOKEN-must-not-be-logged"
    tracker = {"events": [{"event": "user", "text": "x" * 200} for _ in range(2_000)]}
    answer = requests.post(
        f"http://127.0.0.1:{PORTS['actions_port']}/webhook",
        params={"token": token},
        json={"next_action": "a", "tracker": tracker},
        timeout=30,
    )
    assert answer.text == "upstream"
    assert requests.get(
        f"http://127.0.0.1:{PORTS['api_port']}/conversations/a/tracker",
        params={"token": token},
        timeout=30,
    ).ok
    # Export links and progress cards are bearer tokens in the path.
    for path in (f"/privacy/{token}", f"/privacy/{token}.json", f"/media/progress/{token}.png"):
        requests.get(f"http://127.0.0.1:{PORTS['web_public_port']}{path}", timeout=30)
    access = (tmp_path / "nginx-access.log").read_text()
    assert "/privacy/[redacted]" in access and "/media/progress/[redacted]" in access
    for log in tmp_path.glob("*.log"):
        assert token not in log.read_text(errors="replace"), log
