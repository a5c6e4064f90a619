"""The personal-data scan (core.privacy.find_personal_data) on its own: what it finds, how
it reports it, and the ordinary numbers it leaves alone."""

from __future__ import annotations

import pytest

from core.privacy import find_personal_data


def kinds(text: str, **kwargs) -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in find_personal_data(text, **kwargs)]


def test_the_issues_example():
    assert kinds("身份证号110101199011220235，联系电话17601235465") == [
        ("id", "110101199011220235"),
        ("mobile", "17601235465"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("11010119901122023X", [("id", "11010119901122023X")]),
        ("11010119901122023x", [("id", "11010119901122023x")]),
        ("110101 1990 1122 0235", [("id", "110101 1990 1122 0235")]),
        ("110101-19901122-0235", [("id", "110101-19901122-0235")]),
        ("１１０１０１１９９０１１２２０２３Ｘ", [("id", "１１０１０１１９９０１１２２０２３Ｘ")]),
        ("١١٠١٠١١٩٩٠١١٢٢٠٢٣٥", [("id", "١١٠١٠١١٩٩٠١١٢٢٠٢٣٥")]),  # Arabic-Indic digits
        ("旧证110101901122023号", [("id", "110101901122023")]),
        ("+86 176-0123-5465", [("mobile", "+86 176-0123-5465")]),
        ("0086 17601235465", [("mobile", "0086 17601235465")]),
        ("176　0123　5465", [("mobile", "176　0123　5465")]),  # ideographic spaces
        ("176 - 0123 - 5465", [("mobile", "176 - 0123 - 5465")]),
        ("17601235465 13812345678", [("mobile", "17601235465"), ("mobile", "13812345678")]),
        ("2025-03-12 17601235465", [("mobile", "17601235465")]),
    ],
)
def test_found_however_written(text, expected):
    assert kinds(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "56,000.00",
        "1,256,000.00 元",
        "2025-03-12",
        "2025年3月12日",
        "20250312",
        "H00012",
        "3-2-1101",
        "010-66778899",
        "66778899",
        "0571-87654321",
        "400-123-4567",
        "100010",
        "共 5 人 700.00 元",
        "12110101MB1234567X",  # a unified social credit code
        "20250312000123456789",  # a long reference number
        "991231199011220235",  # no such province
        "110101199013320235",  # no such birth date
        "12345678901",  # not a mobile prefix
    ],
)
def test_ordinary_numbers_are_left_alone(text):
    assert find_personal_data(text) == []


def test_declared_public_numbers_are_allowed_however_written():
    allowed = ["+86 139-1234-5678"]
    assert find_personal_data("值班电话 13912345678", public_phones=allowed) == []
    assert find_personal_data("值班电话 139 1234 5678", public_phones=allowed) == []
    assert kinds("值班电话 13912345678、13812345678", public_phones=allowed) == [("mobile", "13812345678")]
    # Declaring a number never lets an ID number through.
    assert kinds("110101199011220235", public_phones=["110101199011220235"]) == [("id", "110101199011220235")]


def test_a_declared_public_phone_is_allowed_however_it_is_written():
    for declared in ("+86 139-1234-5678", "0086 13912345678", "１３９ １２３４ ５６７８"):
        assert kinds("值班电话 139 1234 5678", public_phones=[declared]) == [], declared
    assert kinds("值班电话 13912345678", public_phones=["13912345679"]) == [("mobile", "13912345678")]


def test_label_is_chinese():
    finding = find_personal_data("17601235465")[0]
    assert finding.label == "手机号码"
