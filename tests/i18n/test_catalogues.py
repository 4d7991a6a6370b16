"""The Spanish and German catalogues are complete: every message of the source translated, none
fuzzy, placeholders kept, and the committed .mo files compiled from the committed .po files.

`make messages` refreshes the catalogues after strings change; these tests say when it is due.
They need GNU gettext (msgfmt, xgettext), which `make services` installs when missing.
"""

import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

LANGUAGES = ["es", "de"]
ROOT = Path(settings.BASE_DIR)
# What makemessages must not read: tools, tests and generated or local files.
NOT_SOURCE = (
    ".git", ".venv", "tests", "bench", "locale", "static", "staticfiles", "test-artifacts",
    ".run", "media", "__pycache__", "*.pyc", "*.sqlite3*", ".ruff_cache", ".pytest_cache",
    ".test-deps", "node_modules",
)  # fmt: skip
# %(name)s and friends, %%, and HTML tags: a translation keeps each of them.
PLACEHOLDER = re.compile(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrs]|%%|<[^>]+>")


def po_entries(path: Path) -> list[dict]:
    """The entries of a .po file (not the header): msgctxt, msgid, msgid_plural, the msgstr
    forms and the flags, with strings as written (escapes kept)."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry: dict = {"flags": set(), "msgctxt": None, "msgid_plural": None, "msgstr": []}
        field = None
        for line in block.strip().splitlines():
            if line.startswith("#,"):
                entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif match := re.match(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?) "(.*)"$', line):
                field, text = match.groups()
                if field.startswith("msgstr"):
                    entry["msgstr"].append(text)
                else:
                    entry[field] = text
            else:
                text = re.match(r'"(.*)"$', line).group(1)
                if field.startswith("msgstr"):
                    entry["msgstr"][-1] += text
                else:
                    entry[field] += text
        if entry.get("msgid"):
            entries.append(entry)
    return entries


def catalogue(language: str) -> Path:
    return ROOT / "locale" / language / "LC_MESSAGES" / "django.po"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_is_translated_and_none_is_fuzzy(language):
    entries = po_entries(catalogue(language))
    assert len(entries) > 1000
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"])]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == []
    assert fuzzy == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders_and_markup_of_the_english(language):
    wrong = []
    for entry in po_entries(catalogue(language)):
        wanted = set(PLACEHOLDER.findall(entry["msgid"] + (entry["msgid_plural"] or "")))
        for form, text in enumerate(entry["msgstr"]):
            found = set(PLACEHOLDER.findall(text))
            # The singular may say "one" instead of showing the count.
            missing = wanted - found
            if form == 0 and entry["msgid_plural"] is not None:
                missing -= set(PLACEHOLDER.findall(entry["msgid_plural"])) - set(
                    PLACEHOLDER.findall(entry["msgid"])
                )
            if missing or found - wanted:
                wrong.append((entry["msgid"], text))
    assert wrong == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_committed_mo_file_is_compiled_from_the_committed_po_file(language, tmp_path):
    source = catalogue(language)
    fresh = tmp_path / "django.mo"
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(fresh), str(source)],  # noqa: S607 (gettext's own tool)
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    # Compared as catalogues, not bytes: another gettext version may order the file otherwise.
    with fresh.open("rb") as compiled, source.with_suffix(".mo").open("rb") as committed:
        assert gettext.GNUTranslations(committed)._catalog == (
            gettext.GNUTranslations(compiled)._catalog
        ), "Run `make messages`: the .mo file is older than the .po file."


def test_the_catalogues_cover_every_message_in_the_source(tmp_path):
    """makemessages over a copy of the source, merged into copies of our catalogues: a message
    added or changed since the last `make messages` comes out untranslated or fuzzy."""
    copy = tmp_path / "src"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(*NOT_SOURCE))
    shutil.copytree(ROOT / "locale", copy / "locale")
    with override_settings(LOCALE_PATHS=[copy / "locale"]), pytest.MonkeyPatch.context() as patch:
        patch.chdir(copy)
        call_command("makemessages", locale=LANGUAGES, no_obsolete=True, verbosity=0)
    for language in LANGUAGES:
        merged = po_entries(copy / "locale" / language / "LC_MESSAGES" / "django.po")
        missing = [e["msgid"] for e in merged if not all(e["msgstr"]) or "fuzzy" in e["flags"]]
        assert missing == [], f"Not translated into {language}; run `make messages` and translate"
