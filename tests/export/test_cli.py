"""`desk export` from the shell: stdout, -o FILE, a newsroom's template, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

from tests.clirun import run_cli
from tests.export.conftest import Desk


def test_export_to_stdout_and_to_a_file(fixed_desk: Desk, tmp_path: Path) -> None:
    ran = run_cli(fixed_desk.path, "export", "orvena", "--format", "md")
    assert ran.code == 0, ran.err
    assert ran.out.startswith("---\ntitle: ")
    assert "# Orvena dam \\<live\\> \\& updates" in ran.out
    target = tmp_path / "out" / "page.jsonld"
    target.parent.mkdir()
    ran = run_cli(fixed_desk.path, "export", "orvena", "-f", "liveblog", "-o", str(target))
    assert ran.code == 0, ran.err
    assert json.loads(target.read_text())["@type"] == "LiveBlogPosting"
    assert "wrote" in ran.err and "4 posts quoted" in ran.err
    assert [p.name for p in target.parent.iterdir()] == ["page.jsonld"]  # no temp file left


def test_newsroom_template_keeps_autoescape(fixed_desk: Desk, tmp_path: Path) -> None:
    template = tmp_path / "ours.html"
    template.write_text(
        "<!DOCTYPE html><title>{{ pub.story.title }}</title>"
        "{% for post in posts %}<p>{{ post.paragraphs[0][0] }}</p>{% endfor %}\n"
    )
    ran = run_cli(fixed_desk.path, "export", "orvena", "-f", "html", "--template", str(template))
    assert ran.code == 0, ran.err
    assert "<title>Orvena dam &lt;live&gt; &amp; updates</title>" in ran.out
    assert "&lt;/blockquote&gt;&lt;script&gt;" in ran.out and "<script>" not in ran.out


def test_errors_are_one_line(fixed_desk: Desk, tmp_path: Path) -> None:
    ran = run_cli(fixed_desk.path, "export", "nope", "-f", "csv")
    assert (ran.code, ran.err) == (1, "desk: no story 'nope' (stories: orvena)\n")
    ran = run_cli(fixed_desk.path, "export", "orvena", "-f", "csv", "-o", str(fixed_desk.path))
    assert ran.code == 1 and "is the desk itself" in ran.err
    template = tmp_path / "t.html"
    template.write_text("x")
    ran = run_cli(fixed_desk.path, "export", "orvena", "-f", "md", "--template", str(template))
    assert ran.code == 1 and "--template is for --format html" in ran.err
    ran = run_cli(fixed_desk.path, "export", "orvena", "-f", "pdf")
    assert ran.code == 2


def test_no_desk_is_one_line_and_nothing_written(tmp_path: Path) -> None:
    missing = tmp_path / "missing.desk"
    target = tmp_path / "page.html"
    ran = run_cli(missing, "export", "orvena", "-f", "html", "-o", str(target))
    assert ran.code == 1 and "no desk here" in ran.err
    assert len(ran.err.strip().splitlines()) == 1
    assert not missing.exists() and not target.exists()
    empty = tmp_path / "empty.desk"
    empty.write_bytes(b"")
    ran = run_cli(empty, "export", "orvena", "-f", "csv")
    assert ran.code == 1 and "not a desk" in ran.err and empty.read_bytes() == b""


def test_a_broken_template_is_one_line(fixed_desk: Desk, tmp_path: Path) -> None:
    for body, what in (("{% for x in %}", "line 1"), ("{{ no_such_name.x }}", "no_such_name")):
        template = tmp_path / "broken.html"
        template.write_text(body)
        ran = run_cli(
            fixed_desk.path, "export", "orvena", "-f", "html", "--template", str(template)
        )
        assert ran.code == 1, ran.err
        assert ran.err.startswith(f"desk: {template}: ") and what in ran.err
        assert len(ran.err.strip().splitlines()) == 1
