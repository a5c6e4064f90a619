"""Synthetic people for the demo: names, unique valid ID numbers, phones, families."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from committee.models import Resident
from core.idnumbers import id_check_char

# Area codes (first six ID digits): Beijing Dongcheng first, then where newcomers come from.
LOCAL_AREAS = ["110101"] * 14 + ["110102", "110102", "110105", "110108"]
OTHER_AREAS = ["130102", "370102", "410102", "420102", "510104", "320102", "340102", "230102", "610102"]
COMMUNITY_NAMES = [
    ("幸福", "xingfu"), ("和平", "heping"), ("光明", "guangming"), ("建设", "jianshe"), ("团结", "tuanjie"),
    ("友谊", "youyi"), ("新华", "xinhua"), ("胜利", "shengli"), ("东风", "dongfeng"), ("向阳", "xiangyang"),
    ("春晖", "chunhui"), ("翠微", "cuiwei"), ("安华", "anhua"), ("和谐", "hexie"), ("文华", "wenhua"),
    ("康乐", "kangle"), ("育新", "yuxin"), ("民安", "minan"), ("永安", "yongan"), ("福寿", "fushou"),
]  # fmt: skip
SURNAMES = (
    "王王王李李李张张张刘刘陈陈杨杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚"
    "邵万钱严武戴莫孔向汤"
)
MALE_CHARS = "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆旭宁龙林洋建国志文东海峰庆永春成新德晨博轩"
FEMALE_CHARS = "芳娜敏静丽艳娟霞秀英玲桂兰萍红燕婷雪慧琳颖洁倩梅莉欣悦怡晶婉雅诗涵梦佳思蕾月"
PHONE_PREFIXES = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
                  "155", "156", "157", "158", "159", "176", "177", "178", "180", "181", "183", "186",
                  "187", "188", "189", "198", "199"]  # fmt: skip

R = Resident.Relation


@dataclass
class _Person:
    name: str
    sex: str
    birth: dt.date
    relation: str
    surname: str
    obj: Resident | None = None


class _Gen:
    """Random people with unique, valid ID numbers."""

    def __init__(self, rng: random.Random, today: dt.date):
        self.rng = rng
        self.today = today
        self.used_ids: set[str] = set()

    def surname(self) -> str:
        if self.rng.random() < 0.004:
            return self.rng.choice(["欧阳", "司马", "诸葛", "上官"])
        return self.rng.choice(SURNAMES)

    def given(self, sex: str) -> str:
        chars = MALE_CHARS if sex == "M" else FEMALE_CHARS
        if self.rng.random() < 0.35:
            return self.rng.choice(chars)
        return self.rng.choice(chars) + self.rng.choice(chars)

    def birth(self, age_min: int, age_max: int) -> dt.date:
        age_max = max(age_min, age_max)
        start = self.today.replace(year=self.today.year - age_max - 1) + dt.timedelta(days=1)
        end = self.today.replace(year=self.today.year - age_min)
        return start + dt.timedelta(days=self.rng.randint(0, max(0, (end - start).days)))

    def id_number(self, birth: dt.date, sex: str, local: bool) -> str:
        area = self.rng.choice(LOCAL_AREAS if local else OTHER_AREAS)
        while True:
            order = self.rng.randint(0, 499) * 2 + (1 if sex == "M" else 0)
            first17 = f"{area}{birth:%Y%m%d}{order:03d}"
            number = first17 + id_check_char(first17)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def phone(self) -> str:
        return self.rng.choice(PHONE_PREFIXES) + f"{self.rng.randint(0, 99_999_999):08d}"


def _age(birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _family(gen: _Gen) -> list[_Person]:
    """One household's members, head first (sizes 1–5, about 2.8 on average)."""
    rng = gen.rng
    kind = rng.choices(
        ["single", "couple", "nuclear", "single_parent", "with_parent", "three_gen"],
        weights=[14, 24, 36, 6, 10, 10],
    )[0]
    head_sex = "M" if rng.random() < 0.7 else "F"
    if kind == "single":
        head_age = (22, 88)
    elif kind == "three_gen":
        head_age = (52, 75)
    elif kind == "with_parent":
        head_age = (30, 55)
    else:
        head_age = (26, 70)
    surname = gen.surname()
    head = _Person(surname + gen.given(head_sex), head_sex, gen.birth(*head_age), R.HEAD, surname)
    members = [head]
    head_years = _age(head.birth, gen.today)
    family_surname = surname
    if kind in ("couple", "nuclear", "with_parent", "three_gen"):
        sex = "F" if head_sex == "M" else "M"
        s = gen.surname()
        age = max(20, head_years + rng.randint(-4, 4))
        members.append(_Person(s + gen.given(sex), sex, gen.birth(age, age), R.SPOUSE, s))
        if head_sex == "F":
            family_surname = s
    if kind in ("nuclear", "single_parent", "three_gen"):
        n = 1 if kind == "three_gen" else rng.choice([1, 1, 2])
        for _ in range(n):
            oldest = head_years - 22
            if oldest < 0:
                break
            age = rng.randint(max(0, head_years - 38), oldest)
            sex = rng.choice("MF")
            members.append(
                _Person(family_surname + gen.given(sex), sex, gen.birth(age, age), R.CHILD, family_surname)
            )
    if kind == "with_parent":
        sex = rng.choice("MF")
        age = min(98, head_years + rng.randint(22, 32))
        s = surname if sex == "M" else gen.surname()
        members.append(_Person(s + gen.given(sex), sex, gen.birth(age, age), R.PARENT, s))
    if kind == "three_gen":
        child = next((m for m in members if m.relation == R.CHILD), None)
        if child is not None:
            child_years = _age(child.birth, gen.today)
            if child_years >= 22:
                sex = "F" if child.sex == "M" else "M"
                s = gen.surname()
                age = max(20, child_years + rng.randint(-3, 3))
                members.append(_Person(s + gen.given(sex), sex, gen.birth(age, age), R.CHILD_IN_LAW, s))
                gage = rng.randint(0, max(0, min(16, child_years - 21)))
                gsex = rng.choice("MF")
                gs = child.surname if child.sex == "M" else s
                members.append(_Person(gs + gen.given(gsex), gsex, gen.birth(gage, gage), R.GRANDCHILD, gs))
    return members
