"""The Spanish catalogue is complete and compiled: no English string leaks into /es/ pages."""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "es" / "LC_MESSAGES"


def entries() -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) of every entry, plural forms reduced to their first form; a
    context is kept the way gettext stores it, as “context\x04msgid”."""
    out, msgid, msgstr, fuzzy, target, context = [], None, None, False, None, None
    for line in [*(LOCALE / "django.po").read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("msgctxt "):
            context = ast.literal_eval(line[8:])
        elif line.startswith("msgid "):
            msgid, target = ast.literal_eval(line[6:]), "id"
        elif line.startswith(("msgstr ", "msgstr[0] ")):
            msgstr, target = ast.literal_eval(line.split(" ", 1)[1]), "str"
        elif line.startswith('"') and target:
            if target == "id":
                msgid += ast.literal_eval(line)
            else:
                msgstr += ast.literal_eval(line)
        elif not line.strip() and msgid is not None:
            key = f"{context}\x04{msgid}" if context else msgid
            out.append((key, msgstr or "", fuzzy))
            msgid, msgstr, fuzzy, target, context = None, None, False, None, None
        elif line.startswith(("msgid_plural", "msgstr[")):
            target = None
    return [e for e in out if e[0]]


def test_every_message_is_translated_and_none_is_fuzzy():
    missing = [msgid for msgid, msgstr, fuzzy in entries() if not msgstr or fuzzy]
    assert not missing


def test_the_compiled_catalogue_matches_the_source():
    with (LOCALE / "django.mo").open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    stale = [msgid for msgid, msgstr, _ in entries() if compiled.gettext(msgid) != msgstr]
    assert not stale, "run: make messages"
