"""Every library the product imports at run time is installed by requirements.txt (directly or
as a dependency of what it lists): `make run` installs only that file, so a module imported
from requirements-dev.txt alone would fail for a user (as `cli.py disclosure-check` once did
with pypdf)."""
from __future__ import annotations

import ast
import re
import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNTIME = ["app.py", "cli.py", "settings.py", "errors.py", "bootstrap.py", "db", "indicators", "pages", "seed", "ui"]


def _runtime_files():
    for entry in RUNTIME:
        path = ROOT / entry
        yield from ([path] if path.is_file() else sorted(path.rglob("*.py")))


def _imported_top_levels() -> set[str]:
    names: set[str] = set()
    for path in _runtime_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    local = {p.stem for p in ROOT.glob("*.py")} | {p.name for p in ROOT.iterdir() if p.is_dir()}
    return {n for n in names if n not in sys.stdlib_module_names and n not in local}


def _name(requirement: str) -> str:
    return re.split(r"[\s\[<>=!~;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _installed_by(requirements: Path) -> set[str]:
    """The distributions the file installs: those it names and, recursively, what they require."""
    wanted = [_name(line) for line in requirements.read_text(encoding="utf-8").splitlines()
              if line.strip() and not line.lstrip().startswith(("#", "-"))]
    seen: set[str] = set()
    while wanted:
        name = wanted.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        wanted += [_name(r) for r in requires if "extra ==" not in r]
    return seen


def test_every_runtime_import_is_installed_by_requirements_txt():
    installed = _installed_by(ROOT / "requirements.txt")
    providers = metadata.packages_distributions()
    missing = {}
    for module in sorted(_imported_top_levels()):
        dists = {d.lower().replace("_", "-") for d in providers.get(module, [])}
        if dists and not dists & installed:
            missing[module] = sorted(dists)
    assert not missing, f"imported at run time but only in requirements-dev.txt (or nowhere): {missing}"


def test_the_check_sees_a_development_only_library():
    installed = _installed_by(ROOT / "requirements.txt")
    assert "pytest" not in installed and "streamlit" in installed and "numpy" in installed
