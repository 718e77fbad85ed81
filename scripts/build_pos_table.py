"""Build krcoach/data/pos_table.tsv, the parts of speech krcoach/domain/pos.py reads, from lemminflect's dictionary.

    .venv/bin/python scripts/build_pos_table.py            # write the table
    .venv/bin/python scripts/build_pos_table.py --check    # fail if the committed table differs from lemminflect

One line per lower-case word form lemminflect knows (its lookup table `lemma_lu.csv.gz` and its overrides), in
code-point order so pos.py can bisect it: the form, a tab, then each part of speech with its lemmas exactly as
`lemminflect.getAllLemmas(form)` gives them, in its order (`abandon<TAB>NOUN:abandon VERB:abandon`, `clover
leaf<TAB>NOUN:cloverleaf/clover-leaf`). Capitalised entries (proper nouns) are left out: getAllLemmas lower-cases
a word before it looks it up, so they are never reached; pos.py puts back the capitals as lemminflect does.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import lemminflect
from lemminflect.core.Lemmatizer import Lemmatizer

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "krcoach" / "data" / "pos_table.tsv"
_NOT_IN_A_FORM = "\t\n\r"
_NOT_IN_A_LEMMA = _NOT_IN_A_FORM + " :/"


def known_forms() -> list[str]:
    """Every word form getAllLemmas can find (lower case), sorted."""
    lemmatizer = Lemmatizer()  # the singleton getAllLemmas reads: its dictionary and overrides are all it knows
    known = set(lemmatizer._getLemmaDict()) | set(lemmatizer._getOverridesDict())
    return sorted(form for form in known if form == form.lower())


def line(form: str) -> str:
    """The table's line for one form."""
    lemmas: dict[str, tuple[str, ...]] = lemminflect.getAllLemmas(form)
    assert lemmas, form
    assert form and not any(c in form for c in _NOT_IN_A_FORM) and len(form.splitlines()) == 1, repr(form)
    assert all(lemma and not any(c in lemma for c in _NOT_IN_A_LEMMA) for ls in lemmas.values() for lemma in ls)
    return form + "\t" + " ".join(f"{part}:{'/'.join(ls)}" for part, ls in lemmas.items())


def table() -> str:
    """The whole table, as the file holds it."""
    return "".join(line(form) + "\n" for form in known_forms())


def check(path: Path) -> int:
    """Compare the table at ``path`` with one built now; say how many lines differ and which."""
    built = table().splitlines()
    committed = path.read_text(encoding="utf-8").splitlines()
    differ = sorted(set(built) ^ set(committed))
    if built != committed and not differ:
        differ = ["(the same lines, repeated or out of code-point order)"]
    print(f"pos table: {len(differ)} lines differ from lemminflect {lemminflect.__version__} {differ[:5]}")
    return 0 if not differ else 1


def main(argv: list[str]) -> int:
    """Write the table, or with --check compare the committed one to lemminflect."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="fail when the table differs from lemminflect's")
    parser.add_argument("--table", type=Path, default=OUT, help="the table to write or check (default: shipped)")
    args = parser.parse_args(argv)
    if args.check:
        return check(args.table)
    text = table()
    args.table.write_text(text, encoding="utf-8")
    print(f"wrote {args.table}: {text.count(chr(10))} word forms from lemminflect {lemminflect.__version__}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
