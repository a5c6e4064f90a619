"""居务公开月报: the monthly affairs-disclosure sheet (DOMAIN.md, "Public affairs disclosure").

The sheet of a community and month is built from *sections*. Each section is registered once with
:func:`register_section` and has a *provider*, a function of a :class:`MonthContext` that returns
plain, JSON-serialisable data (strings, numbers, lists, dicts). The data of every section, with the
community's name and the ledger hash at month end, form the sheet's *canonical content*; its SHA-256
is the version key. PDF bytes embed timestamps, so they are never hashed: regenerating identical
content returns the stored version, changed content adds version + 1.

Other apps fill in their part later by registering a provider under an existing key (which replaces
the built-in one) or a new key::

    from notices.disclosure import register_section
    register_section("opinions", _("居民意见办理情况"), opinions_provider, order=40)

A provider returns either ``{"empty": "本月无数据"}`` or a table for the generic template
(``{"columns": [...], "rows": [[...], ...], "summary": [[label, value], ...], "note": "..."}``), or
data for its own ``template``. Everything a provider returns is printed publicly: it must hold
masked names only (``core.idnumbers.mask_name``) and never an ID number, phone number or
income detail. As a second line of defence every string is scrubbed of ID- and phone-shaped digit
runs before hashing (:func:`scrub`).

The package, by concept: ``content`` (registry, month context, scrubbing, canonical content and
hash), ``postings`` (the month's postings as printed rows), ``sections`` (built-in sections),
``render`` (the sheet's PDF, made with the ``core.pdf`` toolkit), ``generate`` (versions),
``jobs`` and ``tasks`` (generation jobs, Celery; task names stay ``notices.tasks.*``), ``admin``
and ``views`` (staff and public pages).
"""

from notices.disclosure import sections as _builtin_sections  # noqa: F401  (registers them)
from notices.disclosure.content import (
    _SECTIONS,
    CONTENT_SCHEMA,
    MonthContext,
    Section,
    build_content,
    content_hash,
    head_hash_at_month_end,
    month_bounds,
    register_section,
    registered_sections,
    scrub,
)
from notices.disclosure.generate import disclosure_filename, disclosure_generate, disclosures_latest

__all__ = [
    "_SECTIONS",
    "CONTENT_SCHEMA",
    "MonthContext",
    "Section",
    "build_content",
    "content_hash",
    "disclosure_filename",
    "disclosure_generate",
    "disclosures_latest",
    "head_hash_at_month_end",
    "month_bounds",
    "register_section",
    "registered_sections",
    "scrub",
]
