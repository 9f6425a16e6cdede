"""Chat messages as safe HTML (canvas/chat_markdown.py)."""

from __future__ import annotations

from canvas.chat_markdown import render_reply, render_request


def test_a_reply_renders_markdown():
    html = render_reply("**Tip:** keep it *short*.\n\n- one\n- two\n\n"
                        "| a | b |\n|---|---|\n| 1 | 2 |")
    assert "<strong>Tip:</strong>" in html and "<em>short</em>" in html
    assert "<li>one</li>" in html and "<td>1</td>" in html
    assert "**" not in html


def test_code_blocks_get_a_copy_button_and_stay_escaped():
    html = render_reply("```python\nprint('<pre>', \"é\")\n```")
    assert html.count('data-copy-code') == 1
    assert '<pre><code class="language-python">print(\'&lt;pre&gt;\', "é")' in html
    assert html.endswith("</pre></div>\n")


def test_nothing_runs_and_nothing_is_fetched():
    html = render_reply('<script>alert(1)</script> <img src=x onerror=alert(2)> '
                        '![pixel](https://tracker.example/p.png) [a](javascript:alert(3)) '
                        '<a href="https://x" onclick="alert(4)">x</a>')
    assert "<script" not in html and "<img" not in html and "<a href=\"https://x\" onclick" \
        not in html
    assert "tracker.example" not in html
    assert 'href="javascript' not in html
    assert "&lt;script&gt;" in html  # shown as text, as typed


def test_links_open_in_a_new_tab_without_an_opener():
    html = render_reply("[docs](https://example.com/a?b=1)")
    assert ('<a href="https://example.com/a?b=1" target="_blank" '
            'rel="noopener noreferrer nofollow">docs</a>') in html


def test_headings_carry_no_anchors():
    assert render_reply("# Title").strip() == "<h1>Title</h1>"


def test_a_persons_line_breaks_stay():
    assert render_request("first line\nsecond line").strip() == \
        "<p>first line<br>\nsecond line</p>"
    assert "<br>" not in render_reply("first line\nsecond line")


def test_a_fold_block_is_shown_closed_under_its_title():
    html = render_request("Fix it.\n\n```fold Stack and console\nat App (line 5)\n<b>x</b>\n```")
    assert "<details><summary>Stack and console</summary>" in html
    assert "at App (line 5)\n&lt;b&gt;x&lt;/b&gt;" in html
    assert "<details open" not in html
