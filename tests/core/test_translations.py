"""French and Arabic users never get English by accident (DESIGN.md § 7).

French is the site's default language and Arabic its right-to-left one: every
entry of their catalogues must be translated, none left fuzzy, and every
placeholder kept. English needs no catalogue entries: the msgids are English.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TRANSLATED = ["fr", "ar"]
LANGUAGES = ["fr", "ar", "en"]
PLURAL_FORMS = {"fr": 2, "ar": 6, "en": 2}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdrfi]|\{\{\s*\w+\s*\}\}")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def is_header(self) -> bool:
        return self.msgid == ""


def parse_po(path: Path) -> list[Entry]:
    """A small reader for the .po files makemessages writes (no obsolete `#~` entries)."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int] | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            entry, target = None, None
            continue
        if entry is None:
            entry = Entry(line=number)
            entries.append(entry)
        if line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            assert target is not None, f"{path}:{number}: a string outside an entry"
            _append(entry, target, ast.literal_eval(line))
        else:
            keyword, _, text = line.partition(" ")
            if keyword == "msgid":
                target = ("msgid", 0)
            elif keyword == "msgid_plural":
                target = ("msgid_plural", 0)
                entry.msgid_plural = ""
            elif keyword == "msgstr":
                target = ("msgstr", 0)
            elif keyword.startswith("msgstr["):
                target = ("msgstr", int(keyword[7:-1]))
            else:
                raise AssertionError(f"{path}:{number}: unexpected line {raw!r}")
            if target[0] == "msgstr":
                entry.msgstr.setdefault(target[1], "")
            _append(entry, target, ast.literal_eval(text))
    return entries


def _append(entry: Entry, target: tuple[str, int], text: str) -> None:
    name, index = target
    if name == "msgid":
        entry.msgid += text
    elif name == "msgid_plural":
        entry.msgid_plural = (entry.msgid_plural or "") + text
    else:
        entry.msgstr[index] += text


def catalogue(language: str, root: Path = ROOT) -> list[Entry]:
    path = root / "locale" / language / "LC_MESSAGES" / "django.po"
    assert path.exists(), f"{path} is missing: run `make messages-update`"
    return parse_po(path)


def placeholders(text: str) -> set[str]:
    return {match.group(0) for match in PLACEHOLDER.finditer(text)}


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_entry_is_translated_and_none_is_fuzzy(language):
    problems = []
    for entry in catalogue(language):
        if entry.is_header:
            if "fuzzy" in entry.flags:
                problems.append("the header is marked fuzzy")
            continue
        if "fuzzy" in entry.flags:
            problems.append(f"line {entry.line}: fuzzy: {entry.msgid!r}")
        elif not entry.msgstr or not all(entry.msgstr.values()):
            problems.append(f"line {entry.line}: untranslated: {entry.msgid!r}")
    assert not problems, f"locale/{language}/LC_MESSAGES/django.po:\n" + "\n".join(problems)


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_every_placeholder(language):
    problems = []
    for entry in catalogue(language):
        expected = placeholders(entry.msgid) | placeholders(entry.msgid_plural or "")
        for index, text in entry.msgstr.items():
            if text and placeholders(text) - expected:
                problems.append(f"line {entry.line}: unknown placeholder in msgstr[{index}]")
            # A singular form may drop the number (Arabic's "one" and "two"), never a name.
            named = {p for p in expected if "%(" in p}
            if text and entry.msgid_plural is None and placeholders(text) != expected:
                problems.append(f"line {entry.line}: placeholders differ: {entry.msgid!r}")
            elif text and entry.msgid_plural is not None and not named <= placeholders(text):
                problems.append(f"line {entry.line}: a named placeholder is missing")
    assert not problems, f"locale/{language}/LC_MESSAGES/django.po:\n" + "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_header_declares_the_language_and_its_plural_forms(language):
    header = next(entry for entry in catalogue(language) if entry.is_header).msgstr[0]
    assert f"Language: {language}\n" in header
    assert "charset=UTF-8" in header
    assert f"nplurals={PLURAL_FORMS[language]};" in header


def test_english_catalogue_leaves_the_msgids_as_they_are():
    assert all(not any(e.msgstr.values()) for e in catalogue("en") if not e.is_header)


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs gettext (xgettext)")
def test_catalogues_hold_every_string_of_the_code(tmp_path):
    """A string added to the code without `make messages-update` would ship in English."""
    copy = tmp_path / "ati"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "var", "*.mo", "__pycache__", ".*_cache", "node_modules"
        ),
    )
    # The same command as `make messages-update`.
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "--no-obsolete",
            "--ignore=.venv",
            "--ignore=var",
            *(f"-l{language}" for language in LANGUAGES),
        ],
        cwd=copy,
        env={**os.environ, "ATI_VAR_DIR": str(tmp_path / "var")},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    for language in LANGUAGES:
        committed = {e.msgid for e in catalogue(language)}
        extracted = {e.msgid for e in catalogue(language, root=copy)}
        assert extracted == committed, (
            f"locale/{language} is out of date: run `make messages-update` and translate.\n"
            f"missing: {sorted(extracted - committed)}\nstale: {sorted(committed - extracted)}"
        )
