import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import staff_user


@pytest.fixture
def officer(community):
    return staff_user(communities=[community], role="专管员", full_name="李专管")


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
