"""Who is acting: `--as`, `$DESK_USER`, config `actor`, the OS user, in that order, everywhere.

The rule lives in `desk.identity.resolve_actor`; `desk.settings` feeds it
the config file's `actor`, and the CLI reads the same settings, so the
shell and the TUI (tests/tui/test_actor.py) always name the same person.
"""

from __future__ import annotations

import getpass
import json
from pathlib import Path

import pytest

from desk.errors import BadInputError
from desk.identity import os_user, resolve_actor
from desk.settings import load_settings


def _config(tmp_path: Path, body: str) -> Path:
    """Where `desk` looks under the test's XDG_CONFIG_HOME (see tests/conftest.py)."""
    path = tmp_path / "config" / "desk" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")
    return path


# -- the rule, level by level ---------------------------------------------------


def test_option_comes_first() -> None:
    assert resolve_actor("ann", config="carol", env={"DESK_USER": "dan"}) == "ann"


def test_desk_user_comes_second() -> None:
    assert resolve_actor(None, config="carol", env={"DESK_USER": "dan"}) == "dan"


def test_config_comes_third() -> None:
    assert resolve_actor(None, config="carol", env={}) == "carol"


def test_os_user_comes_last() -> None:
    assert resolve_actor(None, config=None, env={}) == os_user() == getpass.getuser()


def test_a_blank_desk_user_counts_as_unset() -> None:
    assert resolve_actor(None, config="carol", env={"DESK_USER": "  "}) == "carol"


@pytest.mark.parametrize("bad", ["", "   ", "bob\nmallory", "\x1b]0;X\x07", "x" * 65])
def test_a_bad_option_is_refused_naming_it(bad: str) -> None:
    with pytest.raises(BadInputError) as caught:
        resolve_actor(bad, config="carol", env={"DESK_USER": "dan"})
    message = str(caught.value)
    assert message.startswith("--as: ") and "\n" not in message and "\x1b" not in message


def test_a_bad_desk_user_is_refused_naming_it() -> None:
    with pytest.raises(BadInputError, match=r"^\$DESK_USER: bad name"):
        resolve_actor(None, env={"DESK_USER": "bob\nmallory"})


def test_settings_take_the_config_actor(tmp_path: Path) -> None:
    path = _config(tmp_path, 'actor = "carol"\n')
    assert load_settings(path, env={}).actor == "carol"
    assert load_settings(path, env={"DESK_USER": "dan"}).actor == "dan"
    assert load_settings(path, actor="ann", env={"DESK_USER": "dan"}).actor == "ann"


def test_a_bad_config_actor_is_a_problem_not_a_name(tmp_path: Path) -> None:
    path = _config(tmp_path, 'actor = "bob\\nmallory"\n')
    settings = load_settings(path, env={})
    assert settings.actor == os_user()
    assert len(settings.problems) == 1
    assert str(path) in settings.problems[0] and "`actor`" in settings.problems[0]


# -- the same rule from the command line -----------------------------------------


def _actors(run_desk) -> list[str]:  # type: ignore[no-untyped-def]
    result = run_desk("log", "--json")
    assert result.code == 0, result.err
    return [event["actor"] for event in json.loads(result.out)]


def test_cli_uses_the_config_actor(run_desk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _config(tmp_path, 'actor = "carol"\n')
    assert run_desk("init").code == 0
    no_env = {"DESK_USER": ""}
    assert run_desk("add", "--text", "one", env=no_env).code == 0
    assert run_desk("tag", "1", "+x", env={"DESK_USER": "dan"}).code == 0
    assert run_desk("--as", "ann", "tag", "1", "+y", env={"DESK_USER": "dan"}).code == 0
    assert run_desk("tag", "--actor", "fay", "1", "+z", env=no_env).code == 0
    assert _actors(run_desk) == ["carol", "dan", "ann", "fay"]


def test_cli_undo_is_the_config_actors(run_desk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _config(tmp_path, 'actor = "carol"\n')
    run_desk("init")
    assert run_desk("add", "--text", "one", env={"DESK_USER": ""}).code == 0
    assert run_desk("undo").code == 1  # DESK_USER=tester has nothing to undo
    assert run_desk("undo", env={"DESK_USER": ""}).code == 0


def test_cli_warns_of_a_bad_config_actor(run_desk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _config(tmp_path, 'actor = "bob\\nmallory"\n')
    run_desk("init")
    result = run_desk("add", "--text", "one", env={"DESK_USER": ""})
    assert result.code == 0
    assert "warning" in result.err and "`actor`" in result.err
    assert _actors(run_desk) == [os_user()]


@pytest.mark.parametrize(
    ("name", "expected"),
    [("   ", "no name given"), ("bob\nmallory", "bad name"), ("\x1b]0;X\x07", "no name given")],
)
@pytest.mark.parametrize("where", ["group", "command", "tui"])
def test_bad_names_are_refused_in_one_line(run_desk, name: str, expected: str, where: str) -> None:  # type: ignore[no-untyped-def]
    run_desk("init")
    run_desk("add", "--text", "one")
    args = {
        "group": ("--as", name, "tag", "1", "+x"),
        "command": ("tag", "--actor", name, "1", "+x"),
        "tui": ("--as", name),
    }[where]
    result = run_desk(*args)
    assert result.code == 1, (result.out, result.err)
    assert len(result.err.strip().splitlines()) == 1, result.err
    assert expected in result.err and "Traceback" not in result.err
    assert "\x1b" not in result.err + result.out and "\x07" not in result.err + result.out
    assert _actors(run_desk) == ["tester"]  # nothing was written under the bad name


class _FakeApp:
    def run(self) -> None:
        """The screen is not opened: the test wants the settings the CLI built."""


@pytest.mark.parametrize(
    ("argv", "env_user", "expected"),
    [([], None, "carol"), ([], "dan", "dan"), (["--as", "ann"], "dan", "ann")],
)
def test_desk_with_no_command_opens_the_tui_as_the_rule_says(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    env_user: str | None,
    expected: str,
) -> None:
    """The bug: the CLI resolved $DESK_USER/the OS user itself and passed it as if `--as` said it."""
    import desk.tui.app
    from db import Store
    from desk.cli import main
    from desk.settings import Settings

    desk_file = tmp_path / "t.desk"
    Store(desk_file, create=True).close()
    monkeypatch.setenv("DESK_CONFIG", str(_config(tmp_path, 'actor = "carol"\n')))
    if env_user is None:
        monkeypatch.delenv("DESK_USER", raising=False)
    else:
        monkeypatch.setenv("DESK_USER", env_user)
    opened: list[Settings] = []

    def fake_make_app(path: Path, settings: Settings, **_: object) -> _FakeApp:
        opened.append(settings)
        return _FakeApp()

    monkeypatch.setattr(desk.tui.app, "make_app", fake_make_app)
    main([*argv, "--desk", str(desk_file)])
    assert [s.actor for s in opened] == [expected]
