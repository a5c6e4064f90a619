"""The factories' ID numbers: valid, unique within a run, the same from run to run."""

import datetime as dt

from core.idnumbers import parse_id
from tests.factories import IdNumbers, make_id_number


def test_id_numbers_are_valid_unique_and_adults_by_default():
    ids = IdNumbers()
    numbers = [ids.next(sex="M" if i % 3 else "F") for i in range(3000)]
    assert len(set(numbers)) == len(numbers)
    infos = [parse_id(n, today=dt.date(2026, 1, 1)) for n in numbers]
    assert [i.sex for i in infos[:3]] == ["F", "M", "M"]
    assert min(i.birth_date for i in infos) >= dt.date(1950, 1, 1)
    assert max(i.birth_date for i in infos) <= dt.date(1999, 12, 31)


def test_id_numbers_stay_unique_for_one_birth_date_and_sex():
    # Tests often ask for many people born on one day; the order code alone has only 500 per sex.
    ids = IdNumbers()
    birth = dt.date(1970, 3, 4)
    numbers = [ids.next(birth=birth, sex="F") for _ in range(1200)]
    assert len(set(numbers)) == 1200
    assert {parse_id(n).birth_date for n in numbers} == {birth}


def test_id_numbers_are_deterministic():
    first, second = IdNumbers(), IdNumbers()
    assert [first.next() for _ in range(50)] == [second.next() for _ in range(50)]


def test_make_id_number_uses_the_shared_sequence():
    a, b = make_id_number(), make_id_number()
    assert a != b and parse_id(a) and parse_id(b)
