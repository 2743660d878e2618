"""The README's two commands are the whole set-up: CI runs nothing else."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tools" / "debian-packages.sh"


def commands(path: Path) -> list[str]:
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def test_ci_runs_only_make_test() -> None:
    assert commands(ROOT / ".ci" / "run") == [
        "set -euo pipefail",
        'cd "$(dirname "$0")/.."',
        "time make test",
    ]


def test_the_readme_names_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Two commands", 1)[1].split("```", 2)[1]
    assert [line.split("#")[0].strip() for line in block.splitlines()[1:] if line.strip()] == [
        "make run",
        "make test",
    ]


def test_make_test_and_setup_install_the_debian_packages_first() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "\ntest: system-test " in makefile
    assert "\nsetup: system-run " in makefile


def test_without_root_a_missing_package_stops_with_the_command_to_run(tmp_path: Path) -> None:
    """No silent skip later: the run stops at once and says what to install."""
    (tmp_path / "id").write_text("#!/bin/sh\necho 1000\n")
    (tmp_path / "id").chmod(0o755)
    env = {**os.environ, "PATH": f"{tmp_path}:/usr/bin/nonexistent"}
    result = subprocess.run(
        ["/bin/bash", str(SCRIPT), "test"], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    assert "sudo apt-get install -y" in result.stderr
    for package in ("redis-server", "postgresql"):  # nginx is also found at /usr/sbin
        assert package in result.stderr
