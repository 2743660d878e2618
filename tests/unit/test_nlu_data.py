"""The one reader of NLU training files gives the text a person would type."""

from __future__ import annotations

from pathlib import Path

from bot.nlu_data import NLU_DIR, all_examples, examples_by_intent


def test_entity_markup_is_removed_and_blocks_of_one_intent_are_joined(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text(
        'version: "3.1"\nnlu:\n'
        "- intent: inform\n  examples: |\n    - ik woon in [Utrecht](city)\n"
        '    - in [Gent]{"entity": "city"} graag\n'
        "- synonym: werk\n  examples: |\n    - baan\n"
        "- intent: inform\n  examples: |\n    - zelf\n",
        encoding="utf-8",
    )
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.yml").write_text(
        "nlu:\n- intent: greet\n  examples: |\n    - hoi\n", encoding="utf-8"
    )
    assert examples_by_intent([tmp_path]) == {
        "inform": ["ik woon in Utrecht", "in Gent graag", "zelf"],
        "greet": ["hoi"],
    }
    assert all_examples([tmp_path / "sub" / "b.yml"]) == ["hoi"]


def test_the_training_data_reads_with_every_intent_of_the_domain() -> None:
    found = examples_by_intent([NLU_DIR])
    assert {"crisis", "out_of_scope", "inform", "greet"} <= set(found)
    assert not [text for texts in found.values() for text in texts if "](" in text]
