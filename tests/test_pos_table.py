"""The parts-of-speech table pos.py reads is lemminflect's dictionary, word form for word form."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import lemminflect
from lemminflect.core.Lemmatizer import Lemmatizer

from krcoach.domain import pos

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "build_pos_table.py"
TABLE = ROOT / "krcoach" / "data" / "pos_table.tsv"
UNKNOWN = ("", "krcoach", "re-architect", "time-to-hire", "Q2", "20", "a\tb", "run\tNOUN:run", "zzzz")


def test_the_shipped_pos_table_gives_what_lemminflect_gives_for_every_word_form() -> None:
    lemmatizer = Lemmatizer()
    known = set(lemmatizer._getLemmaDict()) | set(lemmatizer._getOverridesDict())
    forms = sorted({*known, *(f.upper() for f in known), *(f.capitalize() for f in known), *UNKNOWN})

    differ = [f for f in forms if list(pos.dictionary_lemmas(f).items()) != list(lemminflect.getAllLemmas(f).items())]

    assert len(known) > 60_000
    assert differ == []


def test_the_build_script_finds_the_committed_table_up_to_date() -> None:
    done = subprocess.run([sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_build_script_fails_on_a_table_lemminflect_does_not_give(tmp_path: Path) -> None:
    stale = tmp_path / "pos_table.tsv"
    stale.write_text(TABLE.read_text(encoding="utf-8").replace("\nrun\tNOUN:run VERB:run\n", "\nrun\tNOUN:run\n"))
    assert stale.read_text(encoding="utf-8") != TABLE.read_text(encoding="utf-8")

    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--check", "--table", str(stale)], capture_output=True, text=True, check=False
    )

    assert done.returncode == 1
    assert "2 lines differ" in done.stdout, done.stdout
