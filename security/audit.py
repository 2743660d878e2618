"""Supply-chain audit: requirements.lock against the advisories PyPI publishes (`make audit`).

pip-audit (pinned in security/pip-audit.lock, in build/audit-venv) asks PyPI's JSON API for
every locked ``name==version``. Each advisory it reports must be accepted in
security/accepted-advisories.txt for exactly that package and version, with a reason and a
section of docs/security.md; any other advisory fails. When the service cannot be reached, or
any package could not be audited, the audit has not happened: that fails as well (exit 2), and
``--unreachable warn`` turns only that case into a loud warning.

Standard library only: it runs in any Python 3.10 and drives pip-audit as a subprocess.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ACCEPTED = ROOT / "security" / "accepted-advisories.txt"
LOCK = ROOT / "requirements.lock"
DOCS = ROOT / "docs" / "security.md"

OK, NEW_ADVISORIES, NOT_AUDITED = 0, 1, 2

_ID = re.compile(r"^(GHSA(-[23456789cfghjmpqrvwx]{4}){3}|PYSEC-\d{4}-\d+|CVE-\d{4}-\d{4,})$")
_NAME_VERSION = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([A-Za-z0-9.+!-]+)$")
_DOC = re.compile(r"^docs/security\.md#[a-z0-9-]+$")
_LOCK_LINE = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")
MAX_REASON = 200


def canonical(name: str) -> str:
    """PEP 503 normalised package name (``Foo_Bar`` → ``foo-bar``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Accepted:
    """One advisory we cannot fix yet, accepted for one locked package version."""

    id: str
    package: str
    version: str
    reason: str
    doc: str
    line: int


def parse_accepted(text: str) -> list[Accepted]:
    """Entries of the accepted-advisories file; ValueError naming every malformed line.

    A line is ``ID | package==version | reason | docs/security.md#anchor``; blank lines and
    lines starting with ``#`` are comments.
    """
    entries: list[Accepted] = []
    errors: list[str] = []
    seen: set[tuple[str, str]] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) != 4:
            errors.append(f"line {number}: want 'ID | name==version | reason | doc', got {raw!r}")
            continue
        advisory, pin, reason, doc = parts
        pinned = _NAME_VERSION.match(pin)
        problems = [
            f"bad advisory id {advisory!r}" if not _ID.match(advisory) else "",
            f"want package==version, got {pin!r}" if not pinned else "",
            "empty reason" if not reason else "",
            "reason still says TODO" if reason.upper().startswith("TODO") else "",
            f"reason longer than {MAX_REASON} characters" if len(reason) > MAX_REASON else "",
            f"want docs/security.md#anchor, got {doc!r}" if not _DOC.match(doc) else "",
        ]
        problems = [problem for problem in problems if problem]
        if pinned and (advisory, canonical(pinned.group(1))) in seen:
            problems.append(f"{advisory} is listed twice for {pinned.group(1)}")
        if problems or not pinned:
            errors.extend(f"line {number}: {problem}" for problem in problems)
            continue
        package = canonical(pinned.group(1))
        seen.add((advisory, package))
        entries.append(Accepted(advisory, package, pinned.group(2), reason, doc, number))
    if errors:
        raise ValueError("security/accepted-advisories.txt:\n  " + "\n  ".join(errors))
    return entries


def locked_versions(text: str) -> dict[str, str]:
    """``{canonical name: version}`` of every ``name==version`` line of a lock file."""
    found = (_LOCK_LINE.match(line) for line in text.splitlines())
    return {canonical(m.group(1)): m.group(2) for m in found if m}


@dataclass(frozen=True)
class Finding:
    """One advisory pip-audit reported for one locked package."""

    package: str
    version: str
    id: str
    aliases: tuple[str, ...]
    fix_versions: tuple[str, ...]
    description: str

    def ids(self) -> set[str]:
        """The advisory's id and all its aliases (GHSA, CVE, PYSEC)."""
        return {self.id, *self.aliases}


@dataclass
class Verdict:
    """pip-audit's report sorted into accepted, new, stale and not audited."""

    packages: int = 0
    accepted: list[tuple[Finding, Accepted]] = field(default_factory=list)
    new: list[Finding] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    stale: list[Accepted] = field(default_factory=list)

    @property
    def code(self) -> int:
        """Exit code: new advisories win over 'not audited', which wins over OK."""
        if self.new:
            return NEW_ADVISORIES
        if self.skipped or not self.packages:
            return NOT_AUDITED
        return OK


def judge(report: dict, accepted: Iterable[Accepted]) -> Verdict:
    """Sort pip-audit's JSON report (``--format json --aliases on``) against the accepted list."""
    accepted = list(accepted)
    verdict = Verdict()
    used: set[int] = set()
    for dependency in report.get("dependencies", []):
        name = canonical(str(dependency.get("name", "")))
        if "skip_reason" in dependency:
            verdict.skipped.append((name, str(dependency["skip_reason"])))
            continue
        verdict.packages += 1
        version = str(dependency.get("version", ""))
        for vuln in dependency.get("vulns", []):
            finding = Finding(
                name,
                version,
                str(vuln["id"]),
                tuple(vuln.get("aliases", [])),
                tuple(vuln.get("fix_versions", [])),
                " ".join(str(vuln.get("description", "")).split())[:160],
            )
            match = next(
                (
                    index
                    for index, entry in enumerate(accepted)
                    if entry.package == name
                    and entry.version == version
                    and entry.id in finding.ids()
                ),
                None,
            )
            if match is None:
                verdict.new.append(finding)
            else:
                verdict.accepted.append((finding, accepted[match]))
                used.add(match)
    if not verdict.skipped:  # an acceptance is stale only if its package was audited
        verdict.stale = [entry for index, entry in enumerate(accepted) if index not in used]
    return verdict


def pip_audit_command(pip_audit: Sequence[str], lock: Path, timeout_s: int) -> list[str]:
    """The pip-audit call: the lock as it is (no resolving), JSON with aliases and summaries."""
    return [
        *pip_audit,
        "--requirement",
        str(lock),
        "--no-deps",
        "--disable-pip",
        "--vulnerability-service",
        "pypi",
        "--format",
        "json",
        "--aliases",
        "on",
        "--desc",
        "on",
        "--progress-spinner",
        "off",
        "--timeout",
        str(timeout_s),
    ]


def _tail(text: str, lines: int = 3) -> str:
    return "\n".join("    " + line for line in text.strip().splitlines()[-lines:])


def report_text(verdict: Verdict) -> str:
    """What a person reads in CI: counts, then every new, stale or unaudited item."""
    out = [
        f"audit: {verdict.packages} packages audited, {len(verdict.accepted)} accepted advisories, "
        f"{len(verdict.new)} new, {len(verdict.skipped)} not audited"
    ]
    for finding, entry in verdict.accepted:
        out.append(f"  accepted {finding.package} {finding.version} {entry.id} ({entry.doc})")
    for finding in verdict.new:
        fixed = ", ".join(finding.fix_versions) or "no fixed version"
        also = ", ".join(sorted(finding.ids() - {finding.id}))
        out.append(
            f"  NEW ADVISORY {finding.package} {finding.version}: {finding.id} ({also}); "
            f"fixed in: {fixed}\n    {finding.description}"
        )
    if verdict.new:
        out.append(
            "  Upgrade the package (requirements.in, `make lock`), or, if Rasa's pins forbid it,\n"
            "  accept it in security/accepted-advisories.txt with a reason and a section in\n"
            "  docs/security.md saying whether it can be reached and how it is contained.\n"
            "  Lines to start from (the reason must be written; TODO is refused):"
        )
        out.extend(
            f"    {f.id} | {f.package}=={f.version} | TODO | docs/security.md#{f.package}"
            for f in verdict.new
        )
    for entry in verdict.stale:
        out.append(
            f"  stale: {entry.id} for {entry.package}=={entry.version} "
            f"(accepted-advisories.txt line {entry.line}) was not reported: remove the line "
            "if the package moved or the advisory was withdrawn"
        )
    for name, reason in verdict.skipped[:5]:
        out.append(f"  not audited: {name}: {reason}")
    if len(verdict.skipped) > 5:
        out.append(f"  ... and {len(verdict.skipped) - 5} more not audited")
    return "\n".join(out)


UNREACHABLE = """\
AUDIT NOT DONE: {why}
  pip-audit asks https://pypi.org/pypi/<name>/<version>/json for each locked package. Where
  that API cannot be reached (no network, or a registry-only network where it answers 404:
  'Dependency not found on PyPI'), nothing was checked. That is a failure, not a pass
  (docs/security.md#supply-chain-audit). Run `make audit` where PyPI's JSON API answers."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run pip-audit on the lock and judge its report; see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pip-audit", default="build/audit-venv/bin/pip-audit")
    parser.add_argument("--lock", type=Path, default=LOCK)
    parser.add_argument("--accepted", type=Path, default=ACCEPTED)
    parser.add_argument("--timeout", type=int, default=30, help="seconds per HTTP request")
    parser.add_argument(
        "--unreachable",
        choices=("fail", "warn"),
        default="fail",
        help="when nothing could be audited: fail (default) or warn and exit 0",
    )
    args = parser.parse_args(argv)

    try:
        accepted = parse_accepted(args.accepted.read_text(encoding="utf-8"))
    except ValueError as error:
        print(f"audit: {error}", file=sys.stderr)
        return NOT_AUDITED

    command = pip_audit_command(args.pip_audit.split(), args.lock, args.timeout)
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=1800, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        return _not_audited(f"pip-audit did not run: {error}", args.unreachable)
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        why = f"pip-audit exited {done.returncode} without a report:\n{_tail(done.stderr)}"
        return _not_audited(why, args.unreachable)

    verdict = judge(report, accepted)
    print(report_text(verdict))
    if verdict.code == NOT_AUDITED:
        why = f"{len(verdict.skipped)} of {len(verdict.skipped) + verdict.packages} packages"
        return _not_audited(why + " could not be audited", args.unreachable)
    return verdict.code


def _not_audited(why: str, policy: str) -> int:
    print(UNREACHABLE.format(why=why), file=sys.stderr)
    if policy == "warn":
        print("audit: AUDIT_UNREACHABLE=warn: no supply-chain audit this run", file=sys.stderr)
        return OK
    return NOT_AUDITED


if __name__ == "__main__":
    sys.exit(main())
