import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


# The community most tests work in, its 主任 and a client logged in as them. A test module that needs
# another shape (a second community, another role) defines its own fixture of the same name.
@pytest.fixture
def community():
    from tests.factories import CommunityFactory

    return CommunityFactory(name="幸福社区", slug="xingfu")


@pytest.fixture
def chair(community):
    from tests.factories import staff_user

    return staff_user(communities=[community], role="主任")


@pytest.fixture
def chair_client(client, chair):
    client.force_login(chair)
    return client
