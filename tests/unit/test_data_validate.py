"""`rasa data validate` must report nothing about our data.

Rasa 3.6 warns about every response that no story names, also when a custom
action dispatches it. We allow exactly that warning, and only for responses that
our action code (or Rasa's own fallback) really dispatches.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RASA = str(Path(sys.executable).parent / "rasa")
UNUSED = re.compile(r"The utterance '(\w+)' is not used in any story or rule\.")
# External intents are triggered by the server (bot/channels/followups.py), never typed.
EXTERNAL = re.compile(r"The intent 'EXTERNAL_\w+' is listed in the domain file, but is not found")
# Set only by a deterministic NLU component (bot/nlp/age_component.py), never learned.
# (bot/nlp/crisis_component.py sets distress, bot/nlp/guard_component.py inform_region,
# menu and resume.)
COMPONENT_SET = re.compile(
    r"The intent '(inform_age|distress|inform_region|menu|resume|other_language)' is listed in the "
    r"domain "
    r"file, but is not"
)
# Dispatched by Rasa's two-stage fallback, and by our form question actions
# (actions/onboarding.py builds "utter_ask_<slot>").
RASA_DISPATCHED = {"utter_ask_rephrase", "utter_default", "utter_ask_consent", "utter_ask_region"}


def dispatched_by_actions(name: str) -> bool:
    """Named in an action, or in the handoff code (the push endpoint says it on hand back)."""
    sources = [*(ROOT / "actions").glob("*.py"), ROOT / "bot" / "escalation" / "handoff.py"]
    code = "\n".join(p.read_text() for p in sources)
    if f'"{name}"' in code:
        return True
    # action_explain_simpler builds "<response>_simple" for any response.
    return name.endswith("_simple") and "SIMPLE_SUFFIX" in code


def test_rasa_data_validate_has_no_warnings_about_our_data() -> None:
    result = subprocess.run(
        [
            RASA,
            "data",
            "validate",
            "--domain",
            "domain",
            "--data",
            "data",
            "--config",
            "config.yml",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    warnings = [
        line for line in output.splitlines() if "UserWarning" in line or "Issue found" in line
    ]
    unexplained = []
    for line in warnings:
        unused = UNUSED.search(line)
        if unused and (unused[1] in RASA_DISPATCHED or dispatched_by_actions(unused[1])):
            continue
        if EXTERNAL.search(line) or COMPONENT_SET.search(line):
            continue
        unexplained.append(line)
    assert not unexplained, "\n".join(unexplained)
