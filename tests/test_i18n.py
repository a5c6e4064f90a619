"""English, the second language: the catalog is complete, and pages switch to it.

The msgids are Chinese (zh-hans is the default language); ``locale/en/LC_MESSAGES/django.po`` is
the English catalog. The ``.mo`` files are build output (gitignored, compiled by ``make messages``),
so these tests compile the committed ``.po`` themselves and never trust a stale ``.mo``.
"""

from __future__ import annotations

import ast
import datetime as dt
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tests import factories as f

ROOT = Path(settings.BASE_DIR)
PO_PATH = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
# Same exclusions as the documented command:
# manage.py makemessages -l en --ignore=.venv --ignore=var --ignore=test-artifacts --no-obsolete
SKIP_DIRS = {
    ".venv",
    "var",
    "test-artifacts",
    ".git",
    "locale",
    "__pycache__",
    "node_modules",
    ".pytest_cache",
    ".ruff_cache",
    "staticfiles",
}
SOURCE_EXTENSIONS = {".py", ".html", ".txt"}  # makemessages' defaults for the "django" domain
# A placeholder by name and conversion; width and flags may differ ("%(month)02d" for "%(month)d").
PLACEHOLDER = re.compile(r"%(\(\w+\))[-+ #0]*\d*(?:\.\d+)?([sdifr])|%([sdif])|(\{[\w.]*\})")
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]+")


# --- A small .po reader (Django ships none; no new dependency) ------------------------------------


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    obsolete: bool = False

    @property
    def key(self) -> tuple:
        return (self.msgctxt, self.msgid, self.msgid_plural)


def parse_po(text: str) -> list[Entry]:
    """Entries of a .po file, header included (msgid ""). Understands multi-line strings,
    plural forms, contexts, flags and obsolete (#~) entries: all that msgmerge writes."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int | None] | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            entry, target = None, None
            continue
        if entry is None:
            entry = Entry(line=number)
            entries.append(entry)
        if line.startswith("#~"):
            entry.obsolete = True
            line = line[2:].strip()
            if not line or line.startswith("#"):
                continue
        elif line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        elif line.startswith("#"):
            continue
        match = re.fullmatch(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")', line)
        if match:
            keyword, index, literal = match.groups()
            value = ast.literal_eval(literal)
            if keyword.startswith("msgstr"):
                target = ("msgstr", int(index or 0))
                entry.msgstr[target[1]] = value
            else:
                target = (keyword, None)
                setattr(entry, keyword, value)
        elif line.startswith('"') and target is not None:
            value = ast.literal_eval(line)
            if target[0] == "msgstr":
                entry.msgstr[target[1]] += value
            else:
                setattr(entry, target[0], getattr(entry, target[0]) + value)
        else:
            raise ValueError(f"line {number}: cannot parse {raw!r}")
    return [e for e in entries if e.msgid is not None]


def test_po_reader_reads_multiline_plural_and_fuzzy_entries():
    text = (
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        '#: a.py:1\n#, fuzzy, python-format\nmsgid ""\n"长的"\n"句子%(n)s"\nmsgstr "A long %(n)s"\n\n'
        'msgctxt "月份"\nmsgid "%(n)s 条"\nmsgid_plural "%(n)s 条"\nmsgstr[0] "%(n)s item"\nmsgstr[1] ""\n\n'
        '#~ msgid "旧"\n#~ msgstr "Old"\n'
    )
    header, long, plural, old = parse_po(text)
    assert header.msgid == "" and header.msgstr[0] == "Language: en\n"
    assert long.msgid == "长的句子%(n)s" and long.flags == {"fuzzy", "python-format"}
    assert plural.key == ("月份", "%(n)s 条", "%(n)s 条") and plural.msgstr == {0: "%(n)s item", 1: ""}
    assert old.obsolete and old.msgid == "旧"


def committed_entries() -> list[Entry]:
    return [e for e in parse_po(PO_PATH.read_text(encoding="utf-8")) if e.msgid and not e.obsolete]


# --- (a) every entry is translated ----------------------------------------------------------------


def test_english_catalog_header_is_usable():
    header = parse_po(PO_PATH.read_text(encoding="utf-8"))[0]
    assert header.msgid == ""
    # msgfmt drops a fuzzy header, and with it the charset and the plural rule.
    assert "fuzzy" not in header.flags
    assert "Language: en\n" in header.msgstr[0]
    assert "charset=UTF-8" in header.msgstr[0]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header.msgstr[0]


def test_every_english_entry_is_translated():
    entries = committed_entries()
    assert len(entries) > 500  # the catalog holds the whole portal, not a stub
    untranslated = [
        f"line {e.line}: {e.msgid}"
        for e in entries
        if "fuzzy" in e.flags
        or not e.msgstr
        or any(not s.strip() for s in e.msgstr.values())
        or (e.msgid_plural is not None and sorted(e.msgstr) != [0, 1])
    ]
    assert not untranslated, "untranslated or fuzzy:\n" + "\n".join(untranslated)


def _placeholders(text: str) -> list[str]:
    return sorted("".join(groups) for groups in PLACEHOLDER.findall(text))


def test_translations_keep_placeholders_and_are_english():
    problems = []
    for e in committed_entries():
        expected = _placeholders(e.msgid)
        for index, text in e.msgstr.items():
            if _placeholders(text) != expected:
                problems.append(f"line {e.line} [{index}]: placeholders {expected} in {text!r}")
            # Chinese left inside a translation is either a forgotten string or a value staff type
            # in Chinese (import columns and words); only the latter is allowed: quoted, or
            # followed by an English gloss in parentheses. Quotes are straight: curly ones take
            # full-width glyphs in the CJK-first font stack.
            bare = re.sub(r'"[^"]*"|\S+ \([A-Za-z]|简体中文', "", text)
            if CJK.search(bare):
                problems.append(f"line {e.line} [{index}]: Chinese left in {text!r}")
            if "\u201c" in text or "\u201d" in text:
                problems.append(f"line {e.line} [{index}]: curly quotes in {text!r}")
    assert not problems, "\n".join(problems)


# --- (b) the catalog covers the code --------------------------------------------------------------


def _copy_sources(destination: Path) -> int:
    """The project's translatable sources (and what Django needs to start) in a throwaway tree, so
    makemessages can run there without touching the committed catalog."""
    copied = 0
    for dirpath, dirnames, filenames in os.walk(ROOT):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS]
        relative = Path(dirpath).relative_to(ROOT)
        for name in filenames:
            if Path(name).suffix in SOURCE_EXTENSIONS:
                (destination / relative).mkdir(parents=True, exist_ok=True)
                shutil.copy2(Path(dirpath) / name, destination / relative / name)
                copied += 1
    return copied


def test_catalog_has_every_msgid_of_the_code(tmp_path):
    tree = tmp_path / "tree"
    assert _copy_sources(tree) > 50
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["DJANGO_SETTINGS_MODULE"] = "portal.settings.test"
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "en",
            "--no-obsolete",
            "-v",
            "0",
            "--ignore=.venv",
            "--ignore=var",
            "--ignore=test-artifacts",
        ],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    fresh = parse_po((tree / "locale" / "en" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8"))
    in_code = {e.key for e in fresh if e.msgid}
    assert len(in_code) > 500
    missing = in_code - {e.key for e in committed_entries()}
    assert not missing, (
        "msgids in the code but not in locale/en/LC_MESSAGES/django.po (run makemessages and translate):\n"
        + "\n".join(sorted(str(key[1]) for key in missing))
    )


# --- (c) pages switch language ----------------------------------------------------------------------


@pytest.fixture(scope="session")
def compiled_locale(tmp_path_factory) -> Path:
    """The committed .po compiled with msgfmt's format checks (a broken placeholder fails here)."""
    locale = tmp_path_factory.mktemp("locale")
    mo = locale / "en" / "LC_MESSAGES" / "django.mo"
    mo.parent.mkdir(parents=True)
    subprocess.run(["msgfmt", "--check", "-o", str(mo), str(PO_PATH)], check=True, capture_output=True)
    return locale


@pytest.fixture
def english(settings, compiled_locale):
    # Changing LOCALE_PATHS resets Django's translation caches (django.test.signals).
    settings.LOCALE_PATHS = [compiled_locale]


@pytest.fixture
def board(db):
    community = f.CommunityFactory(name="幸福社区", slug="xingfu")
    now = timezone.now()
    posting = f.released_posting(
        community=community,
        title="关于小区停车管理的通知",
        body="<p>请各位居民知悉。</p>",
        category="notice",
        publish_at=now - dt.timedelta(hours=1),
        objections_open=True,
        at=now,
    )
    return community, posting


def _data(community, posting=None) -> list[str]:
    values = [community.name, community.street_office.name]
    if posting is not None:
        values += [posting.title, "请各位居民知悉。"]
    return values


def _chinese_left(html: str, *data: str) -> list[str]:
    """Chinese characters and full-width punctuation left in a page once the data (names, titles)
    are removed: untranslated UI text."""
    for value in sorted(data, key=len, reverse=True):
        html = html.replace(value, "")
    html = re.sub(r"<style.*?</style>|<script.*?</script>", "", html, flags=re.S)
    # Decorative glyphs hidden from screen readers, and the language switch naming Chinese in Chinese.
    html = re.sub(r'aria-hidden="true">[^<]*<', "", html)
    html = html.replace("简体中文", "").replace(">中文<", "")
    return sorted({m.group() for m in CJK.finditer(html)})


def test_public_board_is_chinese_by_default_and_english_on_request(client, english, board):
    community, posting = board
    url = reverse("notices:board", kwargs={"slug": community.slug})

    chinese = client.get(url).content.decode()
    assert '<html lang="zh-CN">' in chinese
    assert 'aria-label="语言"' in chinese
    assert "居务公开栏" in chinese and "往期公开" in chinese
    assert "Past postings" not in chinese

    # The language link on every public page sets the cookie and comes back.
    switch = client.get(reverse("switch_language", args=["en"]), {"next": url})
    assert switch.status_code == 302 and switch["Location"] == url
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    english_page = client.get(url).content.decode()  # same URL: the page cache must keep languages apart
    assert '<html lang="en">' in english_page and 'aria-label="Language"' in english_page
    assert "Community affairs notice board" in english_page
    assert "Past postings" in english_page and "Announcements" in english_page
    assert posting.title in english_page  # content stays as written
    assert _chinese_left(english_page, *_data(community, posting)) == []

    # Cached copies (a hit is answered before the view runs) stay per language, both ways.
    assert "Past postings" in client.get(url).content.decode()
    client.get(reverse("switch_language", args=["zh-hans"]), {"next": url})
    again = client.get(url).content.decode()
    assert "往期公开" in again and "Past postings" not in again


def test_posting_page_in_english(client, english, board):
    community, posting = board
    url = reverse("notices:posting", kwargs={"slug": community.slug, "pk": posting.pk})
    client.cookies["django_language"] = "en"
    page = client.get(url).content.decode()
    assert "Back to the notice board" in page and "Submit objection" in page
    assert _chinese_left(page, *_data(community, posting)) == []


def test_admin_switches_to_english_with_the_language_form(client, english, db):
    community = f.CommunityFactory(name="幸福社区")
    user = f.staff_user(communities=[community], role="主任")
    client.force_login(user)

    chinese = client.get(reverse("admin:index")).content.decode()
    assert "居委公开平台 · 工作台" in chinese and "登记：户、居民与组织" in chinese

    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("admin:index")})
    assert response.status_code == 302 and response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get(reverse("admin:index")).content.decode()
    assert "Committee Disclosure Portal · Staff Workspace" in page
    assert "Today&#x27;s work" in page and "Registry: households, residents and bodies" in page
    assert "Two-factor authentication" in page
    assert _chinese_left(page, *_data(community), user.full_name) == []

    client.post(reverse("set_language"), {"language": "zh-hans", "next": reverse("admin:index")})
    assert "今日工作" in client.get(reverse("admin:index")).content.decode()
