"""Staff interface of the committee registry (Django admin, in Chinese).

Every admin here is scoped by :class:`core.admin_base.CommunityScopedAdmin`; national holiday
days and staff accounts add their own rules on top (superusers only for national days; the 主任
manages the accounts of their communities, ``committee.admin_accounts``). Every save of a governed
record (the registry, the offices, captains, accounts) goes through its service: the registry and
office admins by ``core.admin_base.ServiceSaveMixin``, the others from their ``save_model``.
"""

# Imported for their @admin.register side effects (Django's autodiscovery imports this package).
from committee import admin_accounts  # noqa: F401  (staff accounts and their change log)
from committee.admin import captains, offices, registry  # noqa: F401
