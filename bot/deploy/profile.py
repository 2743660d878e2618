"""The production profile on one machine: ``make prod`` (``python -m bot.cli prod``).

Everything on loopback, from Debian's packages, under ``PROD_DIR`` (``var/prod``):
a PostgreSQL cluster of its own (tracker store and our tables), Redis for
Rasa's lock store, two Rasa replicas, two action servers, the web app once, and
nginx in front. Only nginx's public ports are meant to be exposed: they pass the
chat channels and the web app, never Rasa's model-management API; the web app
reaches Rasa's API through an internal nginx port. The same code starts the
profile for the tests in ``tests/production``. See docs/deployment.md.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import jinja2
import yaml

from bot.config import PROJECT_ROOT, private_file, production_settings
from bot.services import (
    VENV_BIN,
    Service,
    action_server,
    rasa_server,
    running,
    service_env,
    web_server,
)

TEMPLATE = Path(__file__).with_name("nginx.conf.j2")
DB_NAME = "werkmaatje"
DB_ROLE = "werkmaatje"
ROUTE_COOKIE = "wm_route"
LOCK_STORE = "bot.store.lock_store.ReplicaSafeRedisLockStore"
# A service that dies this often within RESTART_WINDOW_S is given up on.
MAX_RESTARTS = 3
RESTART_WINDOW_S = 60.0
COMMAND_TIMEOUT_S = 120


def missing_binaries(config: ProdConfig) -> list[str]:
    """What the profile needs from Debian and cannot find (empty when all is there)."""
    needed = [config.pg_bin / "initdb", config.pg_bin / "pg_ctl"]
    missing = [str(path) for path in needed if not path.exists()]
    for name in ("redis-server", "nginx"):
        if not (
            shutil.which(name)
            or Path(f"/usr/sbin/{name}").exists()
            or Path(f"/usr/bin/{name}").exists()
        ):
            missing.append(name)
    return missing


class MissingBinary(RuntimeError):
    """A Debian package the profile needs is not installed."""


@dataclass(frozen=True)
class ProdConfig:
    """Ports and paths of one profile: ``PROD_*`` (bot.config), or a test's own."""

    dir: Path
    host: str  # the name browsers and users use in URLs
    public_port: int  # nginx → Rasa replicas: the chat channels (Telegram, socket.io)
    web_public_port: int  # nginx → web app
    api_port: int  # nginx → Rasa's HTTP API for the web app (internal)
    actions_port: int  # nginx → action servers (internal)
    rasa_ports: tuple[int, ...]
    action_ports: tuple[int, ...]
    web_port: int  # the web app itself (internal)
    pg_port: int
    redis_port: int
    pg_bin: Path
    # The REST channel trusts any sender id: off on the public port unless asked for.
    public_rest: bool = False
    # Origins whose pages may open the chat socket; None: the profile's own web addresses.
    webchat_origins: tuple[str, ...] | None = None

    @classmethod
    def from_env(cls) -> ProdConfig:
        """The profile the environment describes (checked: ``SettingsError`` if wrong)."""
        prod = production_settings()
        return cls(
            dir=prod.dir.resolve(),
            host=prod.host,
            public_port=prod.public_port,
            web_public_port=prod.web_public_port,
            api_port=prod.api_port,
            actions_port=prod.actions_port,
            rasa_ports=prod.rasa_ports,
            action_ports=prod.action_ports,
            web_port=prod.web_port,
            pg_port=prod.pg_port,
            redis_port=prod.redis_port,
            pg_bin=prod.pg_bin,
            public_rest=prod.public_rest,
            webchat_origins=prod.webchat_origins,
        )

    @property
    def public_url(self) -> str:
        return f"http://{self.host}:{self.public_port}"

    @property
    def web_url(self) -> str:
        return f"http://{self.host}:{self.web_public_port}"

    @property
    def api_url(self) -> str:
        """Rasa's HTTP API through nginx's internal port (loopback only)."""
        return f"http://127.0.0.1:{self.api_port}"


def nginx_conf(config: ProdConfig, logs: Path) -> str:
    """nginx's configuration for this profile, from bot/deploy/nginx.conf.j2."""
    template = jinja2.Template(TEMPLATE.read_text(), keep_trailing_newline=True)
    return template.render(
        run_dir=config.dir / "nginx",
        log_dir=logs,
        listen="127.0.0.1",
        public_port=config.public_port,
        web_public_port=config.web_public_port,
        api_port=config.api_port,
        actions_port=config.actions_port,
        rasa_ports=config.rasa_ports,
        action_ports=config.action_ports,
        web_port=config.web_port,
        route_cookie=ROUTE_COOKIE,
        public_rest=config.public_rest,
    )


class RedisService(Service):
    """Healthy when Redis answers PING (it speaks no HTTP)."""

    port: int = 0

    def healthy(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=2) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False


class Profile:
    """One production profile: its files, its database, its processes."""

    def __init__(self, config: ProdConfig | None = None) -> None:
        self.config = config or ProdConfig.from_env()
        c = self.config
        self.logs = c.dir / "logs"
        self.pg_data = c.dir / "pg"
        self.endpoints = c.dir / "endpoints.yml"
        self.nginx_conf = c.dir / "nginx.conf"
        passwords = production_settings()
        self.db_password = passwords.db_password
        self.pg_password = passwords.pg_superuser_password
        self.database_url = (
            f"postgresql://{DB_ROLE}:{self.db_password}@127.0.0.1:{c.pg_port}/{DB_NAME}"
        )
        self.redis = self._redis()
        self.actions = [
            action_server(port, f"actions-{i}") for i, port in enumerate(c.action_ports, 1)
        ]
        self.rasa = [
            rasa_server(endpoints=self.endpoints, port=port, name=f"rasa-{i}")
            for i, port in enumerate(c.rasa_ports, 1)
        ]
        self.web = web_server(c.web_port)
        self.nginx = Service(
            "nginx",
            [
                self._binary("nginx", "/usr/sbin/nginx"),
                "-p",
                f"{c.dir}/",
                "-e",
                str(self.logs / "nginx-error.log"),
                "-c",
                str(self.nginx_conf),
                "-g",
                "daemon off;",
            ],
            f"http://127.0.0.1:{c.public_port}/nginx-health",
        )
        self.services = [self.redis, *self.actions, *self.rasa, self.web, self.nginx]
        for service in self.services:
            service.log_path = self.logs / f"{service.name}.log"
            service.env = {**self.shared_env(), **service.env}
        self._restarts: dict[str, list[float]] = {}

    # ---- settings every process gets ----

    def shared_env(self) -> dict[str, str]:
        c = self.config
        web_origins = {c.web_url, f"http://127.0.0.1:{c.web_public_port}"}
        return {
            "DATABASE_URL": self.database_url,
            # Loopback only, whatever BIND_HOST says: nginx is the one way in.
            "BIND_HOST": "127.0.0.1",
            # Through nginx's internal port: the web app reads histories from any replica.
            "RASA_PORT": str(c.api_port),
            "PUBLIC_RASA_URL": c.public_url,
            "PUBLIC_WEB_URL": c.web_url,
            "WEBCHAT_ORIGINS": ",".join(c.webchat_origins or sorted(web_origins)),
        }

    # ---- files ----

    @staticmethod
    def _binary(name: str, fallback: str) -> str:
        found = shutil.which(name) or (fallback if Path(fallback).exists() else None)
        if not found:
            raise MissingBinary(f"{name} is not installed (Debian package {name})")
        return found

    def _redis(self) -> RedisService:
        c = self.config
        service = RedisService(
            "redis",
            [
                self._binary("redis-server", "/usr/bin/redis-server"),
                "--port",
                str(c.redis_port),
                "--bind",
                "127.0.0.1",
                "--protected-mode",
                "yes",
                # Locks live for seconds: nothing to keep across a restart.
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(c.dir / "redis"),
            ],
            f"redis://127.0.0.1:{c.redis_port}",
        )
        service.port = c.redis_port
        return service

    def write_files(self) -> None:
        """The endpoints file for the Rasa replicas and nginx's configuration."""
        c = self.config
        for folder in (self.logs, c.dir / "redis", c.dir / "nginx"):
            folder.mkdir(parents=True, exist_ok=True)
        endpoints = yaml.safe_load((PROJECT_ROOT / "endpoints.yml").read_text())
        # The token stays "${ACTION_SERVER_TOKEN}": Rasa reads it from its environment.
        endpoints["action_endpoint"]["url"] = f"http://127.0.0.1:{c.actions_port}/webhook"
        endpoints["lock_store"] = {
            "type": LOCK_STORE,
            "url": "127.0.0.1",
            "port": c.redis_port,
            "db": 1,
        }
        self.endpoints.write_text(
            "# Generated by `python -m bot.cli prod` (bot/deploy/profile.py).\n"
            + yaml.safe_dump(endpoints, sort_keys=False)
        )
        self.nginx_conf.write_text(nginx_conf(c, self.logs))
        # nginx creates its logs 0644 and writes whole request lines (with ?token=)
        # into the error log: created private here, it keeps them so.
        for name in ("nginx-error.log", "nginx-access.log"):
            os.close(private_file(self.logs / name))

    # ---- PostgreSQL: a cluster of its own, run by pg_ctl ----

    def _as_postgres(self, command: list[str]) -> list[str]:
        """PostgreSQL refuses to run as root: then run its tools as user postgres."""
        if os.geteuid() != 0:
            return command
        return ["runuser", "-u", "postgres", "--", *command]

    def _pg(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        binary = self.config.pg_bin / tool
        if not binary.exists():
            raise MissingBinary(f"{binary} not found (Debian package postgresql)")
        return subprocess.run(
            self._as_postgres([str(binary), *args]),
            cwd="/",
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT_S,
            check=check,
        )

    def _owned_by_postgres(self, path: Path) -> None:
        if os.geteuid() == 0:
            shutil.chown(path, "postgres", "postgres")

    def init_cluster(self) -> None:
        """``initdb`` once: password logins over TCP only (scram), no Unix socket."""
        if (self.pg_data / "PG_VERSION").exists():
            return
        self.pg_data.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._owned_by_postgres(self.pg_data)
        password_file = self.config.dir / "pg-password.tmp"
        password_file.write_text(self.pg_password + "\n")
        password_file.chmod(0o600)
        self._owned_by_postgres(password_file)
        try:
            self._pg(
                "initdb",
                "-D",
                str(self.pg_data),
                "-U",
                "postgres",
                f"--pwfile={password_file}",
                "--auth-local=scram-sha-256",
                "--auth-host=scram-sha-256",
                "--encoding=UTF8",
                "--no-locale",
            )
        finally:
            password_file.unlink()
        with (self.pg_data / "postgresql.conf").open("a") as conf:
            conf.write("\n# bot/deploy/profile.py\nlisten_addresses = '127.0.0.1'\n")
            conf.write("unix_socket_directories = ''\n")

    def pg_ctl(
        self, action: str, *args: str, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        """``pg_ctl <action>`` on this cluster (tests restart it with this)."""
        log = self.logs / "postgresql.log"
        os.close(private_file(log))
        self._owned_by_postgres(log)
        options = ["-o", f"-p {self.config.pg_port}"] if action in ("start", "restart") else []
        data = ["-D", str(self.pg_data), "-l", str(log)]
        return self._pg("pg_ctl", action, *data, "-w", "-t", "60", *options, *args, check=check)

    def pg_running(self) -> bool:
        return self._pg("pg_ctl", "status", "-D", str(self.pg_data), check=False).returncode == 0

    def ensure_database(self) -> None:
        """The app's role and database (idempotent; the password follows the secret)."""
        import psycopg2

        connection = psycopg2.connect(
            host="127.0.0.1",
            port=self.config.pg_port,
            user="postgres",
            password=self.pg_password,
            dbname="postgres",
            connect_timeout=10,
        )
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute("select 1 from pg_roles where rolname = %s", (DB_ROLE,))
                verb = "alter" if cursor.fetchone() else "create"
                cursor.execute(f"{verb} role {DB_ROLE} login password %s", (self.db_password,))
                cursor.execute("select 1 from pg_database where datname = %s", (DB_NAME,))
                if not cursor.fetchone():
                    cursor.execute(f"create database {DB_NAME} owner {DB_ROLE}")
        finally:
            connection.close()

    def migrate(self) -> None:
        subprocess.run(
            [str(VENV_BIN / "alembic"), "upgrade", "head"],
            cwd=PROJECT_ROOT,
            env={**os.environ, **self.shared_env()},
            check=True,
            capture_output=True,
            timeout=COMMAND_TIMEOUT_S,
        )

    @contextmanager
    def database(self) -> Iterator[None]:
        """PostgreSQL up, role, database and schema current; stopped afterwards."""
        self.init_cluster()
        if not self.pg_running():
            self.pg_ctl("start")
        try:
            self.ensure_database()
            self.migrate()
            yield
        finally:
            self.pg_ctl("stop", "-m", "fast", check=False)

    # ---- the whole profile ----

    @contextmanager
    def up(self, timeout: float = 300) -> Iterator[Profile]:
        """Start everything, wait until each part answers, stop everything after."""
        self.write_files()
        with ExitStack() as stack:
            stack.enter_context(self.database())
            stack.enter_context(running(self.services, timeout=timeout))
            yield self

    def restart(self, service: Service, down_s: float = 0.0, timeout: float = 120) -> None:
        """Stop one process, leave it down ``down_s`` seconds, start it again (tests)."""
        service.stop()
        time.sleep(down_s)
        self._start(service, timeout)

    def _start(self, service: Service, timeout: float) -> None:
        service.start(service_env())
        deadline = time.monotonic() + timeout
        while not service.healthy():
            if not service.alive() or time.monotonic() > deadline:
                raise RuntimeError(f"{service.name} did not come back; see {service.log_path}")
            time.sleep(0.2)

    def revive(self) -> list[str]:
        """Start again what died; give up on a process that keeps dying."""
        revived = []
        for service in self.services:
            if service.alive():
                continue
            now = time.monotonic()
            recent = [t for t in self._restarts.get(service.name, []) if now - t < RESTART_WINDOW_S]
            if len(recent) >= MAX_RESTARTS:
                raise RuntimeError(f"{service.name} keeps stopping; see {service.log_path}")
            self._restarts[service.name] = [*recent, now]
            self._start(service, timeout=300)
            revived.append(service.name)
        return revived

    def summary(self) -> str:
        c = self.config
        rasa = ", ".join(str(p) for p in c.rasa_ports)
        actions = ", ".join(str(p) for p in c.action_ports)
        return SUMMARY.format(
            public=c.public_url,
            web=c.web_url,
            api=c.api_url,
            rest=c.public_url if c.public_rest else c.api_url,
            rasa=rasa,
            actions=actions,
            actions_port=c.actions_port,
            web_port=c.web_port,
            pg_port=c.pg_port,
            pg_data=self.pg_data,
            redis_port=c.redis_port,
            logs=self.logs,
        )


SUMMARY = """
Werkmaatje production profile is up (loopback).
  REST:              {rest}/webhooks/rest/webhook
  Telegram webhook:  {public}/webhooks/telegram/webhook
  Web chat (widget): {web}/chat
  Coach dashboard:   {web}/coach/
  Rasa replicas:     127.0.0.1:{rasa}  (behind nginx {public}, socket.io sticky)
  Rasa HTTP API:     {api}  (internal, for the web app; REST channel here)
  Action servers:    127.0.0.1:{actions}  (behind nginx 127.0.0.1:{actions_port})
  Web app:           127.0.0.1:{web_port}  (behind nginx {web})
  PostgreSQL:        127.0.0.1:{pg_port}, database werkmaatje ({pg_data})
  Redis (locks):     127.0.0.1:{redis_port}
  Logs:              {logs}/
Stop with Ctrl-C.
"""
