"""The import file's columns and the words registers use for relations and residence types."""

from __future__ import annotations

import re
from dataclasses import dataclass

from committee.models import Resident

R = Resident.Relation
RES = Resident.Residence


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool
    aliases: tuple[str, ...] = ()
    max_length: int | None = None


COLUMNS = [
    Column("household", "户号", True, ("户编号",), 30),
    Column("address", "住址", True, ("地址", "住房地址", "现住址"), 200),
    Column("group", "居民小组", True, ("小组", "组别", "组号"), None),
    Column("building", "楼栋", False, ("楼号", "楼栋号"), None),
    Column("name", "姓名", True, (), 50),
    Column("id_number", "身份证号码", True, ("身份证号", "公民身份号码", "证件号码"), None),
    Column("relation", "与户主关系", True, ("关系", "与户主的关系"), None),
    Column("phone", "联系电话", False, ("电话", "手机", "手机号", "手机号码"), 20),
    Column("residence", "居住类型", False, ("居住情况", "户籍类型"), None),
    Column("moved_in_on", "迁入日期", False, ("入住日期",), None),
    Column("notes", "备注", False, (), None),
]
HEADERS = [c.header for c in COLUMNS]
HEADER_OF = {c.key: c.header for c in COLUMNS}

# Relation labels: the model's Chinese labels plus the words registers really use.
RELATION_WORDS: dict[str, str] = {
    "本人": R.HEAD,
    "户主本人": R.HEAD,
    "妻": R.SPOUSE,
    "妻子": R.SPOUSE,
    "夫": R.SPOUSE,
    "丈夫": R.SPOUSE,
    "子": R.CHILD,
    "女": R.CHILD,
    "儿子": R.CHILD,
    "女儿": R.CHILD,
    "长子": R.CHILD,
    "次子": R.CHILD,
    "长女": R.CHILD,
    "次女": R.CHILD,
    "养子": R.CHILD,
    "养女": R.CHILD,
    "父亲": R.PARENT,
    "母亲": R.PARENT,
    "父": R.PARENT,
    "母": R.PARENT,
    "兄": R.SIBLING,
    "弟": R.SIBLING,
    "姐": R.SIBLING,
    "妹": R.SIBLING,
    "哥哥": R.SIBLING,
    "弟弟": R.SIBLING,
    "姐姐": R.SIBLING,
    "妹妹": R.SIBLING,
    "孙子": R.GRANDCHILD,
    "孙女": R.GRANDCHILD,
    "外孙子": R.GRANDCHILD,
    "外孙女": R.GRANDCHILD,
    "外孙": R.GRANDCHILD,
    "祖父": R.GRANDPARENT,
    "祖母": R.GRANDPARENT,
    "外祖父": R.GRANDPARENT,
    "外祖母": R.GRANDPARENT,
    "爷爷": R.GRANDPARENT,
    "奶奶": R.GRANDPARENT,
    "儿媳": R.CHILD_IN_LAW,
    "女婿": R.CHILD_IN_LAW,
    "公公": R.PARENT_IN_LAW,
    "婆婆": R.PARENT_IN_LAW,
    "岳父": R.PARENT_IN_LAW,
    "岳母": R.PARENT_IN_LAW,
}
RESIDENCE_WORDS: dict[str, str] = {
    "户籍": RES.REGISTERED,
    "本地户籍": RES.REGISTERED,
    "户籍人口": RES.REGISTERED,
    "常住": RES.REGISTERED,
    "人户分离": RES.REGISTERED_AWAY,
    "户在人不在": RES.REGISTERED_AWAY,
    "流动人口": RES.LIVING_UNREGISTERED,
    "外来人口": RES.LIVING_UNREGISTERED,
    "居住": RES.LIVING_UNREGISTERED,
    "暂住": RES.LIVING_UNREGISTERED,
    "非户籍": RES.LIVING_UNREGISTERED,
}


def label_map(choices, words: dict[str, str]) -> dict[str, str]:
    """Word -> choice value: the value, its label, each part of a label such as 公婆/岳父母, ``words``.

    Built per import, since the labels are translated in the active language.
    """
    out = {}
    for value, label in choices:
        out[str(label)] = value
        out[value] = value
        for part in re.split(r"[/，,、]", str(label)):
            out.setdefault(part, value)
    out.update(words)
    return out


def column_keys(header: list[str]) -> dict[str, int]:
    """Column key -> index. Headers may carry a required-mark (*) or a note in brackets."""
    lookup = {h: c.key for c in COLUMNS for h in (c.header, *c.aliases)}
    index: dict[str, int] = {}
    for i, h in enumerate(header):
        key = lookup.get(re.sub(r"[*＊\s]|[（(].*?[)）]", "", h))
        if key and key not in index:
            index[key] = i
    return index
