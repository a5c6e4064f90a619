"""Resident ID numbers (GB 11643-1999) and the masking used by every public output."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
# [0-9], never \d: \d also matches Arabic-Indic and other scripts' digits, which int() reads but
# the database's ``resident_id_format`` constraint refuses.
ID_PATTERN = re.compile(r"^[0-9]{17}[0-9X]$")
EARLIEST_BIRTH = dt.date(1900, 1, 1)
# What Chinese input methods type in full-width mode; every other script's digits are refused.
_FULL_WIDTH = str.maketrans("０１２３４５６７８９ｘＸ", "0123456789XX")


def id_check_char(first17: str) -> str:
    """The GB 11643 check character (ISO 7064 MOD 11-2) for the first 17 digits."""
    total = sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


@dataclass(frozen=True)
class IdInfo:
    number: str
    birth_date: dt.date
    sex: str  # "M" or "F"


def normalize_id(value: str) -> str:
    return (value or "").strip().replace(" ", "").replace("\u3000", "").translate(_FULL_WIDTH).upper()


def parse_id(value: str, *, today: dt.date | None = None) -> IdInfo:
    """Validate an 18-character resident ID; return it normalized with birth date and sex.

    The birth date must lie between 1900-01-01 and ``today`` (default: the local date now).
    Raises ValidationError with a message in the user's language.
    """
    number = normalize_id(value)
    if not ID_PATTERN.match(number):
        if any(c.isdigit() and not c.isascii() for c in number):
            raise ValidationError(
                # Not echoed: the import's error list shows ID numbers masked only.
                _("身份证号码只能用半角数字0–9和X填写，该号码中含有其他文字的数字，请重新输入。"),
                code="id_format",
            )
        # The count, not the value: the import's error list shows ID numbers masked only.
        raise ValidationError(
            _("身份证号码应为18位：前17位为数字，最后一位为数字或X（填写的是%(n)d位）。"),
            code="id_format",
            params={"n": len(number)},
        )
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            _("身份证号码中的出生日期“%(date)s”不是有效日期。"),
            code="id_birth",
            params={"date": number[6:14]},
        ) from None
    _check_birth(birth, today or timezone.localdate())
    expected = id_check_char(number[:17])
    if number[17] != expected:
        raise ValidationError(
            _("身份证号码校验码错误：最后一位应为“%(expected)s”，请核对号码是否抄错。"),
            code="id_checksum",
            params={"expected": expected},
        )
    sex = "M" if int(number[16]) % 2 == 1 else "F"
    return IdInfo(number=number, birth_date=birth, sex=sex)


def _check_birth(birth: dt.date, today: dt.date) -> None:
    if birth < EARLIEST_BIRTH:
        raise ValidationError(
            _("身份证号码中的出生日期%(date)s早于1900年，请核对号码是否抄错。"),
            code="id_birth",
            params={"date": birth.isoformat()},
        )
    if birth > today:
        raise ValidationError(
            _("身份证号码中的出生日期%(date)s晚于今天（%(today)s），请核对号码是否抄错。"),
            code="id_birth_future",
            params={"date": birth.isoformat(), "today": today.isoformat()},
        )


def validate_id_number(value: str) -> None:
    parse_id(value)


def mask_id(value: str | None) -> str:
    """110101199003071234 -> 110101********1234"""
    if not value:
        return ""
    value = str(value)
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_name(value: str | None) -> str:
    """张三明 -> 张*明, 张三 -> 张*, 欧阳小明 -> 欧**明."""
    if not value:
        return ""
    value = str(value).strip()
    if len(value) == 1:
        return value
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]


def mask_phone(value: str | None) -> str:
    """13812345678 -> 138****5678; landlines keep only the last four digits."""
    if not value:
        return ""
    digits = re.sub(r"\D", "", str(value))
    if len(digits) == 11 and digits.startswith("1"):
        return digits[:3] + "****" + digits[-4:]
    if len(digits) <= 4:
        return "*" * len(digits)
    return "*" * (len(digits) - 4) + digits[-4:]


# ASCII digits only: ``\d`` would accept Arabic-Indic and other scripts' digits.
PHONE_PATTERN = re.compile(r"^1[3-9]\d{9}$|^0\d{2,3}-?\d{7,8}$", re.ASCII)
_PHONE_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―.·()]")
_COUNTRY_CODE = re.compile(r"^(?:\+86|0086)")
_LANDLINE = re.compile(r"^(0\d{2,3})[\s\-‐‑‒–—―.·)]+(\d[\d\s\-‐‑‒–—―.·]*)$", re.ASCII)


def normalize_phone(value: str | None) -> str:
    """A phone number as residents write it, in the one form the registry stores.

    ``138 1234 5678``, ``138-1234-5678``, ``+86 138 1234 5678``, ``0086 13812345678`` and full-width
    digits all give ``13812345678``; a landline keeps one hyphen after its area code
    (``010 1234 5678`` -> ``010-12345678``). Anything else comes back trimmed, for
    :func:`validate_phone` to explain.
    """
    text = unicodedata.normalize("NFKC", value or "").strip()
    if not text:
        return ""
    compact = _PHONE_SEPARATORS.sub("", text)
    national = _COUNTRY_CODE.sub("", compact)
    if re.fullmatch(r"1[3-9][0-9]{9}", national):
        return national
    if re.fullmatch(r"861[3-9][0-9]{9}", compact):
        return compact[2:]
    landline = _LANDLINE.match(text)
    if landline:
        return f"{landline.group(1)}-{_PHONE_SEPARATORS.sub('', landline.group(2))}"
    if re.fullmatch(r"0[0-9]{9,11}", compact):
        return compact
    return text


def validate_phone(value: str) -> None:
    if value and not PHONE_PATTERN.match(value.strip()):
        raise ValidationError(
            _("电话号码格式不正确：手机号为11位（以1开头），座机为区号加号码，如010-12345678。"), code="phone"
        )
