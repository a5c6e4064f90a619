import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.idnumbers import id_check_char, mask_id, mask_name, mask_phone, parse_id, validate_phone


def test_parse_valid_id_derives_birth_and_sex():
    # The GB 11643 standard's own example number.
    info = parse_id("11010519491231002x")
    assert info.number == "11010519491231002X"
    assert info.birth_date == dt.date(1949, 12, 31)
    assert info.sex == "F"


@pytest.mark.parametrize(
    "value, code",
    [
        ("110105194912310021", "id_checksum"),
        ("1101051949123100", "id_format"),
        ("110105194913310025", "id_birth"),
    ],
)
def test_parse_rejects_bad_ids_with_a_chinese_message(value, code):
    with pytest.raises(ValidationError, match="身份证号码") as exc:
        parse_id(value)
    assert exc.value.code == code


def test_check_char_matches_standard_example():
    assert id_check_char("34052419800101001") == "X"


def test_masks():
    assert mask_id("110101199003071234") == "110101********1234"
    assert mask_name("张三明") == "张*明"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳小明") == "欧**明"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("") == ""


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 13812345678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("0086-13812345678", "13812345678"),
        ("８６１３８１２３４５６７８", "13812345678"),  # full-width digits from a Chinese keyboard
        (" 13812345678 ", "13812345678"),
        ("010 1234 5678", "010-12345678"),
        ("010-12345678", "010-12345678"),
        ("0755-8888 6666", "0755-88886666"),
    ],
)
def test_phone_normalized_as_residents_write_it(typed, stored):
    from core.idnumbers import normalize_phone, validate_phone

    assert normalize_phone(typed) == stored
    validate_phone(stored)


@pytest.mark.parametrize("typed", ["12345", "١٣٨١٢٣٤٥٦٧٨", "138 1234 567", "+1 415 555 0100"])
def test_phone_that_is_no_chinese_number_stays_refused(typed):
    from core.idnumbers import normalize_phone, validate_phone

    with pytest.raises(ValidationError, match="电话号码格式不正确"):
        validate_phone(normalize_phone(typed))


def _id_born(birth: dt.date, order: str = "123") -> str:
    first17 = f"110101{birth:%Y%m%d}{order}"
    return first17 + id_check_char(first17)


def test_birth_date_in_the_future_is_refused_naming_the_date():
    today = dt.date(2026, 3, 1)
    assert parse_id(_id_born(today), today=today).birth_date == today  # born today: fine
    with pytest.raises(ValidationError, match="2026-03-02") as exc:
        parse_id(_id_born(dt.date(2026, 3, 2)), today=today)
    assert exc.value.code == "id_birth_future"
    assert "晚于今天" in exc.value.messages[0] and "2026-03-01" in exc.value.messages[0]


def test_birth_years_before_1900_are_refused():
    assert parse_id(_id_born(dt.date(1900, 1, 1)), today=dt.date(2026, 3, 1)).birth_date.year == 1900
    with pytest.raises(ValidationError, match="早于1900年") as exc:
        parse_id(_id_born(dt.date(1899, 12, 31)), today=dt.date(2026, 3, 1))
    assert exc.value.code == "id_birth" and "1899-12-31" in exc.value.messages[0]


def test_without_today_the_current_date_is_used():
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="晚于今天"):
        parse_id(_id_born(tomorrow))


def _arabic_indic(text: str) -> str:
    return text.translate({ord(str(d)): chr(0x0660 + d) for d in range(10)})


def test_digits_other_than_ascii_are_refused_as_format_errors():
    # With an X check character nothing else compares digits, so `\d` let the whole number through.
    number = "11010519491231002X"
    eastern = _arabic_indic(number[:17]) + "X"
    assert re.match(r"^\d{17}[\dX]$", eastern)
    with pytest.raises(ValidationError, match="半角数字") as exc:
        parse_id(eastern)
    assert exc.value.code == "id_format"
    devanagari = number[:17].translate({ord(str(d)): chr(0x0966 + d) for d in range(10)}) + "X"
    with pytest.raises(ValidationError, match="半角数字"):
        parse_id(devanagari)


def _full_width(text: str) -> str:
    return text.translate({ord(str(d)): chr(0xFF10 + d) for d in range(10)})


def test_full_width_digits_from_chinese_input_methods_are_normalised():
    number = _id_born(dt.date(1980, 1, 1))
    assert parse_id(_full_width(number)).number == number
    assert parse_id(_full_width("11010519491231002") + "ｘ").number == "11010519491231002X"


def test_phone_digits_must_be_ascii():
    validate_phone("13812345678")
    validate_phone("010-12345678")
    with pytest.raises(ValidationError, match="电话号码格式不正确"):
        validate_phone("138" + _arabic_indic("12345678"))
    with pytest.raises(ValidationError, match="电话号码格式不正确"):
        validate_phone("010-" + _arabic_indic("12345678"))
