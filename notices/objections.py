"""Residents' objections on the public board: what a filing must hold, its reference, its lookup.

The write itself is :func:`notices.services.objection_file`; this module holds the rules it applies
to what a resident typed, and the reads of the public lookup page.

- Phone numbers are normalized as the resident import does (:func:`core.idnumbers.normalize_phone`):
  ``138 1234 5678``, ``138-1234-5678`` and ``+86 13812345678`` are one number.
- A real name has at least two letters and no digits; the text says something (at least
  :data:`BODY_MIN_CHARS` letters or digits).
- The same objection (same name, phone and text on the same posting) is stored once: its
  *fingerprint* is unique per posting.
- Each objection gets a *reference* such as ``26-K7QM-4XPT``: the year, then eight characters
  drawn at random from 31 that cannot be misread (no 0/O, 1/I/L). About 8.5 × 10¹¹ values a year,
  so guessing one is hopeless, and the lookup page limits misses per address as well.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import unicodedata

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.idnumbers import normalize_phone, validate_phone
from core.models import Community
from notices.models import Objection

NAME_MIN_CHARS = 2
NAME_MAX_CHARS = 50
BODY_MIN_CHARS = 4
BODY_MAX_CHARS = 2000
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REFERENCE_RE = re.compile(r"^(\d{2})-([2-9A-HJKMNP-Z]{4})-([2-9A-HJKMNP-Z]{4})$")
# Middle dots and spaces of minority and foreign names (买买提·艾力, Anna Li).
_NAME_JOINERS = frozenset("·•・. -'")
_SPACE = re.compile(r"\s+")


def clean_fields(*, name: str, phone: str, body: str) -> tuple[str, str, str, dict[str, list[str]]]:
    """The filing's fields normalized, and a Chinese message per field that is not acceptable."""
    name = _SPACE.sub(" ", unicodedata.normalize("NFKC", name or "")).strip()
    phone = normalize_phone(phone)
    body = (body or "").strip()
    errors: dict[str, list[str]] = {}

    letters = [c for c in name if c not in _NAME_JOINERS]
    if not name:
        errors["name"] = [_("请填写真实姓名。")]
    elif len(name) > NAME_MAX_CHARS:
        errors["name"] = [_("姓名不能超过%(n)d字。") % {"n": NAME_MAX_CHARS}]
    elif not all(c.isalpha() for c in letters):
        errors["name"] = [_("姓名只能包含文字，请填写您的真实姓名。")]
    elif len(letters) < NAME_MIN_CHARS:
        errors["name"] = [_("请填写完整的真实姓名（至少%(n)d个字）。") % {"n": NAME_MIN_CHARS}]

    if not phone:
        errors["phone"] = [_("请填写联系电话。")]
    else:
        try:
            validate_phone(phone)
        except ValidationError as e:
            errors["phone"] = e.messages

    meaningful = sum(1 for c in body if c.isalnum())
    if not body:
        errors["body"] = [_("请填写异议内容。")]
    elif len(body) > BODY_MAX_CHARS:
        errors["body"] = [_("异议内容不能超过%(n)d字。") % {"n": BODY_MAX_CHARS}]
    elif meaningful < BODY_MIN_CHARS:
        errors["body"] = [
            _("请具体写明异议的内容（至少%(n)d个字），以便居委会核实。") % {"n": BODY_MIN_CHARS}
        ]
    return name, phone, body, errors


def fingerprint(*, name: str, phone: str, body: str) -> str:
    """Equal for the same objection typed twice (spacing and line breaks do not count)."""
    text = _SPACE.sub(" ", unicodedata.normalize("NFKC", body)).strip()
    return hashlib.sha256(f"{name}\x1f{phone}\x1f{text}".encode()).hexdigest()


def duplicate_of(*, posting, name: str, phone: str, body: str) -> Objection | None:
    """The objection already filed on ``posting`` with the same name, phone and text, if any."""
    name, phone, body, errors = clean_fields(name=name, phone=phone, body=body)
    if errors:
        return None
    digest = fingerprint(name=name, phone=phone, body=body)
    return Objection.objects.filter(posting=posting, fingerprint=digest).first()


def new_reference(at: dt.datetime) -> str:
    """A fresh reference (``26-K7QM-4XPT``) not used by any objection yet."""
    year = timezone.localtime(at).strftime("%y")
    while True:
        chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _i in range(8))
        reference = f"{year}-{chars[:4]}-{chars[4:]}"
        if not Objection.objects.filter(reference=reference).exists():
            return reference


def normalize_reference(value: str) -> str | None:
    """A reference as typed (any case, spaces, missing or full-width hyphens) in its canonical form,
    or None when it cannot be one."""
    text = re.sub(r"[^0-9A-Za-z]", "", unicodedata.normalize("NFKC", value or "")).upper()
    if len(text) != 10:
        return None
    reference = f"{text[:2]}-{text[2:6]}-{text[6:]}"
    return reference if REFERENCE_RE.match(reference) else None


def by_reference(*, community: Community, reference: str) -> Objection | None:
    """The objection of ``community`` with this (canonical) reference, with its posting."""
    return (
        Objection.objects.select_related("posting")
        .filter(reference=reference, posting__community=community)
        .first()
    )


def accepted_recently(*, phone: str, at: dt.datetime, within: dt.timedelta = dt.timedelta(hours=1)) -> int:
    """How many objections were accepted from this (normalized) phone number in the last hour."""
    return Objection.objects.filter(phone=phone, filed_at__gt=at - within, filed_at__lte=at).count()
