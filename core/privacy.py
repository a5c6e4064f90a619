"""Personal data (ID numbers, phone numbers): who on the staff sees them in full, and the scan that
keeps them off the public board.

Two decisions live here and nowhere else:

- :func:`personal_data_view` — per role, whether a staff user sees a resident's (or an objector's)
  ID number and phone number in full or masked. Every admin screen asks it (through
  ``core.admin_privacy``); docs/reliability.md "Privacy per role" has the table.
- :func:`find_personal_data` — whether a text a staff member is about to publish holds an
  ID-number-shaped string or a mobile number that is not one of the community's declared public
  contact numbers. ``notices.services.posting_release`` refuses such a posting, so every path onto
  the board (the admin, ``publish()`` called by other apps, corrections) is covered.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from core import roles
from core.idnumbers import mask_id, mask_phone, normalize_phone

# --- Who sees what --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonalDataView:
    """Whether ID numbers and phone numbers are shown in full (else masked: 110101********1234,
    138****5678)."""

    full_id: bool
    full_phone: bool

    def id_number(self, value: str | None) -> str:
        return (value or "") if self.full_id else mask_id(value)

    def phone(self, value: str | None) -> str:
        return (value or "") if self.full_phone else mask_phone(value)


FULL = PersonalDataView(full_id=True, full_phone=True)
MASKED = PersonalDataView(full_id=False, full_phone=False)

# The rule, role by role (a user holding several roles gets the union).
# - 主任 runs the committee and answers for the registry: full.
# - 街道 oversees the communities and receives the cases reported upward: full (read-only anyway).
# - 专管员 needs full values on the cases they run. No cases exist yet (the assistance app comes
#   later), and the registry is what they work from, so today they see full values; the assistance
#   app narrows this through register_case_check() below.
# - 委员 (副主任 included): phones in full, ID numbers masked. Members call residents and call back
#   objectors (the public form promises the phone is used by the committee to verify and answer),
#   but no member's daily work needs a full ID number: the registry checks ID numbers itself
#   (checksum, one person once per community), a full number typed into the search still finds the
#   resident, and a wrong number is corrected by typing the right one. A member who runs cases holds
#   the 专管员 role as well.
# - 居民组长 and 监督委员: masked. Group leaders are neighbours keeping their group's households;
#   supervisors read everything to object, and need to know that a resident is registered, not
#   their number.
ROLE_VIEWS: dict[str, PersonalDataView] = {
    roles.CHAIR: FULL,
    roles.STREET: FULL,
    roles.CASE_OFFICER: FULL,
    roles.MEMBER: PersonalDataView(full_id=False, full_phone=True),
    roles.GROUP_LEADER: MASKED,
    roles.SUPERVISOR: MASKED,
}

# Hook for the assistance app: ``check(user, subject) -> bool`` says whether ``subject`` (a
# Resident, an Objection, ...) is on one of ``user``'s cases. Once registered (in the app's
# ``AppConfig.ready()``), a 专管员 sees full values only where it returns True, and masked values
# elsewhere (unless another role of theirs grants more).
_case_check: Callable[[object, object], bool] | None = None


def register_case_check(check: Callable[[object, object], bool] | None) -> None:
    """Let the assistance app decide which subjects are on a case officer's cases (None: unset)."""
    global _case_check
    _case_check = check


def _roles_of(user) -> set[str]:
    cached = getattr(user, "_portal_roles", None)
    if cached is None:
        cached = roles.user_roles(user)
        user._portal_roles = cached
    return cached


def personal_data_view(user, *, community_id: int | None = None, subject=None) -> PersonalDataView:
    """How ``user`` sees personal data of ``community_id`` (``subject``: the record it belongs to).

    Superusers see full values; anyone else gets the union of their roles' views, and masked values
    for a community outside their scope (defence in depth: scoping already hides such rows).
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return MASKED
    if user.is_superuser:
        return FULL
    from core.scoping import community_ids_for_user

    if community_id is not None:
        ids = community_ids_for_user(user)
        if ids is not None and community_id not in ids:
            return MASKED
    full_id = full_phone = False
    for role in _roles_of(user):
        view = ROLE_VIEWS.get(role)
        if view is None:
            continue
        if role == roles.CASE_OFFICER and _case_check is not None and subject is not None:
            if not _case_check(user, subject):
                continue
        full_id, full_phone = full_id or view.full_id, full_phone or view.full_phone
    return PersonalDataView(full_id=full_id, full_phone=full_phone)


# Lists and search results show masked values to everyone: the last four digits tell rows apart,
# and the full value is one click away, on the change page, for the roles above.
LIST_VIEW = MASKED


# --- What may not be published --------------------------------------------------------------------

# Province codes of GB/T 2260 (first two digits of an ID number).
_PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 "
    "61 62 63 64 65 71 81 82 83 91".split()
)
_MOBILE = re.compile(r"1[3-9]\d{9}")
_SPACES = {" ", "\u00a0", "\u3000", "\t", "\u2002", "\u2003", "\u2009", "\u202f"}
_DASHES = {"-", "\uff0d", "\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\ufe63", "\u2212"}
# A run of digits, each pair separated by at most a few spaces or dashes, perhaps ending in X.
_RUN = re.compile(r"\+?[0-9](?:[ \-]{0,3}[0-9])*(?:[ \-]{0,3}X)?")
_GROUP = re.compile(r"[0-9X]+")
_LONGEST = 15 + 4  # a mobile with its 0086 prefix; IDs have 18


@dataclass(frozen=True)
class Finding:
    kind: str  # "id" (18-character or 15-digit resident ID) or "mobile"
    text: str  # as written (full-width digits, spaces and dashes kept)

    @property
    def label(self) -> str:
        return str(_("身份证号码") if self.kind == "id" else _("手机号码"))


def _fold(ch: str) -> str:
    """One character for one: any decimal digit to ASCII, full-width X, spaces and dashes to ASCII."""
    if ch.isascii():
        return "X" if ch == "x" else ch
    digit = unicodedata.decimal(ch, None)
    if digit is not None:
        return str(digit)
    if ch in "Ｘｘ":
        return "X"
    if ch in _SPACES:
        return " "
    if ch in _DASHES:
        return "-"
    if ch == "＋":
        return "+"
    return ch


def _valid_date(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def _kind(chars: str) -> str | None:
    """What a run of digits (no separators) is: "id", "mobile" or None."""
    if len(chars) == 18 and chars[:17].isdigit() and chars[:2] in _PROVINCES:
        year, month, day = int(chars[6:10]), int(chars[10:12]), int(chars[12:14])
        if 1880 <= year <= 2099 and _valid_date(year, month, day):
            return "id"
    if "X" in chars:
        return None
    if (
        len(chars) == 15
        and chars[:2] in _PROVINCES
        and _valid_date(1900 + int(chars[6:8]), int(chars[8:10]), int(chars[10:12]))
    ):
        return "id"
    return "mobile" if _national_mobile(chars) else None


def _national_mobile(digits: str) -> str | None:
    """The 11-digit mobile number ``digits`` stands for (with a +86 / 0086 prefix or without)."""
    for prefix in ("", "86", "0086"):
        if digits.startswith(prefix) and _MOBILE.fullmatch(digits[len(prefix) :]):
            return digits[len(prefix) :]
    return None


def find_personal_data(text: str, *, public_phones: Iterable[str] = ()) -> list[Finding]:
    """ID-number-shaped strings and mobile numbers in ``text``, in order (empty: nothing found).

    Recognised however they are written: 18-character resident IDs (trailing X included) and
    15-digit old IDs, each with a plausible province code and birth date; mobile numbers with or
    without +86 / 0086; digit groups separated by spaces or dashes; full-width or other Unicode
    digits. Mobiles in ``public_phones`` (the community's declared contact numbers) are allowed.
    Amounts (56,000.00), dates, household numbers and landlines (010-66778899) are not matched.
    """
    if not text:
        return []
    # Declared numbers are normalized as the registry stores phones, so any way of writing one matches.
    allowed = {normalize_phone(p) for p in public_phones if p}
    folded = "".join(_fold(c) for c in text)  # same length: offsets match ``text``
    found: list[Finding] = []
    for run in _RUN.finditer(folded):
        groups = list(_GROUP.finditer(run.group(0)))
        base = run.start()
        i = 0
        while i < len(groups):
            best = None
            chars = ""
            for j in range(i, len(groups)):
                chars += groups[j].group(0)
                if len(chars) > _LONGEST:
                    break
                kind = _kind(chars)
                if kind is not None:
                    best = (j, kind, chars)
            if best is None:
                i += 1
                continue
            j, kind, chars = best
            if kind == "mobile" and _national_mobile(chars) in allowed:
                i = j + 1
                continue
            start = base + groups[i].start()
            if i == 0 and run.group(0).startswith("+"):
                start = base
            found.append(Finding(kind=kind, text=text[start : base + groups[j].end()]))
            i = j + 1
    return found


def community_public_phones(community) -> list[str]:
    """The numbers ``community`` declared public: the committee's phone (printed on every public
    page) and the contact numbers listed in its rules (``CommunityRules.public_phones``)."""
    from core.models import split_phone_list

    return [p for p in [community.phone, *split_phone_list(community.rules.public_phones)] if p]
