"""factory_boy factories for every app's tests."""

from __future__ import annotations

import datetime as dt
import itertools

import factory
from django.contrib.auth.models import Group

from committee import models as cm
from core import models as core_models
from core.idnumbers import id_check_char
from core.roles import roles_sync

_serial = itertools.count(1)


class IdNumbers:
    """Valid GB 11643 numbers from a counter: unique within a run, the same from run to run.

    The n-th number takes its order code from ``n % 500`` (the last digit of which carries the
    sex) and its area code from ``n // 500``, so no two numbers share area and order whatever birth
    dates are asked for; without one, the birth date steps through 1950–1999 (adults on any day the
    suite runs, so age rules never depend on the run).
    """

    FIRST_BIRTH = dt.date(1950, 1, 1)
    BIRTH_DAYS = (dt.date(1999, 12, 31) - FIRST_BIRTH).days + 1
    STRIDE = 7919  # a prime: consecutive numbers get birth dates far apart

    def __init__(self) -> None:
        self._count = itertools.count()

    def next(self, birth: dt.date | None = None, sex: str = "M") -> str:
        n = next(self._count)
        birth = birth or self.FIRST_BIRTH + dt.timedelta(days=n * self.STRIDE % self.BIRTH_DAYS)
        area = 110101 + n // 500
        order = n % 500 * 2 + (1 if sex == "M" else 0)
        first17 = f"{area:06d}{birth:%Y%m%d}{order:03d}"
        return first17 + id_check_char(first17)


_id_numbers = IdNumbers()


def make_id_number(birth: dt.date | None = None, sex: str = "M") -> str:
    """A valid GB 11643 number, unique within a test run."""
    return _id_numbers.next(birth=birth, sex=sex)


class StreetOfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = core_models.StreetOffice

    name = factory.Sequence(lambda n: f"和平街道{n}")


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = core_models.Community

    street_office = factory.SubFactory(StreetOfficeFactory)
    name = factory.Sequence(lambda n: f"测试社区{n}")
    slug = factory.Sequence(lambda n: f"c{n}")


class ResidentsGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.ResidentsGroup

    community = factory.SubFactory(CommunityFactory)
    number = factory.Sequence(lambda n: n + 1)
    name = factory.LazyAttribute(lambda o: f"第{o.number}居民小组")


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.Building

    community = factory.SubFactory(CommunityFactory)
    group = factory.SubFactory(ResidentsGroupFactory, community=factory.SelfAttribute("..community"))
    name = factory.Sequence(lambda n: f"{n + 1}号楼")


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.Household

    community = factory.SubFactory(CommunityFactory)
    group = factory.SubFactory(ResidentsGroupFactory, community=factory.SelfAttribute("..community"))
    building = None
    number = factory.Sequence(lambda n: f"H{n:05d}")
    address = factory.Sequence(lambda n: f"幸福路{n}号")


class ResidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.Resident

    household = factory.SubFactory(HouseholdFactory)
    community = factory.LazyAttribute(lambda o: o.household.community)
    name = factory.Iterator(["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄丽", "周杰", "吴霞"])
    sex = "M"
    id_number = factory.LazyAttribute(lambda o: make_id_number(sex=o.sex))
    relation_to_head = cm.Resident.Relation.HEAD
    phone = factory.Sequence(lambda n: f"138{n:08d}")


class CommitteeTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.CommitteeTerm

    community = factory.SubFactory(CommunityFactory)
    number = factory.Sequence(lambda n: n + 1)
    starts_on = dt.date(2024, 1, 1)
    ends_on = dt.date(2029, 1, 1)


class CommitteeSeatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.CommitteeSeat

    term = factory.SubFactory(CommitteeTermFactory)
    resident = factory.SubFactory(
        ResidentFactory, household__community=factory.SelfAttribute("...term.community")
    )
    role = cm.CommitteeSeat.Role.MEMBER


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = core_models.User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"工作人员{n}")
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", "pass-12345")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def staff_user(*, communities=(), role: str = "主任", street_office=None, **kwargs) -> core_models.User:
    """A staff user with a role group and the given communities (or a street office)."""
    if not Group.objects.filter(name=role).exists():
        roles_sync()
    user = UserFactory(**kwargs)
    user.groups.add(Group.objects.get(name=role))
    profile = core_models.StaffProfile.objects.create(user=user, street_office=street_office)
    profile.communities.set(communities)
    return user


# --- notices ----------------------------------------------------------------------------------------


def _now() -> dt.datetime:
    from django.utils import timezone

    return timezone.now()


class PostingFactory(factory.django.DjangoModelFactory):
    """A draft posting. Release it with ``notices.services.posting_release`` (or use
    :func:`released_posting`), so the ledger and the immutability rules apply as in production."""

    class Meta:
        model = "notices.Posting"
        skip_postgeneration_save = True

    community = factory.SubFactory(CommunityFactory)
    category = "notice"
    title = factory.Sequence(lambda n: f"关于第{n}号事项的公告")
    body = "<p>请各位居民知悉。</p>"
    publish_at = factory.LazyFunction(_now)
    expire_at = factory.LazyAttribute(lambda o: o.publish_at + dt.timedelta(days=7))


def released_posting(*, at: dt.datetime | None = None, actor=None, **kwargs):
    """A posting created and released through ``notices.services.publish`` (ledger entry included)."""
    from django.utils import timezone

    from notices import services

    at = at or timezone.now()
    if "community" not in kwargs:
        kwargs["community"] = CommunityFactory()
    kwargs.setdefault("category", "notice")
    kwargs.setdefault("title", f"关于第{next(_serial)}号事项的公告")
    kwargs.setdefault("body", "<p>请各位居民知悉。</p>")
    if "expire_at" not in kwargs and "working_days" not in kwargs:
        kwargs["expire_at"] = (kwargs.get("publish_at") or at) + dt.timedelta(days=7)
    return services.publish(actor=actor, at=at, **kwargs)


class ObjectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "notices.Objection"

    posting = factory.SubFactory(PostingFactory)
    name = "王芳"
    phone = "13912345678"
    body = "公示名单有误，请核实。"
    filed_at = factory.LazyAttribute(lambda o: o.posting.publish_at + dt.timedelta(hours=1))


# --- records the registry and board tests build on (the generic admin tests need every model) -----


class KinshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.Kinship

    person = factory.SubFactory(ResidentFactory)
    relative = factory.SubFactory(
        ResidentFactory,
        household=factory.SelfAttribute("..person.household"),
        relation_to_head=cm.Resident.Relation.SPOUSE,
        sex="F",
    )
    community = factory.LazyAttribute(lambda o: o.person.community)
    kind = cm.Kinship.Kind.SPOUSE


class RepresentativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.Representative

    term = factory.SubFactory(CommitteeTermFactory)
    group = factory.SubFactory(ResidentsGroupFactory, community=factory.SelfAttribute("..term.community"))
    resident = factory.SubFactory(
        ResidentFactory,
        household__community=factory.SelfAttribute("...term.community"),
        household__group=factory.SelfAttribute("...group"),
    )
    elected_on = factory.LazyAttribute(lambda o: o.term.starts_on)


class SupervisionMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.SupervisionMember

    term = factory.SubFactory(CommitteeTermFactory)
    resident = factory.SubFactory(
        ResidentFactory, household__community=factory.SelfAttribute("...term.community")
    )
    elected_on = factory.LazyAttribute(lambda o: o.term.starts_on)


class BuildingCaptainFactory(factory.django.DjangoModelFactory):
    """A nomination; post, confirm or reject it through ``committee.services``."""

    class Meta:
        model = cm.BuildingCaptain

    building = factory.SubFactory(BuildingFactory)
    community = factory.LazyAttribute(lambda o: o.building.community)
    resident = factory.SubFactory(
        ResidentFactory,
        household__community=factory.SelfAttribute("...building.community"),
        household__building=factory.SelfAttribute("...building"),
    )
    nominated_on = factory.LazyFunction(lambda: _now().date())


class OfficialDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = core_models.OfficialDay
        django_get_or_create = ["date"]

    date = factory.Sequence(lambda n: dt.date(2027, 1, 1) + dt.timedelta(days=n))
    is_working_day = False
    name = "元旦"


class WindowEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "notices.WindowEvent"

    posting = factory.LazyFunction(lambda: released_posting())
    kind = "opened"
    boundary_at = factory.LazyAttribute(lambda o: o.posting.publish_at)
    recorded_at = factory.LazyAttribute(lambda o: o.posting.publish_at)


class MonthlyDisclosureFactory(factory.django.DjangoModelFactory):
    """A stored sheet row with a stand-in PDF (``notices.disclosure`` renders real ones)."""

    class Meta:
        model = "notices.MonthlyDisclosure"

    community = factory.SubFactory(CommunityFactory)
    month = dt.date(2026, 10, 1)
    version = factory.Sequence(lambda n: n + 1)
    content_hash = factory.Sequence(lambda n: f"{n:064x}")
    pdf = factory.django.FileField(filename="sheet.pdf", data=b"%PDF-1.4\n%%EOF\n")
    pages = 1
    generated_at = factory.LazyFunction(_now)


# --- elections ---------------------------------------------------------------------------------------


def election_with_roll(
    community,
    *,
    voters: int = 6,
    election_day: dt.date | None = None,
    actor=None,
    kind: str = "committee",
    seats: dict | None = None,
    women: int = 2,
    **kwargs,
):
    """A draft election of ``community`` with seats, a one-member election committee and a roll built
    from ``voters`` adult residents (the first ``women`` of them women), in one residents' group."""
    from django.utils import timezone

    from elections import services as es

    election_day = election_day or (timezone.localdate() + dt.timedelta(days=40))
    group = ResidentsGroupFactory(community=community)
    residents = []
    for i in range(voters):
        household = HouseholdFactory(community=community, group=group)
        residents.append(ResidentFactory(household=household, sex="F" if i < women else "M"))
    clerk = ResidentFactory(household=HouseholdFactory(community=community, group=group))
    election = es.election_create(
        community=community,
        title=kwargs.pop("title", f"第{next(_serial)}届居民委员会选举"),
        election_day=election_day,
        kind=kind,
        seats={"member": 1} if seats is None and kind == "committee" else (seats or {}),
        actor=actor,
        **kwargs,
    )
    es.committee_member_add(election=election, resident=clerk, is_chair=True, actor=actor)
    es.roll_build(election=election, actor=actor)
    return election, residents
