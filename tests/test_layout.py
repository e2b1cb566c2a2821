"""The tree shows the flow (issue 16): imports go only downward, and no module is too long to read.

The ranks are those the package docstring of :mod:`nhskg` lists (``- 3: ``extract`` -- ...``);
the modules are read with :mod:`ast`, not imported, so every import counts, function-local and
relative ones included.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "nhskg"

#: No module is longer than this: a longer one is split inside its package, by responsibility.
MAX_LINES = 450


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def ranks() -> dict[str, int]:
    """Module or package name -> rank, from the list in ``nhskg/__init__.py``'s docstring."""
    docstring = ast.get_docstring(ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))) or ""
    table: dict[str, int] = {}
    for rank, names in re.findall(r"^- (\d+): (.*?) -- ", docstring, flags=re.M):
        for name in re.findall(r"``([\w.]+)``", names):
            table["nhskg" if name == "__init__" else f"nhskg.{name}"] = int(rank)
    assert len(table) > 10, "the rank list in nhskg/__init__.py's docstring was not found"
    return table


def rank_of(module: str, table: dict[str, int]) -> int:
    """The rank of the longest listed name that ``module`` is or sits in."""
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        name = ".".join(parts[:end])
        if name in table:
            return table[name]
    raise AssertionError(f"{module} is in no package the rank list in nhskg/__init__.py names: add it there")


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imported(module: str, path: Path, known: set[str]) -> set[str]:
    """The nhskg modules ``module`` imports (``from .x import y`` counts ``x.y`` when ``y`` is a module)."""
    is_package = path.name == "__init__.py"
    package = module if is_package else module.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names if alias.name.split(".")[0] == "nhskg")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            if source.split(".")[0] != "nhskg":
                continue
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                targets.add(submodule if submodule in known else source)
    return targets - {module}


def upward_edges() -> list[str]:
    table, found = ranks(), modules()
    edges = []
    for module, path in found.items():
        here = rank_of(module, table)
        for target in sorted(imported(module, path, set(found))):
            if rank_of(target, table) > here:
                edges.append(f"{module} -> {target} (rank {here} -> {rank_of(target, table)})")
    return edges


def test_imports_only_go_downward() -> None:
    edges = upward_edges()
    assert not edges, "imports to a higher rank (see the list in nhskg/__init__.py):\n" + "\n".join(edges)


def test_every_module_has_a_rank() -> None:
    table = ranks()
    for module in modules():
        rank_of(module, table)  # raises, naming the module, if no listed package holds it


def test_the_rank_list_names_only_what_exists() -> None:
    found = set(modules())
    missing = sorted(name for name in ranks() if name not in found)
    assert not missing, f"the rank list in nhskg/__init__.py names modules that do not exist: {missing}"


def test_a_function_local_upward_import_is_caught(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check sees through function-local and relative imports (its own test can fail)."""
    source = (PACKAGE / "read" / "documents.py").read_text(encoding="utf-8")
    copy = tmp_path / "nhskg"
    (copy / "read").mkdir(parents=True)
    (copy / "__init__.py").write_text((PACKAGE / "__init__.py").read_text(encoding="utf-8"), encoding="utf-8")
    (copy / "read" / "__init__.py").write_text("", encoding="utf-8")
    (copy / "read" / "documents.py").write_text(
        source + "\n\ndef _late():\n    from ..graph.store import GraphStore\n    return GraphStore\n", encoding="utf-8"
    )
    (copy / "graph").mkdir()
    (copy / "graph" / "__init__.py").write_text("", encoding="utf-8")
    (copy / "graph" / "store.py").write_text("GraphStore = None\n", encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", copy)
    assert upward_edges() == ["nhskg.read.documents -> nhskg.graph.store (rank 2 -> 5)"]


def long_modules() -> set[str]:
    return {
        module
        for module, path in modules().items()
        if len(path.read_text(encoding="utf-8").splitlines()) > MAX_LINES
    }


def test_no_module_is_over_the_limit() -> None:
    over = sorted(long_modules())
    assert not over, f"modules over {MAX_LINES} lines: {', '.join(over)}"
