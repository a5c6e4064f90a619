"""The posting body's editor: lists and tables with buttons, not raw HTML in a text area.

django-prose-editor (ProseMirror/Tiptap) draws the editor over the form's text area and writes
HTML back into it on every change, so the form, the services and ``notices.sanitize`` see the
same field as before and still decide what is stored. Its stock media loads the editor through an
inline ``<script type="importmap">``, which this site's Content-Security-Policy ('self' scripts
only, no inline script) blocks; ``posting_editor.js`` imports the package's ``editor.js`` by URL
instead, so every script comes from the installed package or this app, none inline.
"""

from __future__ import annotations

from django import forms
from django_prose_editor.widgets import ProseEditorWidget
from js_asset import Script

from notices.sanitize import sanitize_body

# What the board keeps (notices.sanitize.ALLOWED_TAGS): paragraphs, bold/italic, lists, tables,
# small headings, links. Offering more would only be stripped again on save.
EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "HardBreak": True,
    "Heading": {"levels": [3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    "Link": {"protocols": ["http", "https", "mailto", "tel"]},
}


class PostingBodyEditor(ProseEditorWidget):
    def __init__(self, attrs=None):
        super().__init__(
            attrs={"rows": 14, "cols": 80, **(attrs or {})},
            config={"extensions": EXTENSIONS},
            preset="configurable",
        )

    @property
    def media(self):
        base = "django_prose_editor/"
        return forms.Media(
            css={
                "all": [
                    base + "material-icons.css",
                    base + "editor.css",
                    base + "overrides.css",
                    "notices/posting_editor.css",
                ]
            },
            js=[Script("notices/posting_editor.js", type="module")],
        )

    def format_value(self, value):
        # A plain body reaches the form as text (sanitize.body_for_editing keeps the text area
        # readable without script); the editor reads HTML, so give it the paragraphs back.
        return sanitize_body(value) if value else value
