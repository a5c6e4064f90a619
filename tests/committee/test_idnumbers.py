import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from committee.idnumbers import id_check_char, mask_id, mask_name, mask_phone, parse_id


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
    with pytest.raises(ValidationError) as exc:
        parse_id(value)
    assert exc.value.code == code
    assert any("身份证" in m for m in exc.value.messages)


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
    from committee.idnumbers import normalize_phone, validate_phone

    assert normalize_phone(typed) == stored
    validate_phone(stored)


@pytest.mark.parametrize("typed", ["12345", "١٣٨١٢٣٤٥٦٧٨", "138 1234 567", "+1 415 555 0100"])
def test_phone_that_is_no_chinese_number_stays_refused(typed):
    from committee.idnumbers import normalize_phone, validate_phone

    with pytest.raises(ValidationError, match="电话号码格式不正确"):
        validate_phone(normalize_phone(typed))
