"""Checklist template files: the TOML a desk's own template is written in, read and written back.

A template file is untrusted input (a colleague's, or downloaded), so
everything in it is checked or cleaned here, once, before it can reach the
store or a terminal: its size, its encoding, its TOML, every key (with a
"did you mean" for a near miss), every id, title and guidance, each refusal
one line naming the file and, where it is known, the line. The templates
themselves, the built-in ones and what logged states add up to live in
`desk.checklists`; this module only turns text into a `Template` and back.

Pure like `desk.checklists`: the standard library, `desk.text`,
`desk.errors` and `desk.checklists` only.
"""

from __future__ import annotations

import difflib
import json
import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from os import PathLike
from pathlib import Path
from typing import Any

from desk.checklists import (
    BUILTINS,
    DEFAULT_TEMPLATE,
    MAX_FILE_BYTES,
    MAX_GUIDANCE_CHARS,
    MAX_ID_CHARS,
    MAX_NAME_CHARS,
    MAX_STEPS,
    MAX_TITLE_CHARS,
    Step,
    Template,
    shown,
)
from desk.errors import BadInputError
from desk.text import clean_line, clean_text, truncate

# Ids start with a letter so that `desk check ID STEP` never confuses a step with an item id;
# they are refused rather than rewritten, since a silently changed id is a different step.
_SLUG_RE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
_SLUG_RULE = "lower-case letters, digits and single hyphens, starting with a letter"
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_TOML_AT_END = re.compile(r"\s*\(at end of document\)\s*$")
_STEP_HEADER = re.compile(r"^\s*\[\[\s*step\s*\]\]")
_TABLE_HEADER = re.compile(r"^\s*\[")
_LONG_NUMBER = re.compile(r"[0-9_]{4000,}")
_TEMPLATE_KEYS = ("name", "title", "step")
_STEP_KEYS = ("id", "title", "guidance", "required")


# --- reading a template file ---------------------------------------------------------------


def load_template(path: str | PathLike[str]) -> Template:
    """Read a desk's own template from a TOML file; see `parse_template` for the format.

    Refused with one line naming the file (and the line where it is known)
    if the file cannot be read, is over `MAX_FILE_BYTES`, is not UTF-8, is
    not TOML, or is not a template.
    """
    where = clean_line(str(path)) or "(no name)"
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise BadInputError(f"{where}: cannot read it ({exc.strerror or exc})") from None
    return parse_template(data, source=where)


def parse_template(data: bytes | str, source: str = "(template)") -> Template:
    """A template from the text of a TOML file; `source` names it in errors and in `Template`.

    The format::

        # A desk's own checklist template.
        name = "quote-check"        # a slug (lower-case letters, digits, hyphens), unique:
                                    # not a built-in's name (five-pillars, berkeley-protocol)
        title = "Attributed quote"  # one line, shown in `desk template ls`

        [[step]]                    # one table per step, in the order they are worked
        id = "context"              # a slug, unique in the file: what `desk check ID STEP` takes
        title = "Original context"  # one line
        guidance = '''
        Find the full speech or interview, not the clip.
        '''                         # optional: a line or two on how to check it
        required = true             # optional, default true: `verified` waits for it

    Keys are checked, not skimmed: an unknown key (`requird = false`) is
    refused and named, since a typo that silently made a step optional
    would weaken the `verified` gate. `required` defaults to true for the
    same reason. Titles and guidance are cleaned (`desk.text.clean_line`,
    `clean_text`: escape sequences, controls and bidi overrides go; Rich
    markup stays as the plain text it is, and the display never parses
    it); ids and names are refused unless they are slugs, because they are
    stored and typed back and a cleaned id would be a different step.
    """
    where = clean_line(source) or "(template)"
    text = _decode(data, where)
    doc = _parse_toml(text, where)
    lines = text.split("\n")  # as tomllib counts lines (not splitlines: \u2028 is no break)
    if not doc:
        raise BadInputError(
            f"{where}: no template in it: give a name, a title and at least one [[step]]"
        )
    _check_keys(
        doc,
        _TEMPLATE_KEYS,
        where,
        "the template",
        lambda key: _top_line(lines, key) or _header_line(lines, key),
    )
    name = _slug(doc, "name", where, "the template", MAX_NAME_CHARS, _top_line(lines, "name"))
    if name in BUILTINS:
        raise BadInputError(
            f"{where}: {_at(_top_line(lines, 'name'))}the name {name!r} is a built-in template's:"
            " choose another"
        )
    title = _line_field(doc, "title", where, "the template", _top_line(lines, "title"))
    raw_steps = doc.get("step")
    if raw_steps is None:
        raise BadInputError(f"{where}: no steps: add at least one [[step]] table")
    if not isinstance(raw_steps, list) or not all(isinstance(s, dict) for s in raw_steps):
        raise BadInputError(
            f"{where}: {_at(_top_line(lines, 'step'))}'step' must be [[step]] tables, not"
            f" {_kind(raw_steps)}"
        )
    if not raw_steps:
        raise BadInputError(f"{where}: no steps: add at least one [[step]] table")
    if len(raw_steps) > MAX_STEPS:
        raise BadInputError(
            f"{where}: {len(raw_steps)} steps; a template holds at most {MAX_STEPS}"
        )
    spans = _step_spans(lines, len(raw_steps))
    steps: list[Step] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(raw_steps, start=1):
        step = _step(raw, number, where, lines, spans[number - 1] if spans else None)
        if step.id in seen:
            line = _key_line(lines, "id", *spans[number - 1]) if spans else None
            raise BadInputError(
                f"{where}: {_at(line)}step {number}: the id {step.id!r} is already"
                f" step {seen[step.id]}'s: each step needs its own id"
            )
        seen[step.id] = number
        steps.append(step)
    return Template(name=name, title=title, steps=tuple(steps), source=where)


def _decode(data: bytes | str, where: str) -> str:
    if isinstance(data, str):
        if len(data.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
            raise _too_big(where)
        return data.removeprefix("\ufeff")
    if len(data) > MAX_FILE_BYTES:
        raise _too_big(where)
    if not data.strip():
        raise BadInputError(
            f"{where}: empty: a template needs a name, a title and at least one [[step]]"
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BadInputError(f"{where}: UTF-16 text, not UTF-8: save it as UTF-8")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise BadInputError(
            f"{where}: line {line}: not UTF-8 text (byte 0x{data[exc.start]:02x}): save it as UTF-8"
        ) from None


def _too_big(where: str) -> BadInputError:
    return BadInputError(
        f"{where}: over {MAX_FILE_BYTES // 1024} KB: a template is a few dozen lines,"
        " is this the right file?"
    )


def _parse_toml(text: str, where: str) -> dict[str, Any]:
    if not text.strip():
        raise BadInputError(
            f"{where}: empty: a template needs a name, a title and at least one [[step]]"
        )
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise BadInputError(f"{where}: {_toml_message(str(exc), text)}") from None
    except RecursionError:
        raise BadInputError(f"{where}: not a template: values nested too deeply") from None
    except ValueError as exc:
        # tomllib lets int()'s own refusal through: an integer of over 4300 digits.
        found = _LONG_NUMBER.search(text)
        if found is None:
            raise BadInputError(f"{where}: not TOML: {shown(str(exc), 120)}") from None
        line = text.count("\n", 0, found.start()) + 1
        raise BadInputError(f"{where}: line {line}: a number too long to read") from None


def _toml_message(message: str, text: str) -> str:
    """tomllib's `Invalid value (at line 3, column 7)` -> `line 3, column 7: not TOML: invalid
    value`: the place first, as every error of desk's that names a line."""
    found = _TOML_POSITION.search(message)
    if found:
        what = message[: found.start()]
        where = f"line {found.group(1)}, column {found.group(2)}: "
    else:
        ended = _TOML_AT_END.search(message)
        what = message[: ended.start()] if ended else message
        last = text.rstrip("\n").count("\n") + 1
        cut = what.lower().startswith(("unterminated", "invalid value", "expected"))
        where = f"line {last}, at the end{' (cut off?)' if cut else ''}: " if ended else ""
    what = truncate(clean_line(what), 120)
    return f"{where}not TOML: {what[:1].lower()}{what[1:]}"


def _at(line: int | None) -> str:
    return f"line {line}: " if line else ""


def _kind(value: object) -> str:
    """What a TOML value is, in the words of the format (never the value: it may be huge)."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return "text"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return "a date or time"


# Where things are in the file. tomllib gives no positions for what it parsed, so lines are
# found by scanning: `[[step]]` headers and `key =` lines. When the headers do not match the
# steps one for one (inline tables, a header inside a multi-line string), no line is claimed.


def _first_table(lines: Sequence[str]) -> int:
    return next((i for i, line in enumerate(lines) if _TABLE_HEADER.match(line)), len(lines))


def _step_spans(lines: Sequence[str], count: int) -> list[tuple[int, int]] | None:
    starts = [i for i, line in enumerate(lines) if _STEP_HEADER.match(line)]
    if len(starts) != count:
        return None
    ends = [
        next((j for j in range(s + 1, len(lines)) if _TABLE_HEADER.match(lines[j])), len(lines))
        for s in starts
    ]
    return list(zip(starts, ends, strict=True))


def _key_line(lines: Sequence[str], key: str, start: int, end: int) -> int | None:
    """The line of `key = ...` between `start` and `end` (0-based), 1-based; None if not found."""
    pattern = re.compile(rf"""^\s*(?:{re.escape(key)}|"{re.escape(key)}"|'{re.escape(key)}')\s*=""")
    return next((i + 1 for i in range(start, end) if pattern.match(lines[i])), None)


def _header_line(lines: Sequence[str], dotted: str, start: int = 0) -> int | None:
    """The line of a `[dotted]` or `[[dotted]]` header from `start` on, 1-based."""
    parts = r"\s*\.\s*".join(re.escape(p) for p in dotted.split("."))
    pattern = re.compile(rf"^\s*\[\[?\s*{parts}\s*\]")
    return next((i + 1 for i in range(start, len(lines)) if pattern.match(lines[i])), None)


def _top_line(lines: Sequence[str], key: str) -> int | None:
    found = _key_line(lines, key, 0, _first_table(lines))
    if found is None and key == "step":
        found = next((i + 1 for i, line in enumerate(lines) if _STEP_HEADER.match(line)), None)
    return found


# Checking what was parsed.


def _check_keys(
    table: Mapping[str, object],
    allowed: Sequence[str],
    where: str,
    what: str,
    locate: Callable[[str], int | None],
) -> None:
    """Refuse the first key not in `allowed`, naming it (and the allowed key it is closest to)."""
    for key in table:
        if key in allowed:
            continue
        close = difflib.get_close_matches(key, allowed, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        if what == "the template" and key == "steps":
            hint = "steps are [[step]] tables; "
        raise BadInputError(
            f"{where}: {_at(locate(key))}{what}: unknown key {shown(key)}"
            f" ({hint}the keys are {', '.join(allowed)})"
        )


def _text(table: Mapping[str, object], key: str, where: str, what: str, line: int | None) -> str:
    value = table.get(key)
    if value is None:
        raise BadInputError(f"{where}: {_at(line)}{what}: no {key!r}")
    if not isinstance(value, str):
        raise BadInputError(f"{where}: {_at(line)}{what}: {key!r} must be text, not {_kind(value)}")
    return value


def _slug(
    table: Mapping[str, object], key: str, where: str, what: str, limit: int, line: int | None
) -> str:
    value = _text(table, key, where, what, line)
    if len(value) > limit or not _SLUG_RE.match(value):
        raise BadInputError(
            f"{where}: {_at(line)}{what}: bad {key} {shown(value)}: use {_SLUG_RULE}"
            f" (up to {limit} characters)"
        )
    return value


def _line_field(
    table: Mapping[str, object], key: str, where: str, what: str, line: int | None
) -> str:
    value = clean_line(_text(table, key, where, what, line))
    if not value:
        raise BadInputError(f"{where}: {_at(line)}{what}: the {key} is empty")
    if len(value) > MAX_TITLE_CHARS:
        raise BadInputError(
            f"{where}: {_at(line)}{what}: the {key} is {len(value)} characters;"
            f" keep it to {MAX_TITLE_CHARS}"
        )
    return value


def _step(
    raw: Mapping[str, object],
    number: int,
    where: str,
    lines: Sequence[str],
    span: tuple[int, int] | None,
) -> Step:
    def line(key: str) -> int | None:
        return _key_line(lines, key, *span) if span else None

    def key_or_table(key: str) -> int | None:
        return (line(key) or _header_line(lines, f"step.{key}", span[0])) if span else None

    what = f"step {number}"
    named = raw.get("id")
    if isinstance(named, str) and len(named) <= MAX_ID_CHARS and _SLUG_RE.match(named):
        what = f"step {number} ({named})"
    _check_keys(raw, _STEP_KEYS, where, what, key_or_table)
    step_id = _slug(
        raw, "id", where, what, MAX_ID_CHARS, line("id") or (span[0] + 1 if span else None)
    )
    what = f"step {number} ({step_id})"
    title = _line_field(raw, "title", where, what, line("title") or (span[0] + 1 if span else None))
    guidance = ""
    if "guidance" in raw:
        guidance = clean_text(_text(raw, "guidance", where, what, line("guidance")))
        if len(guidance) > MAX_GUIDANCE_CHARS:
            raise BadInputError(
                f"{where}: {_at(line('guidance'))}{what}: the guidance is {len(guidance)}"
                f" characters; keep it to a line or two (up to {MAX_GUIDANCE_CHARS})"
            )
    required = raw.get("required", True)
    if not isinstance(required, bool):
        raise BadInputError(
            f"{where}: {_at(line('required'))}{what}: 'required' must be true or false,"
            f" not {_kind(required)}"
        )
    return Step(id=step_id, title=title, guidance=guidance, required=required)


def dump_template(template: Template) -> str:
    """The TOML text `parse_template` reads back as the same template (for show, and storing)."""

    def quoted(text: str) -> str:
        # A JSON string is a TOML basic string, but for DEL, which TOML wants escaped (and
        # ensure_ascii would write astral characters as surrogate pairs, which TOML refuses).
        return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")

    out = [f"name = {quoted(template.name)}", f"title = {quoted(template.title)}"]
    for step in template.steps:
        out += ["", "[[step]]", f"id = {quoted(step.id)}", f"title = {quoted(step.title)}"]
        if step.guidance:
            out.append(f"guidance = {quoted(step.guidance)}")
        out.append(f"required = {'true' if step.required else 'false'}")
    return "\n".join(out) + "\n"


def resolve(name: str | None, stored: str | None = None) -> Template:
    """The template called `name` (None: the default), from the built-ins or from `stored`,
    the TOML text a desk keeps for its own; a name with neither is refused, naming it."""
    if name is None:
        return DEFAULT_TEMPLATE
    if name in BUILTINS:
        return BUILTINS[name]
    if stored is None:
        raise BadInputError(
            f"no checklist template {shown(name)}: see desk template ls"
            f" (built in: {', '.join(BUILTINS)})"
        )
    return parse_template(stored, source=f"template {name}")


def example_path() -> Path:
    """The example template shipped with desk (`desk/data/checklists/example.toml`)."""
    return Path(__file__).resolve().parent / "data" / "checklists" / "example.toml"
