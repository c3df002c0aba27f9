"""Checklist templates: the built-ins, a desk's own from TOML (every bad file refused in one
line naming the file and the line), step states, and what logged states add up to."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desk import checklist_files, checklists
from desk.checklist_files import dump_template, example_path, load_template, parse_template
from desk.checklists import (
    BERKELEY_PROTOCOL,
    BUILTINS,
    DEFAULT_TEMPLATE,
    FIVE_PILLARS,
    MAX_FILE_BYTES,
    STEP_STATES,
    Row,
    Step,
    Tally,
    Template,
    missing_for_verified,
    normalise_state,
    switch,
    tally,
)
from desk.errors import BadInputError
from desk.vocab import PILLARS

GOOD = """\
name = "quote-check"
title = "Attributed quote"

[[step]]
id = "original"
title = "Original context"
guidance = "Find the full speech."

[[step]]
id = "translation"
title = "Translation"
required = false
"""

# Every character a terminal or a reader could be fooled by, as TOML escapes.
ANSI = "\\u001b[31m"
OSC8 = "\\u001b]8;;https://evil.example\\u001b\\\\"
OSC52 = "\\u001b]52;c;cm0gLXJmIH4=\\u0007"
BIDI = "\\u202e"
C1 = "\\u009b2J"


def _write(tmp_path: Path, data: bytes | str, name: str = "bad.toml") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def _refusal(path: Path) -> str:
    with pytest.raises(BadInputError) as caught:
        load_template(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: "), message
    assert "\n" not in message and "\x1b" not in message and "\x9b" not in message
    assert len(message) < 400, message
    return message


def _step(body: str) -> str:
    return f'name = "mine"\ntitle = "Mine"\n\n[[step]]\n{body}\n'


# --- built-ins -----------------------------------------------------------------------------


@pytest.mark.parametrize("template", list(BUILTINS.values()), ids=list(BUILTINS))
def test_builtins_are_well_formed(template: Template) -> None:
    assert template.source == "built-in"
    assert len(set(template.ids)) == len(template.ids)
    for step in template.steps:
        assert re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", step.id), step.id
        assert len(step.id) <= checklists.MAX_ID_CHARS
        assert step.title and step.title == step.title.strip()
        assert step.guidance, f"{step.id} has no guidance"
        assert len(step.guidance.splitlines()) <= 2, f"{step.id}: one or two lines"
        assert len(step.guidance) <= checklists.MAX_GUIDANCE_CHARS
    # What the loader would make of them, under another name, is the same template.
    text = dump_template(template).replace(f'"{template.name}"', '"copy"', 1)
    again = parse_template(text, source="copy.toml")
    assert again.steps == template.steps and again.title == template.title


def test_the_default_is_the_five_pillars_all_required() -> None:
    assert DEFAULT_TEMPLATE is FIVE_PILLARS and FIVE_PILLARS.name == "five-pillars"
    # The same ids the store has logged steps under until now, so no item's work is orphaned.
    assert FIVE_PILLARS.ids == PILLARS
    assert all(step.required for step in FIVE_PILLARS.steps)
    assert FIVE_PILLARS.pairs()[0] == ("provenance", "Provenance")


def test_berkeley_protocol_has_its_six_phases_in_order() -> None:
    assert BERKELEY_PROTOCOL.name == "berkeley-protocol"
    assert BERKELEY_PROTOCOL.ids == (
        "online-inquiry",
        "preliminary-assessment",
        "collection",
        "preservation",
        "verification",
        "investigative-analysis",
    )
    required = {s.id for s in BERKELEY_PROTOCOL.steps if s.required}
    assert required == {"preliminary-assessment", "collection", "preservation", "verification"}


def test_the_example_file_loads_and_ships_inside_the_package() -> None:
    path = example_path()
    assert path.is_file() and Path(checklists.__file__).parent in path.parents
    template = load_template(path)
    assert template.name == "quote-check" and template.name not in BUILTINS
    assert template.source == str(path)
    assert [s.required for s in template.steps] == [True, True, True, False, False]
    assert template.steps[0].guidance.count("\n") == 1  # a multi-line string, trimmed
    assert parse_template(dump_template(template), source="x").steps == template.steps


@pytest.mark.parametrize(
    ("module", "allowed"),
    [
        (checklists, {"desk.errors", "desk.text"}),
        (checklist_files, {"desk.errors", "desk.text", "desk.checklists"}),
    ],
    ids=["checklists", "checklist_files"],
)
def test_the_modules_are_pure(module: ModuleType, allowed: set[str]) -> None:
    """Only the standard library, desk.text and desk.errors (and the templates, for the file
    reader): the store, verbs, CLI and panes build on them, so they may import none of those
    (nor Textual or Rich)."""
    assert module.__file__ is not None
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    names = {
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    outside = {n for n in names if n and n.split(".")[0] not in sys.stdlib_module_names}
    assert outside <= allowed, outside


# --- a good file ---------------------------------------------------------------------------


def test_a_good_file(tmp_path: Path) -> None:
    template = load_template(_write(tmp_path, GOOD, "mine.toml"))
    assert template == Template(
        name="quote-check",
        title="Attributed quote",
        steps=(
            Step("original", "Original context", "Find the full speech.", True),
            Step("translation", "Translation", "", False),
        ),
        source=str(tmp_path / "mine.toml"),
    )


def test_required_defaults_to_true() -> None:
    (step,) = parse_template(_step('id = "a"\ntitle = "A"')).steps
    assert step.required is True


def test_a_utf8_bom_and_crlf_line_ends_are_fine(tmp_path: Path) -> None:
    data = b"\xef\xbb\xbf" + GOOD.replace("\n", "\r\n").encode()
    assert load_template(_write(tmp_path, data)).name == "quote-check"


def test_inline_step_tables_are_steps_too() -> None:
    text = 'name = "x"\ntitle = "X"\nstep = [{id = "a", title = "A"}, {id = "b", title = "B"}]\n'
    assert parse_template(text).ids == ("a", "b")


def test_hostile_text_is_cleaned_and_markup_stays_text(tmp_path: Path) -> None:
    text = _step(
        'id = "a"\n'
        f'title = "{ANSI}Red{OSC8}link{OSC52} [bold red]x[/] {BIDI}txet{C1}"\n'
        f'guidance = "line one{ANSI}\\nline two\\u0000\\u2067!"'
    ).replace('title = "Mine"', f'title = "Mine{OSC52}\\tnow"')
    template = load_template(_write(tmp_path, text))
    (step,) = template.steps
    assert template.title == "Mine now"
    assert step.title == "Redlink [bold red]x[/] txet"
    assert step.guidance == "line one\nline two!"
    everything = template.title + step.title + step.guidance
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", everything)


# --- every bad file, refused in one line naming the file (and the line where known) ----------


BAD_FILES: list[tuple[str, bytes | str, list[str]]] = [
    ("zero bytes", b"", ["empty"]),
    ("blank", "\n\n  \n", ["empty"]),
    ("comments only", "# nothing here\n", ["no template in it"]),
    (
        "truncated string",
        GOOD[: GOOD.index("Translation") + 5],
        ["line 11, at the end (cut off?)", "not TOML: unterminated string"],
    ),
    ("truncated at the end", 'name = "x"\ntitle = ', ["at the end", "not TOML"]),
    ("not TOML at all", "<html><body>oops</body></html>", ["line 1, column 1", "not TOML"]),
    ("a table declared twice", GOOD + "[step]\n", ["line 13, column 6", "not TOML"]),
    ("latin-1", GOOD.replace("speech", "d\xe9claration").encode("latin-1"), ["line 7", "UTF-8"]),
    ("utf-16", GOOD.encode("utf-16"), ["UTF-16", "UTF-8"]),
    ("a NUL byte", GOOD.replace("speech", "spe\x00ech"), ["line 7", "not TOML"]),
    ("huge", "# " + "x" * MAX_FILE_BYTES + "\n" + GOOD, ["over 256 KB"]),
    (
        "huge integer",
        _step('id = "a"\ntitle = "A"\nrequired = ' + "9" * 5000),
        ["line 7", "number"],
    ),
    ("huge float", _step('id = "a"\ntitle = "A"\nrequired = 1e99999'), ["line 7", "not a number"]),
    ("deep nesting", "a = " + "[" * 20000 + "]" * 20000, ["nested too deeply"]),
    ("no name", 'title = "T"\n[[step]]\nid = "a"\ntitle = "A"\n', ["no 'name'"]),
    ("no title", 'name = "t"\n[[step]]\nid = "a"\ntitle = "A"\n', ["no 'title'"]),
    ("no steps", 'name = "t"\ntitle = "T"\n', ["no steps"]),
    ("empty steps", 'name = "t"\ntitle = "T"\nstep = []\n', ["no steps"]),
    (
        "step not a table",
        'name = "t"\ntitle = "T"\nstep = 3\n',
        ["line 3", "[[step]] tables", "whole number"],
    ),
    ("steps, plural", 'name = "t"\ntitle = "T"\n[[steps]]\nid = "a"\n', ["line 3", "'steps'"]),
    (
        "unknown key",
        GOOD.replace("required", "requird"),
        ["line 12", "step 2 (translation)", "'requird'", "did you mean 'required'"],
    ),
    ("unknown top key", "titel = 'x'\n" + GOOD, ["line 1", "the template", "'titel'", "'title'"]),
    (
        "a sub-table in a step",
        GOOD + "[step.more]\nx = 1\n",
        ["line 13", "step 2 (translation)", "unknown key 'more'"],
    ),
    (
        "duplicate ids",
        GOOD.replace('"translation"', '"original"'),
        ["line 10", "step 2", "'original'", "already step 1's"],
    ),
    (
        "id with capitals",
        _step('id = "Date"\ntitle = "D"'),
        ["line 5", "step 1", "'Date'", "lower-case"],
    ),
    (
        "id with a digit first",
        _step('id = "5w"\ntitle = "D"'),
        ["line 5", "'5w'", "starting with a letter"],
    ),
    ("id with a space", _step('id = "the date"\ntitle = "D"'), ["line 5", "'the date'"]),
    ("id with an underscore", _step('id = "the_date"\ntitle = "D"'), ["line 5", "'the_date'"]),
    ("id too long", _step(f'id = "{"a" * 33}"\ntitle = "D"'), ["line 5", "up to 32"]),
    ("empty id", _step('id = ""\ntitle = "D"'), ["line 5", "bad id ''"]),
    (
        "id with an escape",
        _step(f'id = "a{ANSI}b"\ntitle = "D"'),
        ["line 5", "bad id 'a\\x1b[31mb'"],
    ),
    (
        "id with a bidi override",
        _step(f'id = "ab{BIDI}"\ntitle = "D"'),
        ["line 5", "bad id 'ab\\u202e'"],
    ),
    (
        "id a number",
        _step('id = 7\ntitle = "D"'),
        ["line 5", "'id' must be text, not a whole number"],
    ),
    ("no id", _step('title = "D"'), ["line 4", "step 1", "no 'id'"]),
    ("no step title", _step('id = "a"'), ["line 4", "step 1 (a)", "no 'title'"]),
    (
        "title a list",
        _step('id = "a"\ntitle = ["A"]'),
        ["line 6", "'title' must be text, not a list"],
    ),
    (
        "title only escapes",
        _step(f'id = "a"\ntitle = "{ANSI}{OSC52}"'),
        ["line 6", "the title is empty"],
    ),
    (
        "title too long",
        _step('id = "a"\ntitle = "' + "t" * 121 + '"'),
        ["line 6", "121 characters"],
    ),
    (
        "guidance too long",
        _step('id = "a"\ntitle = "A"\nguidance = "' + "g " * 600 + '"'),
        ["line 7", "a line or two"],
    ),
    (
        "guidance a date",
        _step('id = "a"\ntitle = "A"\nguidance = 2024-01-01'),
        ["line 7", "date or time"],
    ),
    (
        "required a string",
        _step('id = "a"\ntitle = "A"\nrequired = "yes"'),
        ["line 7", "true or false, not text"],
    ),
    (
        "required a number",
        _step('id = "a"\ntitle = "A"\nrequired = 1'),
        ["line 7", "true or false, not a whole number"],
    ),
    (
        "a built-in's name",
        GOOD.replace("quote-check", "five-pillars"),
        ["line 1", "'five-pillars' is a built-in"],
    ),
    (
        "a name not a slug",
        GOOD.replace("quote-check", "Quote check!"),
        ["line 1", "bad name 'Quote check!'"],
    ),
    (
        "a line separator before the error",
        _step('id = "a"\ntitle = "A"\nguidance = "one\u2028two\\u000b"\nrequird = 1'),
        ["line 8", "'requird'"],
    ),
    (
        "a hostile unknown key",
        f'"{OSC52}x" = 1\n' + GOOD,
        ["unknown key '\\x1b]52;c;cm0gLXJmIH4=\\x07x'"],
    ),
    (
        "too many steps",
        'name = "t"\ntitle = "T"\n'
        + "".join(f'[[step]]\nid = "s{i}"\ntitle = "S"\n' for i in range(51)),
        ["51 steps", "50"],
    ),
]


@pytest.mark.parametrize(
    ("data", "expected"), [c[1:] for c in BAD_FILES], ids=[c[0] for c in BAD_FILES]
)
def test_a_bad_file_is_refused_naming_the_file_and_line(
    tmp_path: Path, data: bytes | str, expected: list[str]
) -> None:
    message = _refusal(_write(tmp_path, data))
    for fragment in expected:
        assert fragment in message, f"{fragment!r} not in {message!r}"


def test_no_line_is_claimed_when_headers_and_steps_disagree() -> None:
    # A `[[step]]` line inside a multi-line string: the scan cannot tell which line is which.
    text = _step(
        'id = "a"\ntitle = "A"\nguidance = """\n[[step]]\n"""\n[[step]]\nid = "A"\ntitle = "B"'
    )
    with pytest.raises(BadInputError) as caught:
        parse_template(text, source="odd.toml")
    assert str(caught.value).startswith("odd.toml: step 2: bad id 'A'")


def test_a_file_that_cannot_be_read(tmp_path: Path) -> None:
    for path in (tmp_path / "absent.toml", tmp_path):
        with pytest.raises(BadInputError, match=r"cannot read it") as caught:
            load_template(path)
        assert str(caught.value).startswith(f"{path}: ")


def test_a_hostile_file_name_is_cleaned_in_the_error(tmp_path: Path) -> None:
    with pytest.raises(BadInputError) as caught:
        parse_template(b"", source="evil\x1b]52;c;eA==\x07.toml")
    assert str(caught.value).startswith("evil.toml: empty")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_any_text_is_a_template_or_a_clear_refusal(
    tmp_path_factory: pytest.TempPathFactory, text: str
) -> None:
    path = tmp_path_factory.getbasetemp() / "fuzz.toml"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    try:
        template = load_template(path)
    except BadInputError as exc:
        assert str(exc).startswith(f"{path}: ")
    else:
        assert template.steps


_TOP_LINES = [
    'name = "t"',
    'name = "five-pillars"',
    "name = 5",
    'title = "T"',
    "title = ''",
    "titel = 'T'",
    "step = []",
    "# comment",
]
_STEP_LINES = [
    'id = "a"',
    'id = "b"',
    'id = "A"',
    "id = 1",
    'title = "A"',
    f'title = "{ANSI}"',
    "title = [1, [2]]",
    'guidance = "g"',
    'guidance = """\n[[step]]\n"""',
    "required = true",
    "required = false",
    "requird = false",
    "required = 9999999999999999999999999",
    "required = nan",
    "[step.sub]",
    "[steps]",
    "",
]


@st.composite
def _template_texts(draw: st.DrawFn) -> str:
    """Mostly well-formed templates with a few wrong lines in them: the semantic checks' input."""
    top = draw(st.lists(st.sampled_from(_TOP_LINES), max_size=3, unique=True))
    lines = ['name = "t"', 'title = "T"'] if draw(st.booleans()) else top
    for _ in range(draw(st.integers(0, 4))):
        lines.append("[[step]]")
        body = draw(st.lists(st.sampled_from(_STEP_LINES), max_size=4, unique=True))
        lines += (
            body if draw(st.booleans()) else [f'id = "s{len(lines)}"', 'title = "S"', *body[:1]]
        )
    return "\n".join(lines)


@settings(max_examples=500, deadline=None)
@given(_template_texts())
def test_any_mix_of_template_lines_is_a_template_or_a_clear_refusal(text: str) -> None:
    try:
        template = parse_template(text, source="mix.toml")
    except BadInputError as exc:
        assert str(exc).startswith("mix.toml: ") and "\n" not in str(exc)
    else:
        assert template.name == "t" and template.steps
        assert parse_template(dump_template(template), source="again").steps == template.steps


# --- states ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "state"),
    [
        ("open", "open"),
        ("o", "open"),
        ("passed", "passed"),
        (" Passed ", "passed"),
        ("p", "passed"),
        ("P", "passed"),
        ("failed", "failed"),
        ("f", "failed"),
        ("unclear", "unclear"),
        ("u", "unclear"),
        ("n/a", "n/a"),
        ("N/A", "n/a"),
        ("na", "n/a"),
        ("NA", "n/a"),
        ("n-a", "n/a"),
        ("n_a", "n/a"),
        ("n.a.", "n/a"),
        ("n / a", "n/a"),
        ("not applicable", "n/a"),
        ("Not-Applicable", "n/a"),
        ("n", "n/a"),
    ],
)
def test_normalise_state(typed: str, state: str) -> None:
    assert normalise_state(typed) == state


@pytest.mark.parametrize(
    "typed", ["", "done", "pass", "x", "yes", "passed!", "nope", "open-ish", "\x1b[31mpassed"]
)
def test_normalise_state_refuses_the_rest(typed: str) -> None:
    with pytest.raises(BadInputError) as caught:
        normalise_state(typed)
    message = str(caught.value)
    assert message.startswith("bad step state ") and "\x1b" not in message
    assert "open, passed, failed, unclear, n/a" in message and "p f u n o" in message


def test_states_and_letters() -> None:
    assert STEP_STATES == ("open", "passed", "failed", "unclear", "n/a")
    assert {checklists.LETTER_OF_STATE[s] for s in STEP_STATES} == set("opfun")


# --- tally, summary, the verified gate, switching -------------------------------------------

P = FIVE_PILLARS

TALLIES: list[tuple[dict[str, str], Tally, str, list[str]]] = [
    (
        {},
        Tally(open=5),
        "5 open",
        [f"{s} (open)" for s in PILLARS],
    ),
    (
        {"provenance": "passed", "source": "passed", "date": "unclear", "motivation": "passed"},
        Tally(passed=3, unclear=1, open=1),
        "3 passed · 1 unclear · 1 open",
        ["date (unclear)", "location (open)"],
    ),
    (
        dict.fromkeys(PILLARS, "unclear"),
        Tally(unclear=5),
        "5 unclear",
        [f"{s} (unclear)" for s in PILLARS],
    ),
    (
        {"provenance": "passed", "source": "n/a", "date": "passed", "location": "passed"}
        | {"motivation": "passed"},
        Tally(passed=4, na=1),
        "4 passed · 1 n/a",
        [],
    ),
    (
        {"provenance": "failed", "source": "open", "date": "n/a", "location": "passed"}
        | {"motivation": "unclear", "weather": "passed"},
        Tally(passed=1, failed=1, unclear=1, na=1, open=1, extra=1),
        "1 passed · 1 failed · 1 unclear · 1 n/a · 1 open",
        ["provenance (failed)", "source (open)", "motivation (unclear)"],
    ),
    (
        {"collection": "passed", "weather": "failed"},
        Tally(open=5, extra=2),
        "5 open",
        [f"{s} (open)" for s in PILLARS],
    ),
]


@pytest.mark.parametrize(("states", "counts", "summary", "missing"), TALLIES)
def test_tally_summary_and_the_verified_gate(
    states: dict[str, str], counts: Tally, summary: str, missing: list[str]
) -> None:
    got = tally(states, P)
    assert got == counts
    assert got.summary() == summary
    assert got.total == len(P.steps)
    assert missing_for_verified(states, P) == missing


def test_only_required_steps_hold_up_verified() -> None:
    states = {"preliminary-assessment": "passed", "collection": "n/a", "preservation": "passed"}
    assert missing_for_verified(states, BERKELEY_PROTOCOL) == ["verification (open)"]
    states["verification"] = "passed"
    assert missing_for_verified(states, BERKELEY_PROTOCOL) == []  # online inquiry etc. are open
    assert tally(states, BERKELEY_PROTOCOL).summary() == "3 passed · 1 n/a · 2 open"


def test_an_unknown_logged_state_is_an_error_never_passed() -> None:
    bad = {"date": "PASSED"}
    for call in (
        lambda: tally(bad, P),
        lambda: missing_for_verified(bad, P),
        lambda: switch(bad, P, P),
    ):
        with pytest.raises(BadInputError, match=r"step 'date' has an unknown state 'PASSED'"):
            call()


def test_an_empty_tally() -> None:
    assert Tally().summary() == "no steps"
    assert tally({}, Template("none", "None", (), "test")) == Tally()


def _rows(rows: tuple[Row, ...]) -> list[tuple[str, str, bool]]:
    return [(r.step.id, r.state, r.extra) for r in rows]


SMALL = Template(
    "small",
    "Small",
    (Step("source", "Who?", "", True), Step("weather", "Weather", "", False)),
    "test",
)

SWITCHES: list[tuple[str, dict[str, str], Template, Template, list[tuple[str, str, bool]]]] = [
    (
        "nothing logged",
        {},
        P,
        BERKELEY_PROTOCOL,
        [(s, "open", False) for s in BERKELEY_PROTOCOL.ids],
    ),
    (
        "same template",
        {"date": "passed"},
        P,
        P,
        [(s, "passed" if s == "date" else "open", False) for s in PILLARS],
    ),
    (
        "shared ids keep their state, the rest become extras in the old order",
        {"motivation": "unclear", "source": "passed", "date": "failed"},
        P,
        SMALL,
        [
            ("source", "passed", False),
            ("weather", "open", False),
            ("date", "failed", True),
            ("motivation", "unclear", True),
        ],
    ),
    (
        "a reopened step was logged: it is kept",
        {"location": "open"},
        P,
        SMALL,
        [("source", "open", False), ("weather", "open", False), ("location", "open", True)],
    ),
    (
        "steps from an earlier template still are kept, after the old template's",
        {"collection": "passed", "provenance": "n/a", "preservation": "failed"},
        P,
        SMALL,
        [
            ("source", "open", False),
            ("weather", "open", False),
            ("provenance", "n/a", True),
            ("collection", "passed", True),
            ("preservation", "failed", True),
        ],
    ),
    (
        "and back again: nothing lost",
        {"source": "passed", "weather": "unclear", "date": "failed"},
        SMALL,
        P,
        [
            ("provenance", "open", False),
            ("source", "passed", False),
            ("date", "failed", False),
            ("location", "open", False),
            ("motivation", "open", False),
            ("weather", "unclear", True),
        ],
    ),
]


@pytest.mark.parametrize(
    ("states", "old", "new", "expected"), [c[1:] for c in SWITCHES], ids=[c[0] for c in SWITCHES]
)
def test_switching_template_loses_no_logged_step(
    states: dict[str, str], old: Template, new: Template, expected: list[tuple[str, str, bool]]
) -> None:
    rows = switch(states, old, new)
    assert _rows(rows) == expected
    assert {r.step.id for r in rows} >= set(states)  # every logged step is still there
    # The extras neither count in the tally nor hold up `verified`.
    assert tally(states, new).total == len(new.steps)
    assert tally(states, new).extra == sum(r.extra for r in rows)


def test_extras_keep_the_old_templates_wording() -> None:
    rows = switch({"date": "passed"}, P, SMALL)
    assert rows[-1] == Row(P.steps[2], "passed", extra=True)
    orphan = switch({"collection": "passed"}, P, SMALL)[-1]
    assert orphan.step == Step("collection", "collection", "", False) and orphan.extra


def test_checklist_is_the_template_then_extras() -> None:
    rows = checklists.checklist({"weather": "passed", "date": "n/a"}, P)
    assert _rows(rows)[-2:] == [("motivation", "open", False), ("weather", "passed", True)]
    assert rows[2].state == "n/a"
