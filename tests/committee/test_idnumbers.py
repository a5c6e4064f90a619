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
