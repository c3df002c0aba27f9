"""The import-linter contracts over the formats cover every registered format.

`pyproject.toml` lists the format modules by name (import-linter takes no
"every module but the `_`-ones" pattern); a format added to the registry and
not to the contracts would be free to import another format again.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from desk.ingest import registry

ROOT = Path(__file__).resolve().parents[2]


def _contract(name: str) -> dict[str, object]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contracts = config["tool"]["importlinter"]["contracts"]
    [found] = [c for c in contracts if c["name"] == name]
    return dict(found)


def test_the_independence_contract_lists_every_registered_format() -> None:
    contract = _contract("no ingest format imports another")
    assert contract["type"] == "independence"
    assert sorted(contract["modules"]) == sorted(registry.FORMAT_MODULES)


def test_the_shared_layer_may_import_no_format() -> None:
    contract = _contract("the shared ingest layer sits below the formats: it never imports one")
    forbidden = set(contract["forbidden_modules"])
    assert set(registry.FORMAT_MODULES) <= forbidden
    shared = {
        f"desk.ingest.formats.{path.stem}"
        for path in (ROOT / "desk" / "ingest" / "formats").glob("_*.py")
        if path.stem != "__init__"
    }
    assert shared <= set(contract["source_modules"])
    assert not any(m.rsplit(".", 1)[-1].startswith("_") for m in registry.FORMAT_MODULES)
