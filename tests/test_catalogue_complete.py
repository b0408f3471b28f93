"""Every language the site offers has a whole catalogue: no string left in English, none fuzzy,
and every translation keeps its placeholders (GNU gettext's own checks)."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def catalogue(code):
    path = ROOT / "locale" / code / "LC_MESSAGES" / "django.po"
    assert path.exists(), f"{path.relative_to(ROOT)} is missing: run make messages"
    return path


def gettext_tool(*command):
    if not shutil.which(command[0]):
        pytest.fail("GNU gettext is not installed (apt-get install gettext)")
    return subprocess.run(command, capture_output=True, text=True)


def statistics(code):
    """msgfmt's count, e.g. "1540 translated messages, 2 untranslated messages."."""
    result = gettext_tool("msgfmt", "--statistics", "-o", "/dev/null", str(catalogue(code)))
    assert result.returncode == 0, result.stderr
    return result.stderr.strip().splitlines()[-1]


def examples(code, flag):
    """A few of the entries msgattrib picks out with `flag`, to name in a failure."""
    result = gettext_tool("msgattrib", flag, "--no-obsolete", "--no-wrap", str(catalogue(code)))
    return [line for line in result.stdout.splitlines() if line.startswith("msgid ")][1:6]


def test_the_site_offers_more_than_english():
    assert TRANSLATED, "LANGUAGES has no language but English"


@pytest.mark.parametrize("code", TRANSLATED)
def test_no_string_is_left_untranslated(code):
    counts = statistics(code)
    assert "untranslated" not in counts, f"{code}: {counts} e.g. {examples(code, '--untranslated')}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_no_translation_is_fuzzy(code):
    counts = statistics(code)
    assert "fuzzy" not in counts, f"{code}: {counts} (check them, then drop the flag) e.g. " + str(
        examples(code, "--only-fuzzy")
    )


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_translation_keeps_its_placeholders(code):
    result = gettext_tool("msgfmt", "--check", "-o", "/dev/null", str(catalogue(code)))
    assert result.returncode == 0, result.stderr
