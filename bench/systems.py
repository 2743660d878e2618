"""The two systems under test: Werkmaatje and the stock `rasa init` bot.

Each is trained (timed), started (timed until it answers) and measured for memory,
with its own ports, cache folder and database, so a running `make run` is not touched.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from bot.config import PROJECT_ROOT
from bot.deploy.profile import ProdConfig, Profile, missing_binaries

RASA = str(Path(sys.executable).parent / "rasa")
# Werkmaatje's servers start as `make run` starts them: token and interface added
# in-process (bot/launch.py); the stock bot runs plain `rasa`.
LAUNCH = [sys.executable, "-m", "bot.launch"]
START_TIMEOUT_S = 300


def base_env(work: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        TF_CPP_MIN_LOG_LEVEL="2",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
        RASA_TELEMETRY_ENABLED="false",
        # A cache of its own: a warm cache would turn "training time" into a copy.
        RASA_CACHE_DIRECTORY=str(work / "rasa-cache"),
    )
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    return env


def timed(command: list[str], cwd: Path, env: dict[str, str], log: Path) -> float:
    started = time.perf_counter()
    with log.open("ab") as out:
        subprocess.run(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, check=True)
    return time.perf_counter() - started


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def tree_rss_mb(pid: int) -> dict[str, float]:
    """Resident memory now and at its peak (VmHWM) of a process and its children, in MB."""
    pids = [pid]
    index = 0
    while index < len(pids):
        children = Path(f"/proc/{pids[index]}/task/{pids[index]}/children")
        if children.exists():
            pids += [int(p) for p in children.read_text().split()]
        index += 1
    now = peak = 0.0
    for each in pids:
        try:
            status = Path(f"/proc/{each}/status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        now += int(fields.get("VmRSS", "0 kB").split()[0]) / 1024
        peak += int(fields.get("VmHWM", "0 kB").split()[0]) / 1024
    return {"rss_mb": round(now, 1), "peak_rss_mb": round(peak, 1), "processes": len(pids)}


@dataclass
class Process:
    name: str
    command: list[str]
    health_url: str
    cwd: Path
    log: Path
    popen: subprocess.Popen[bytes] | None = None
    startup_s: float = 0.0

    def start(self, env: dict[str, str]) -> None:
        started = time.perf_counter()
        with self.log.open("ab") as out:
            self.popen = subprocess.Popen(
                self.command, cwd=self.cwd, env=env, stdout=out, stderr=subprocess.STDOUT
            )
        deadline = started + START_TIMEOUT_S
        while not answers(self.health_url):
            if self.popen.poll() is not None:
                raise RuntimeError(f"{self.name} stopped during start-up; see {self.log}")
            if time.perf_counter() > deadline:
                raise TimeoutError(f"{self.name} not up after {START_TIMEOUT_S} s; see {self.log}")
            time.sleep(0.2)
        self.startup_s = time.perf_counter() - started

    def memory(self) -> dict[str, float]:
        assert self.popen is not None
        return tree_rss_mb(self.popen.pid)

    def stop(self) -> None:
        if self.popen is None or self.popen.poll() is not None:
            return
        self.popen.terminate()
        try:
            self.popen.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait(timeout=10)


@dataclass
class System:
    """One bot: its processes (Rasa last), ports and timings."""

    name: str
    work: Path
    rasa_port: int
    env: dict[str, str]
    processes: list[Process] = field(default_factory=list)
    training_s: float | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def api_url(self) -> str:
        """Where the tracker API answers (a Rasa server itself, not a proxy)."""
        return self.url

    def start(self) -> None:
        for process in self.processes:
            process.start(self.env)

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.stop()

    def report(self) -> dict[str, object]:
        return {
            "training_s": round(self.training_s, 1) if self.training_s is not None else None,
            "startup_s": {p.name: round(p.startup_s, 1) for p in self.processes},
            "memory": {p.name: p.memory() for p in self.processes},
        }


def rasa_run(
    model: Path,
    port: int,
    endpoints: Path | None,
    cwd: Path,
    log: Path,
    rasa: tuple[str, ...] = (RASA,),
) -> Process:
    command = [*rasa, "run", "--model", str(model), "--port", str(port), "--enable-api"]
    if endpoints is not None:
        command += ["--endpoints", str(endpoints), "--credentials", "credentials.yml"]
    return Process("rasa", command, f"http://127.0.0.1:{port}/", cwd, log)


def stock(work: Path, port: int) -> System:
    """`rasa init` in a fresh folder: scaffold and train, timed together as Rasa does them."""
    folder = work / "stock"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    env = base_env(work)
    system = System("stock rasa init", folder, port, env)
    system.training_s = timed(
        [RASA, "init", "--no-prompt", "--init-dir", str(folder)], folder, env, work / "stock.log"
    )
    [model] = sorted((folder / "models").glob("*.tar.gz"))
    system.processes = [rasa_run(model, port, None, folder, work / "stock-rasa.log")]
    return system


def werkmaatje(work: Path, rasa_port: int, action_port: int, train: bool) -> System:
    """Our bot on its own SQLite file: the embedded defaults of `make run`."""
    env = base_env(work)
    env.update(
        DATABASE_URL=f"sqlite:///{work / 'werkmaatje.db'}",
        RASA_PORT=str(rasa_port),
        ACTION_PORT=str(action_port),
    )
    system = System("werkmaatje", PROJECT_ROOT, rasa_port, env)
    timed(
        [str(Path(sys.executable).parent / "alembic"), "upgrade", "head"],
        PROJECT_ROOT,
        env,
        work / "werkmaatje.log",
    )
    model = PROJECT_ROOT / "models" / "werkmaatje.tar.gz"
    if train:
        out = work / "model"
        system.training_s = timed(
            [
                RASA,
                "train",
                "--domain",
                "domain",
                "--data",
                "data",
                "--out",
                str(out),
                "--fixed-model-name",
                "werkmaatje",
            ],
            PROJECT_ROOT,
            env,
            work / "werkmaatje.log",
        )
        model = out / "werkmaatje.tar.gz"
    elif not model.exists():
        raise SystemExit("No model: run `make train` first, or leave out --no-train.")
    endpoints = yaml.safe_load((PROJECT_ROOT / "endpoints.yml").read_text())
    # Keeps the action server's token: "${ACTION_SERVER_TOKEN}", set by bot.launch.
    endpoints["action_endpoint"]["url"] = f"http://127.0.0.1:{action_port}/webhook"
    endpoints_file = work / "endpoints.yml"
    endpoints_file.write_text(yaml.safe_dump(endpoints))
    system.processes = [
        Process(
            "actions",
            [*LAUNCH, "actions", "--actions", "actions", "--port", str(action_port)],
            f"http://127.0.0.1:{action_port}/health",
            PROJECT_ROOT,
            work / "werkmaatje-actions.log",
        ),
        rasa_run(
            model,
            rasa_port,
            endpoints_file,
            PROJECT_ROOT,
            work / "werkmaatje-rasa.log",
            rasa=(*LAUNCH, "rasa"),
        ),
    ]
    return system


class ProfileSystem(System):
    """`make prod` (bot/deploy): nginx in front of two Rasa and two action replicas."""

    profile: Profile
    tracker_port: int = 0
    _stack: ExitStack | None = None
    startup_s: float = 0.0

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.tracker_port}"

    def start(self) -> None:
        started = time.perf_counter()
        self._stack = ExitStack()
        self._stack.enter_context(self.profile.up(timeout=START_TIMEOUT_S))
        self.startup_s = time.perf_counter() - started

    def stop(self) -> None:
        if self._stack is not None:
            self._stack.close()

    def report(self) -> dict[str, object]:
        memory = {}
        for service in self.profile.services:
            if service.process is not None and service.process.poll() is None:
                memory[service.name] = tree_rss_mb(service.process.pid)
        rasa = [v for k, v in memory.items() if k.startswith("rasa")]
        memory["rasa"] = max(rasa, key=lambda m: m["peak_rss_mb"]) if rasa else {}
        return {
            "training_s": None,
            "startup_s": {"rasa": round(self.startup_s, 1), "whole profile": True},
            "memory": memory,
        }


def production(work: Path, port_base: int) -> ProfileSystem | None:
    """The production profile on ports of its own; None when a Debian binary is missing."""
    config = replace(
        ProdConfig.from_env(),
        dir=work / "prod",
        public_port=port_base + 100,
        web_public_port=port_base + 180,
        api_port=port_base + 110,
        actions_port=port_base + 150,
        rasa_ports=(port_base + 105, port_base + 106),
        action_ports=(port_base + 155, port_base + 156),
        web_port=port_base + 181,
        pg_port=port_base + 132,
        redis_port=port_base + 179,
    )
    if missing_binaries(config):
        return None
    (work / "prod").mkdir(parents=True, exist_ok=True)
    work.chmod(0o755)  # the cluster's files belong to user postgres
    (work / "prod").chmod(0o755)
    # REST through nginx's internal port: the public one leaves the REST channel off.
    system = ProfileSystem("werkmaatje prod profile", PROJECT_ROOT, config.api_port, {})
    system.profile = Profile(config)
    system.tracker_port = config.rasa_ports[0]
    return system
