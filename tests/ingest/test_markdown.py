"""render_markdown: Markdown → HTML → sanitised, so imported bodies can be shown safely."""

import pytest

from articles.markdown import LINK_REL, render_markdown

REL = f'rel="{LINK_REL}"'


def test_it_renders_markdown():
    html = render_markdown("## Notes\n\nSome **bold** and *italic* text.\n\n- one\n- two\n")

    assert html == (
        "<h2>Notes</h2>\n"
        "<p>Some <strong>bold</strong> and <em>italic</em> text.</p>\n"
        "<ul>\n<li>one</li>\n<li>two</li>\n</ul>"
    )


@pytest.mark.parametrize("text", ["", "   \n\n"])
def test_empty_text_renders_nothing(text):
    assert render_markdown(text) == ""


def test_links_get_rel_noopener_noreferrer_nofollow():
    html = render_markdown("[source](https://news.example.com/a?b=1&c=2)")

    assert html == f'<p><a href="https://news.example.com/a?b=1&amp;c=2" {REL}>source</a></p>'


def test_a_link_rel_from_the_text_is_replaced():
    html = render_markdown('<a href="https://a.example/" rel="opener" target="_blank">x</a>')

    assert html == f'<p><a href="https://a.example/" {REL}>x</a></p>'


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "&#106;avascript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "vbscript:msgbox(1)",
        "/relative/path",
        "//evil.example.com/x",
    ],
)
def test_links_to_anything_but_http_mailto_or_a_fragment_lose_their_href(href):
    html = render_markdown(f'<a href="{href}">click</a>')

    assert html == f"<p><a {REL}>click</a></p>"


@pytest.mark.parametrize(
    "href", ["https://a.example/", "http://a.example/", "mailto:desk@example.com", "#notes"]
)
def test_safe_links_are_kept(href):
    assert f'href="{href}"' in render_markdown(f"[x]({href})")


def test_images_keep_only_http_sources():
    html = render_markdown(
        '![ok](https://img.example.com/a.png "Title")\n'
        "![data](data:image/png;base64,iVBORw0KGgo=)\n"
        "![js](javascript:alert(1))\n"
    )

    assert html == (
        '<p><img alt="ok" src="https://img.example.com/a.png" title="Title">\n'
        '<img alt="data">\n'
        '<img alt="js"></p>'
    )


@pytest.mark.parametrize(
    "raw",
    [
        "<script>alert(1)</script>",
        "<style>body { display: none }</style>",
        '<iframe src="https://evil.example.com/">fallback</iframe>',
        "<svg><script>alert(1)</script></svg>",
        '<object data="x.swf"></object>',
    ],
)
def test_raw_script_style_and_frames_disappear_with_their_content(raw):
    html = render_markdown(f"Before\n\n{raw}\n\nAfter")

    assert "<script" not in html and "<style" not in html and "<iframe" not in html
    assert "alert" not in html and "display" not in html and "fallback" not in html
    assert html.startswith("<p>Before</p>") and html.endswith("<p>After</p>")


def test_event_handlers_and_style_attributes_are_removed():
    html = render_markdown(
        '<p onclick="steal()" style="color: red" class="x" id="y">Hi</p>'
        '<img src="https://i.example/a.png" onerror="steal()">'
    )

    assert html == '<p>Hi</p>\n<p><img src="https://i.example/a.png"></p>'


def test_tables_and_code_blocks_render():
    html = render_markdown("| a | b |\n|:--|--:|\n| 1 | 2 |\n\n```\nx = 1 < 2\n```\n")

    assert '<th align="left">a</th>' in html
    assert '<td align="right">2</td>' in html
    assert "<pre><code>x = 1 &lt; 2\n</code></pre>" in html


def test_html_comments_are_dropped():
    assert render_markdown("A<!-- secret -->B") == "<p>AB</p>"
