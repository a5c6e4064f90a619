"""A chair writes a posting body with the editor: a list and a 2x2 table, no HTML typed (headless Chromium).

The editor (notices/editor.py) runs under the site's Content-Security-Policy: no blocked script or
style, and what it writes passes through notices.sanitize on save.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from notices.models import Posting
from tests.factories import CommunityFactory, staff_user
from tests.notices.test_e2e_board import browser_type_launch_args  # noqa: F401  (Debian's Chromium)
from tests.notices.test_e2e_phone import WATCH_CSP

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_chair_makes_a_list_and_a_table_in_the_editor(live_server, browser):
    community = CommunityFactory(name="幸福社区", slug="xingfu")
    client = Client()
    client.force_login(staff_user(communities=[community], role="主任"))
    context = browser.new_context(viewport={"width": 1280, "height": 900}, device_scale_factor=1)
    context.add_init_script(WATCH_CSP)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    console = []
    page.on(
        "console", lambda m: console.append(f"{m.type}: {m.text}") if m.type in ("warning", "error") else None
    )
    page.goto(f"{live_server.url}/admin/notices/posting/add/")
    start = timezone.localtime(timezone.now() + dt.timedelta(days=1))
    if page.locator("select#id_community").count():
        page.select_option("#id_community", str(community.pk))
    page.fill("#id_title", "关于老年人体检的通知")
    for name, when in (("publish_at", start), ("expire_at", start + dt.timedelta(days=7))):
        page.fill(f"#id_{name}_0", f"{when:%Y-%m-%d}")
        page.fill(f"#id_{name}_1", "09:00:00")
    editor = page.locator(".prose-editor [contenteditable=true]")
    editor.click(timeout=5000)
    # A list the way a chair types one: "- " at the start of a line starts it, an empty item ends it.
    page.keyboard.type("请带好以下材料：")
    page.keyboard.press("Enter")
    page.keyboard.type("- 户口本")
    page.keyboard.press("Enter")
    page.keyboard.type("身份证")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    # A table from the toolbar: 2 rows, 2 columns, then type into the cells.
    page.locator('.prose-editor [title="Insert table"]').click()
    dialog = page.locator("dialog[open]")
    # The package has no Chinese; locale/zh_Hans/LC_MESSAGES/djangojs.po gives its dialogs Chinese.
    assert "行数" in dialog.inner_text() and "Rows" not in dialog.inner_text()
    dialog.locator('input[name="rows"]').fill("2")
    dialog.locator('input[name="cols"]').fill("2")
    dialog.locator('button[type="submit"]').click()
    for i, text in enumerate(["项目", "时间", "体检", "周六上午"]):
        if i:
            page.keyboard.press("Tab")
        page.keyboard.type(text)
    assert editor.locator("ul li").count() == 2 and editor.locator("table tr").count() == 2
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "admin-posting-editor.png"), full_page=True)
    assert page.evaluate("window.__csp") == []
    assert console == []  # e.g. ProseMirror warns when its base CSS is missing

    page.locator('input[name="_save"]').click()
    page.wait_for_load_state()
    body = Posting.objects.get(title="关于老年人体检的通知").body
    assert (
        "<ul><li><p>户口本</p></li><li><p>身份证</p></li></ul>" in body
        or "<ul><li>户口本</li><li>身份证</li></ul>" in body
    ), body
    assert "<table>" in body and body.count("<tr>") == 2 and "周六上午" in body, body
    assert "style=" not in body and "<colgroup" not in body
    context.close()
