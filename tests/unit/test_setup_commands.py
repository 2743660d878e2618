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
    assert "\ntest: system-test\n" in makefile
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


def _make_variable(makefile: str, name: str) -> list[str]:
    line = next(line for line in makefile.splitlines() if line.startswith(f"{name} :="))
    return line.split(":=", 1)[1].split()


def _recipe(makefile: str, target: str) -> str:
    block = makefile.split(f"\n{target}:", 1)[1]
    lines = block.splitlines()[1:]
    return "\n".join(
        line
        for line in lines[
            : next((i for i, line in enumerate(lines) if not line.startswith("\t")), len(lines))
        ]
    )


def test_make_test_runs_every_test_folder() -> None:
    """Running checks side by side must not drop one: each folder of tests has its tier."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    tiers = _make_variable(makefile, "FAST_CHECKS") + _make_variable(makefile, "SERVER_TIERS")
    recipe = _recipe(makefile, "test")
    assert "$(FAST_CHECKS) train" in recipe and "$(SERVER_TIERS)" in recipe
    run = "\n".join(_recipe(makefile, tier) for tier in tiers)
    scripts = "\n".join(
        (ROOT / word).read_text(encoding="utf-8")
        for word in run.split()
        if word.startswith("tests/") and word.endswith(".sh")
    )
    folders = {
        p.name for p in (ROOT / "tests").iterdir() if p.is_dir() and any(p.glob("test_*.py"))
    }
    ran = {name for name in folders if f"tests/{name}" in run + scripts}
    # Two folders are not tiers of their own: the people conversations are played by the
    # e2e tier; the 5-fold cross-validation trains five models (make nlu-cv).
    assert folders - ran <= {"conversations", "nlu_cv"}
    assert {"mypy", "lint-imports", "ruff"} <= set(
        _recipe(makefile, "lint").replace("/", " ").split()
    )
