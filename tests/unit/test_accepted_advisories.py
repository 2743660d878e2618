"""The accepted-advisories list (security/accepted-advisories.txt) and the audit's verdicts.

Offline: no advisory is silenced without a reason, the locked version and a section of
docs/security.md; and the audit never reads "nothing could be checked" as a pass.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from security import audit

DOC = audit.DOCS.read_text(encoding="utf-8")


def _anchors(markdown: str) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens."""
    headings = re.findall(r"^#{1,6}\s+(.+?)\s*$", markdown, flags=re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-") for h in headings}


@pytest.fixture(scope="module")
def accepted() -> list[audit.Accepted]:
    return audit.parse_accepted(audit.ACCEPTED.read_text(encoding="utf-8"))


def test_the_list_parses_and_is_not_empty(accepted):
    assert accepted, "Rasa 3.6.21 pins versions with advisories: the list cannot be empty"


def test_every_accepted_id_is_explained_in_docs_security(accepted):
    missing = sorted({entry.id for entry in accepted if entry.id not in DOC})
    assert not missing, f"accepted but not in docs/security.md: {missing}"


def test_every_pointer_names_an_existing_section(accepted):
    anchors = _anchors(DOC)
    broken = sorted({entry.doc for entry in accepted if entry.doc.split("#", 1)[1] not in anchors})
    assert not broken, f"no such section in docs/security.md: {broken}"


def test_every_acceptance_is_for_the_locked_version(accepted):
    locked = audit.locked_versions(audit.LOCK.read_text(encoding="utf-8"))
    moved = [
        f"{entry.package}=={entry.version} (lock: {locked.get(entry.package, 'absent')})"
        for entry in accepted
        if locked.get(entry.package) != entry.version
    ]
    assert not moved, f"the lock moved: look at these acceptances again: {moved}"


@pytest.mark.parametrize(
    ("line", "complaint"),
    [
        ("GHSA-xxxx | aiohttp==3.9.5 | why | docs/security.md#aiohttp", "bad advisory id"),
        ("CVE-2024-1234 | aiohttp | why | docs/security.md#aiohttp", "package==version"),
        ("CVE-2024-1234 | aiohttp==3.9.5 |  | docs/security.md#aiohttp", "empty reason"),
        ("CVE-2024-1234 | aiohttp==3.9.5 | TODO | docs/security.md#aiohttp", "TODO"),
        ("CVE-2024-1234 | aiohttp==3.9.5 | why | docs/other.md#aiohttp", "docs/security.md#"),
        ("CVE-2024-1234 | aiohttp==3.9.5 | " + "x" * 201 + " | docs/security.md#a", "longer"),
        ("CVE-2024-1234 aiohttp==3.9.5 why", "want 'ID"),
    ],
)
def test_malformed_lines_are_refused_with_their_line_number(line, complaint):
    with pytest.raises(ValueError, match=r"line 2: .*" + re.escape(complaint)):
        audit.parse_accepted("# comment\n" + line + "\n")


def test_a_duplicate_is_refused():
    line = "CVE-2024-1234 | aiohttp==3.9.5 | why | docs/security.md#aiohttp\n"
    with pytest.raises(ValueError, match="listed twice"):
        audit.parse_accepted(line + line)


def _entry(advisory: str, package: str = "aiohttp", version: str = "3.9.5") -> audit.Accepted:
    return audit.Accepted(advisory, package, version, "why", "docs/security.md#aiohttp", 1)


def _report(*dependencies: dict) -> dict:
    return {"dependencies": list(dependencies), "fixes": []}


def _vuln(advisory: str, *aliases: str) -> dict:
    return {"id": advisory, "fix_versions": ["9.9"], "aliases": list(aliases), "description": "d"}


def test_an_advisory_is_accepted_through_an_alias_for_that_version_only():
    report = _report(
        {"name": "aiohttp", "version": "3.9.5", "vulns": [_vuln("PYSEC-2024-1", "GHSA-a")]},
        {"name": "AioHTTP", "version": "3.9.6", "vulns": [_vuln("PYSEC-2024-1", "GHSA-a")]},
    )
    verdict = audit.judge(report, [_entry("GHSA-a")])
    assert [f.version for f, _ in verdict.accepted] == ["3.9.5"]
    assert [f.version for f in verdict.new] == ["3.9.6"]
    assert verdict.code == audit.NEW_ADVISORIES
    assert "aiohttp==3.9.6 | TODO" in audit.report_text(verdict)


def test_all_accepted_passes_and_unused_acceptances_are_reported_stale():
    report = _report(
        {"name": "aiohttp", "version": "3.9.5", "vulns": [_vuln("GHSA-a")]},
        {"name": "attrs", "version": "22.1.0", "vulns": []},
    )
    verdict = audit.judge(report, [_entry("GHSA-a"), _entry("GHSA-gone")])
    assert verdict.code == audit.OK
    assert [entry.id for entry in verdict.stale] == ["GHSA-gone"]
    assert "stale: GHSA-gone" in audit.report_text(verdict)


def test_packages_that_could_not_be_audited_are_not_a_pass():
    report = _report(
        {"name": "attrs", "version": "22.1.0", "vulns": []},
        {"name": "aiohttp", "skip_reason": "Dependency not found on PyPI"},
    )
    verdict = audit.judge(report, [_entry("GHSA-a")])
    assert verdict.code == audit.NOT_AUDITED
    assert not verdict.stale, "an acceptance is not stale when its package was not audited"
    assert audit.judge(_report(), []).code == audit.NOT_AUDITED


def _fake_pip_audit(tmp_path: Path, stdout: str, code: int) -> str:
    script = tmp_path / "fake_pip_audit.py"
    script.write_text(f"import sys\nsys.stdout.write({stdout!r})\nsys.exit({code})\n")
    return f"{sys.executable} {script}"


def _main(tmp_path: Path, fake: str, *extra: str) -> int:
    lock = tmp_path / "requirements.lock"
    lock.write_text("aiohttp==3.9.5\n")
    accepted = tmp_path / "accepted.txt"
    accepted.write_text("CVE-2024-0001 | aiohttp==3.9.5 | why | docs/security.md#aiohttp\n")
    paths = ["--lock", str(lock), "--accepted", str(accepted)]
    return audit.main(["--pip-audit", fake, *paths, *extra])


def test_main_fails_clearly_when_the_service_is_unreachable(tmp_path, capsys):
    fake = _fake_pip_audit(tmp_path, "", 1)  # pip-audit crashed: ConnectionError, no report
    assert _main(tmp_path, fake) == audit.NOT_AUDITED
    assert "AUDIT NOT DONE" in capsys.readouterr().err
    assert _main(tmp_path, fake, "--unreachable", "warn") == audit.OK
    assert "no supply-chain audit this run" in capsys.readouterr().err


def test_main_fails_on_a_new_advisory_even_with_warn(tmp_path, capsys):
    report = _report({"name": "aiohttp", "version": "3.9.5", "vulns": [_vuln("GHSA-new")]})
    fake = _fake_pip_audit(tmp_path, json.dumps(report), 1)
    assert _main(tmp_path, fake, "--unreachable", "warn") == audit.NEW_ADVISORIES
    assert "NEW ADVISORY aiohttp 3.9.5: GHSA-new" in capsys.readouterr().out


def test_main_passes_when_every_advisory_is_accepted(tmp_path):
    report = _report(
        {"name": "aiohttp", "version": "3.9.5", "vulns": [_vuln("GHSA-x", "CVE-2024-0001")]}
    )
    fake = _fake_pip_audit(tmp_path, json.dumps(report), 1)
    assert _main(tmp_path, fake) == audit.OK
