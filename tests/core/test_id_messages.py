"""A refused ID number is not repeated in the message (the import's error list masks ID numbers)."""

import pytest
from django.core.exceptions import ValidationError

from core.idnumbers import parse_id


@pytest.mark.parametrize("typed", ["11010119901122023", "1101011990112202355", "11010119901122O235"])
def test_a_malformed_id_number_is_described_not_echoed(typed):
    with pytest.raises(ValidationError, match="身份证号码应为18位") as refused:
        parse_id(typed)
    message = refused.value.messages[0]
    assert typed not in message and typed[:10] not in message
