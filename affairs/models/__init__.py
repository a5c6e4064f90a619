"""Tables of the affairs app (居务), one module per concept."""

from affairs.models.finance import FinanceEntry, FinanceStatement  # noqa: F401
from affairs.models.opinions import Opinion, OpinionRoute  # noqa: F401
