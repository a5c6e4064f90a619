"""Rich text: the allowlist survives, script never does; plain text keeps its lines."""

from __future__ import annotations

import pytest

from notices.sanitize import dangerous_parts, sanitize_body


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (
            "<p>一、<strong>时间</strong>：<em>周六</em></p>",
            "<p>一、<strong>时间</strong>：<em>周六</em></p>",
        ),
        ("<h3>标题</h3><h4>小节</h4>", "<h3>标题</h3><h4>小节</h4>"),
        ("<ul><li>甲</li></ul><ol><li>乙</li></ol>", "<ul><li>甲</li></ul><ol><li>乙</li></ol>"),
        (
            "<table><thead><tr><th>户号</th></tr></thead><tbody><tr><td>101</td></tr></tbody></table>",
            "<table><thead><tr><th>户号</th></tr></thead><tbody><tr><td>101</td></tr></tbody></table>",
        ),
        (
            '<a href="https://example.org/a">链接</a>',
            '<p><a href="https://example.org/a" rel="noopener">链接</a></p>',
        ),
        ("<p>第一行<br>第二行</p>", "<p>第一行<br>第二行</p>"),
    ],
)
def test_allowed_markup_survives(html, expected):
    assert sanitize_body(html) == expected


@pytest.mark.parametrize(
    "html",
    [
        "<p>hi</p><script>alert(1)</script>",
        '<p onclick="steal()">hi</p>',
        '<img src="x" onerror="steal()">',
        '<a href="javascript:steal()">点我</a>',
        '<a href=" JaVaScRiPt:steal()">点我</a>',
        '<iframe src="https://evil.example"></iframe>',
        '<svg onload="steal()"></svg>',
        '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
    ],
)
def test_script_is_detected_and_never_survives(html):
    assert dangerous_parts(html)
    cleaned = sanitize_body(html).lower()
    for needle in ("<script", "onclick", "onerror", "onload", "javascript:", "<iframe", "<svg", "data:"):
        assert needle not in cleaned


def test_word_processor_markup_is_stripped_quietly():
    html = '<div style="color:red"><span class="x">通知</span></div><style>p{color:red}</style><p style="x">正文</p>'
    assert dangerous_parts(html) == []
    assert sanitize_body(html) == "通知<p>正文</p>"


def test_plain_text_keeps_paragraphs_and_lines():
    text = "经推荐，以下居民拟任楼栋长：\n1号楼：张三\n2号楼：李四\n\n公示期内如有异议，请实名提出。"
    assert sanitize_body(text) == (
        "<p>经推荐，以下居民拟任楼栋长：<br>1号楼：张三<br>2号楼：李四</p><p>公示期内如有异议，请实名提出。</p>"
    )


def test_text_with_angle_brackets_is_escaped_not_dropped():
    assert (
        sanitize_body("收入 < 当地低保标准 & 家庭财产符合规定")
        == "<p>收入 &lt; 当地低保标准 &amp; 家庭财产符合规定</p>"
    )
    assert sanitize_body("") == ""


def test_plain_bodies_are_edited_as_text_and_round_trip():
    from notices.sanitize import body_for_editing, sanitize_body

    text = "经推荐和自荐，以下居民拟任楼栋长。\n\n15号楼：程军（自荐）\n18号楼：龙凯庆 & 家人 <推荐>\n\n如有异议，请实名提出。"
    stored = sanitize_body(text)
    assert stored.startswith("<p>") and "<br>" in stored
    assert body_for_editing(stored) == text
    assert sanitize_body(body_for_editing(stored)) == stored
    # Richer bodies stay HTML, so nothing is lost.
    table = "<p>收支如下：</p><table><tbody><tr><td>收入</td><td>3,700</td></tr></tbody></table>"
    assert body_for_editing(sanitize_body(table)) == sanitize_body(table)
    linked = '<p>详见<a href="https://example.org/" rel="noopener noreferrer">附件</a></p>'
    assert body_for_editing(sanitize_body(linked)) == sanitize_body(linked)
