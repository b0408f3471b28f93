"""Every word a person reads is marked for translation, and the committed catalogues are current.

- Templates: Django's own template Lexer splits each template into tokens; the text outside
  {% translate %} / {% blocktranslate %} is read with the standard library's HTML parser, and any
  text (or alt / title / placeholder / aria-label value) with a letter in it is a finding.
- Python: an AST walk of the strings handed to the places a person reads them (messages, form
  labels and errors, verbose names, choice labels, response bodies, JSON errors).
- JavaScript: no word literals in static/js; the words come from the server (README, "Languages").
- The catalogue: `makemessages` run afresh on a copy of the project gives exactly the msgids of
  the committed locale/<lang>/LC_MESSAGES/*.po, so a new or changed string can't go unnoticed.
"""

import ast
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.template.base import Lexer, TokenType

ROOT = Path(settings.BASE_DIR)
LETTER = re.compile(r"[^\W\d_]")

# Text that is the same in every language, each with its reason.
ALLOWED = {
    "Gentle Hands": "the product's name",
    "Español": "a language named in its own words, as the switch shows it",
    "English": "a language named in its own words, as the switch shows it",
    "px": "a unit beside a number",
}

# Attributes a person reads (or hears from a screen reader) as text.
TEXT_ATTRIBUTES = {"alt", "title", "placeholder", "aria-label", "aria-description", "label"}

# Elements whose contents are code: scripts, styles, and <code> (the export's column names, stable
# in every language).
CODE_TAGS = {"script", "style", "code"}

TEMPLATE_DIRS = [ROOT / "templates", *sorted(ROOT.glob("*/templates"))]
SKIP_TEMPLATES = {
    # A service worker: JavaScript, no words of its own (the offline page holds them).
    "massage/service_worker.js",
}


def template_files():
    for base in TEMPLATE_DIRS:
        if base.parent == ROOT / ".venv" or not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            if path.suffix in {".html", ".txt", ".xml", ".svg"} and path.is_file():
                name = path.relative_to(base).as_posix()
                if name not in SKIP_TEMPLATES:
                    yield base, path


def untranslated_text(source):
    """The template with marked text, tags and variables blanked out (as '§', not a letter)."""
    pieces = []
    closing = None  # the end tag of the block being skipped: translated or a comment
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            word = token.contents.split()[0] if token.contents else ""
            if closing:
                if word == closing:
                    closing = None
            elif word in {"blocktranslate", "blocktrans"}:
                closing = "end" + word
            elif word == "comment":
                closing = "endcomment"
            elif word == "block" and token.contents.split()[1].endswith("class"):
                closing = "endblock"  # {% block body_class %}: CSS class names
            pieces.append("§")
        elif token.token_type == TokenType.TEXT and not closing:
            pieces.append(token.contents)
        elif token.token_type == TokenType.VAR:
            pieces.append("§")
    return "".join(pieces)


class TextFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in CODE_TAGS:
            self.skipping += 1
        attributes = dict(attrs)
        for name, value in attrs:
            if value and name in TEXT_ATTRIBUTES:
                self.found.append(value)
        # A button's words in an <input type=submit value=...>, and a page description.
        if tag == "input" and attributes.get("type") in {"submit", "button", "reset"}:
            self.found.append(attributes.get("value") or "")
        if tag == "meta" and attributes.get("name") in {
            "description",
            "apple-mobile-web-app-title",
        }:
            self.found.append(attributes.get("content") or "")

    def handle_endtag(self, tag):
        if tag in CODE_TAGS and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping:
            self.found.append(data)


def words(text):
    """Each run of text between template tags that a person would read."""
    for part in re.split(r"§+", text):
        part = " ".join(part.split())
        rest = part
        for allowed in ALLOWED:
            rest = rest.replace(allowed, "")
        if LETTER.search(rest):
            yield part


def template_findings(path):
    text = untranslated_text(path.read_text(encoding="utf-8"))
    if path.suffix == ".txt":
        return list(words(text))
    finder = TextFinder()
    finder.feed(text)
    finder.close()
    return [w for found in finder.found for w in words(found)]


def test_every_template_word_is_marked_for_translation():
    problems = [
        f"{path.relative_to(ROOT)}: {word!r}"
        for _base, path in template_files()
        for word in template_findings(path)
    ]
    assert not problems, "Not marked for translation ({% translate %}):\n" + "\n".join(problems)


def test_the_template_check_finds_what_it_should():
    source = (
        '{% load i18n %}<p title="Hello there">{% translate "Fine" %} Not fine</p>'
        "{% blocktranslate %}Also fine{% endblocktranslate %}{# a comment #}"
        '<img alt="{% translate "ok" %}"><input type="submit" value="Send">'
        "<script>var x = 'code';</script> &nbsp;&middot; Gentle Hands"
    )
    finder = TextFinder()
    finder.feed(untranslated_text(source))
    assert [w for f in finder.found for w in words(f)] == ["Hello there", "Not fine", "Send"]


# --- Python -------------------------------------------------------------------------------------

PYTHON_DIRS = ["massage", "sessions", "cues"]
MARKERS = {
    "_",
    "gettext",
    "gettext_lazy",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
    "format_lazy",
}
# Calls whose first argument is read by a person.
TEXT_CALLS = {
    "success",
    "info",
    "warning",
    "error",
    "debug",
    "ValidationError",
    "HttpResponse",
    "HttpResponseBadRequest",
    "HttpResponseForbidden",
    "HttpResponseNotFound",
    "HttpResponseNotAllowed",
    "HttpResponseGone",
    "HttpResponseServerError",
    "PermissionDenied",
    "Http404",
    "BadRequest",
}
# Keyword arguments and attributes read by a person.
TEXT_KEYWORDS = {
    "label",
    "help_text",
    "verbose_name",
    "verbose_name_plural",
    "empty_label",
    "description",
    "short_description",
    "message",
    "placeholder",
    "title",
    "aria-label",
    "error",
    "errors",
    "empty_value_display",
}
CHOICE_BASES = {"TextChoices", "IntegerChoices", "Choices"}


def is_words(node):
    """A literal (or f-string or %-format of one) with a letter in it, not wrapped in gettext."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(LETTER.search(node.value)) and node.value.strip() not in ALLOWED
    if isinstance(node, ast.JoinedStr):
        return any(is_words(value) for value in node.values if isinstance(value, ast.Constant))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return is_words(node.left)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
    ):
        return is_words(node.func.value)
    return False


def call_name(node):
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


class SinkFinder(ast.NodeVisitor):
    def __init__(self):
        self.found = []
        self.in_app_config = False

    def flag(self, node, where):
        if is_words(node):
            self.found.append((node.lineno, where, ast.unparse(node)))
        elif isinstance(node, ast.Dict):
            for value in node.values:
                self.flag(value, where)
        elif isinstance(node, ast.List | ast.Tuple) and where in {"errors", "error_messages"}:
            for value in node.elts:
                self.flag(value, where)

    def visit_Call(self, node):
        name = call_name(node)
        if name in MARKERS:
            return  # what is inside is marked
        if name in TEXT_CALLS:
            # messages.success(request, "..."): the text is the second argument.
            args = (
                node.args[1:]
                if name in {"success", "info", "warning", "error", "debug"}
                else node.args
            )
            for arg in args[:1]:
                self.flag(arg, name)
        if name == "add_message":
            for arg in node.args[2:3]:
                self.flag(arg, name)
        if name == "add_error":
            for arg in node.args[1:2]:
                self.flag(arg, name)
        for keyword in node.keywords:
            if keyword.arg in TEXT_KEYWORDS or keyword.arg == "error_messages":
                self.flag(keyword.value, keyword.arg)
            if keyword.arg == "attrs" and isinstance(keyword.value, ast.Dict):
                for key, value in zip(keyword.value.keys, keyword.value.values, strict=True):
                    if isinstance(key, ast.Constant) and key.value in TEXT_KEYWORDS:
                        self.flag(value, key.value)
            if keyword.arg == "choices" and isinstance(keyword.value, ast.List | ast.Tuple):
                for pair in keyword.value.elts:
                    # A label the same as its value is a code no one reads (a hidden field's).
                    if (
                        isinstance(pair, ast.Tuple)
                        and len(pair.elts) == 2
                        and ast.dump(pair.elts[0]) != ast.dump(pair.elts[1])
                    ):
                        self.flag(pair.elts[1], "choices")
        if name == "JsonResponse" and node.args and isinstance(node.args[0], ast.Dict):
            for key, value in zip(node.args[0].keys, node.args[0].values, strict=True):
                if isinstance(key, ast.Constant) and key.value in {"error", "errors", "message"}:
                    self.flag(value, key.value)
        self.generic_visit(node)

    def visit_Assign(self, node):
        for target in node.targets:
            if isinstance(target, ast.Name) and target.id == "label" and self.in_app_config:
                continue  # an AppConfig's label is the app's code name
            if isinstance(target, ast.Name) and target.id in TEXT_KEYWORDS:
                self.flag(node.value, target.id)
            if isinstance(target, ast.Attribute) and target.attr in TEXT_KEYWORDS:
                self.flag(node.value, target.attr)
        self.generic_visit(node)

    def visit_ClassDef(self, node):
        bases = {getattr(base, "attr", getattr(base, "id", "")) for base in node.bases}
        if bases & CHOICE_BASES:
            for statement in node.body:
                if (
                    isinstance(statement, ast.Assign)
                    and isinstance(statement.value, ast.Tuple)
                    and len(statement.value.elts) >= 2
                ):
                    self.flag(statement.value.elts[-1], f"{node.name} label")
        outer, self.in_app_config = self.in_app_config, "AppConfig" in bases
        self.generic_visit(node)
        self.in_app_config = outer


def python_files():
    for name in PYTHON_DIRS:
        for path in sorted((ROOT / name).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def python_findings(source):
    finder = SinkFinder()
    finder.visit(ast.parse(source))
    return finder.found


def test_every_python_string_a_person_reads_is_marked_for_translation():
    problems = [
        f"{path.relative_to(ROOT)}:{line} ({where}): {text}"
        for path in python_files()
        for line, where, text in python_findings(path.read_text(encoding="utf-8"))
    ]
    assert not problems, "Not marked for translation (gettext / _()):\n" + "\n".join(problems)


def test_the_python_check_finds_what_it_should():
    source = """
messages.success(request, "Saved.")
messages.success(request, _("Fine."))
raise ValidationError(f"Too long: {n}")
name = forms.CharField(label="Name", help_text=_("fine"))
verbose_name = "baby"
class Kind(models.TextChoices):
    CALM = "calm", "Calm"
    FINE = "fine", _("Fine")
JsonResponse({"error": "Gone", "code": "gone"})
"""
    assert [where for _line, where, _text in python_findings(source)] == [
        "success",
        "ValidationError",
        "label",
        "verbose_name",
        "Kind label",
        "error",
    ]


# --- JavaScript ---------------------------------------------------------------------------------

JS_STRING = re.compile(r"""(?<![\w$])("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`)""")
JS_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)
# A literal reads as words when it has two words with a space between, or is a capitalised word
# ending a sentence; selectors, attribute names, keys and CSS are code.
JS_WORDS = re.compile(r"[A-Za-z]{2,}[,.!?:…]?\s+[A-Za-z]{2,}|^[A-Z][a-z]+[.!?…:]\s*$")
JS_CODE = re.compile(
    r"[\[\]#=(){};]|^\.|^use strict$"  # selectors, markup, the strict-mode directive
    r"|^(?=.*[-,])[a-z0-9-]+(?:,? [a-z0-9-]+)*$"  # class and selector lists: "a-b c", "svg, img"
)


def js_word_literals(source):
    code = JS_COMMENT.sub(lambda m: "\n" * m.group().count("\n"), source)
    for number, line in enumerate(code.splitlines(), start=1):
        for match in JS_STRING.finditer(line):
            text = match.group()[1:-1]
            if (JS_WORDS.search(text) and not JS_CODE.search(text)) or (
                re.search(
                    r"(textContent|innerText|alert|confirm|ariaLabel|title)\W",
                    line[: match.start()],
                )
                and re.match(r"[A-Z][a-z]", text)
            ):
                yield number, text


def test_no_words_in_javascript():
    """The words JavaScript shows come from the server in the page's language (README)."""
    problems = [
        f"{path.relative_to(ROOT)}:{line}: {text!r}"
        for path in sorted((ROOT / "static" / "js").rglob("*.js"))
        # static/js/vendor: other people's libraries, copied as they are; they show no words.
        if "vendor" not in path.relative_to(ROOT / "static" / "js").parts
        for line, text in js_word_literals(path.read_text(encoding="utf-8"))
    ]
    assert not problems, "Words in JavaScript (send them from the server):\n" + "\n".join(problems)


def test_the_javascript_check_finds_what_it_should():
    source = """
    // "A comment" is fine
    var a = document.querySelector("[data-x] .y");
    el.textContent = "Copied";
    var b = { cue: "A cue was not saved: " };
    el.classList.add("is-open");
    """
    assert [text for _n, text in js_word_literals(source)] == ["Copied", "A cue was not saved: "]


# --- The catalogues -----------------------------------------------------------------------------

LOCALE = ROOT / "locale"
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
DOMAINS = ["django"]
IGNORE = [".venv", "node_modules", "build", "staticfiles", "tests", "bench"]
COPY = ["manage.py", "massage", "sessions", "cues", "templates", "static"]


@pytest.fixture(scope="module")
def fresh_locale(tmp_path_factory):
    """makemessages run on a copy of the project, with no catalogue to merge into."""
    if not shutil.which("msgfmt"):
        pytest.fail("GNU gettext is not installed (apt-get install gettext)")
    copy = tmp_path_factory.mktemp("project")
    for name in COPY:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, copy / name)
    (copy / "locale").mkdir()
    for domain in DOMAINS:
        command = [sys.executable, "manage.py", "makemessages", "-d", domain, "--no-obsolete"]
        command += [f"--locale={code}" for code in TRANSLATED]
        command += [f"--ignore={name}" for name in IGNORE]
        subprocess.run(
            command,
            cwd=copy,
            check=True,
            capture_output=True,
            # The copy's own settings, so its BASE_DIR (and LOCALE_PATHS) is the copy.
            env={
                "DJANGO_SETTINGS_MODULE": "massage.settings",
                "DEBUG": "true",
                "SECRET_KEY": "makemessages-only",
                "PATH": "/usr/bin:/bin",
            },
        )
    return copy / "locale"


@pytest.mark.parametrize("code", TRANSLATED)
@pytest.mark.parametrize("domain", DOMAINS)
def test_the_committed_catalogue_matches_a_fresh_makemessages(fresh_locale, code, domain):
    committed = LOCALE / code / "LC_MESSAGES" / f"{domain}.po"
    fresh = fresh_locale / code / "LC_MESSAGES" / f"{domain}.po"
    assert committed.exists(), f"{committed.relative_to(ROOT)} is missing: run make messages"
    # msgcmp, both ways: each file has every msgid (and context and plural) of the other.
    for one, other in [(committed, fresh), (fresh, committed)]:
        result = subprocess.run(
            ["msgcmp", "--use-untranslated", "--use-fuzzy", str(one), str(other)],
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, (
            f"{committed.relative_to(ROOT)} is out of date: run make messages\n{result.stderr}"
        )


# --- <html lang> --------------------------------------------------------------------------------


@pytest.fixture
def production():
    from django.test import override_settings

    with override_settings(DEBUG=False):
        yield


@pytest.mark.parametrize("code", [code for code, _name in settings.LANGUAGES])
@pytest.mark.parametrize(
    ("path", "host", "status"),
    [
        ("/", "testserver", 200),
        ("/offline/", "testserver", 200),
        ("/no-such-page/", "testserver", 404),
        ("/", "evil.example", 400),
    ],
)
def test_the_page_says_its_language(client, db, production, code, path, host, status):
    response = client.get(path, HTTP_HOST=host, HTTP_ACCEPT_LANGUAGE=code)
    assert response.status_code == status
    assert f'<html lang="{code}" dir="ltr"' in response.content.decode()


@pytest.mark.parametrize("code", [code for code, _name in settings.LANGUAGES])
def test_the_500_page_says_its_language(client, family, parent, production, monkeypatch, code):
    from django.urls import reverse

    from massage.selectors import families as family_selectors

    def broken(_membership):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(family_selectors, "family_page", broken)
    client.force_login(parent)
    client.raise_request_exception = False
    response = client.get(
        reverse("massage:family-detail", args=[family.pk]), HTTP_ACCEPT_LANGUAGE=code
    )
    assert response.status_code == 500
    assert f'<html lang="{code}" dir="ltr"' in response.content.decode()


def test_no_template_fixes_its_language():
    """Every <html> element takes the page's language, none a fixed one."""
    fixed = [
        f"{path.relative_to(ROOT)}: {tag}"
        for _base, path in template_files()
        for tag in re.findall(r"<html\b[^>]*>", path.read_text(encoding="utf-8"))
        if 'lang="{{ LANGUAGE_CODE }}"' not in tag
    ]
    assert not fixed


# --- The admin's names for our models ------------------------------------------------------------


def untranslated_names(label):
    """Model and field names the admin shows that are not marked for translation: without an
    explicit verbose_name, Django makes one from the class or field name, in English only."""
    from django.apps import apps
    from django.utils.functional import Promise

    missing = []
    for model in apps.get_app_config(label).get_models():
        meta = model._meta
        for name in ("verbose_name", "verbose_name_plural"):
            if not isinstance(meta.original_attrs.get(name), Promise):
                missing.append(f"{meta.label} Meta.{name}")
        for field in meta.get_fields():
            if field.auto_created or not hasattr(field, "verbose_name"):
                continue
            if not isinstance(field.verbose_name, Promise):
                missing.append(f"{meta.label}.{field.name}")
    return missing


@pytest.mark.parametrize(
    "label",
    ["massage", "massage_sessions", "cues"],
)
def test_the_admin_names_of_our_models_are_translatable(label):
    missing = untranslated_names(label)
    assert not missing, "No translatable verbose_name:\n" + "\n".join(missing)
