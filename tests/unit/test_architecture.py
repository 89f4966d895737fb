"""Layering rules, checked on the source: the pure core stays free of the web stack."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]

PURE_PACKAGES = ("hclust", "loaders")
WEB_STACK = ("dash", "plotly", "flask")


def imported_modules(source: str) -> set[str]:
    """Absolute module names a source imports, anywhere in it (also inside functions).

    Includes ``importlib.import_module("x")`` and ``__import__("x")`` with a literal name.
    Relative imports (``from . import x``) stay inside their package and are left out.
    """
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name in ("import_module", "__import__") and isinstance(node.args[0].value, str):
                found.add(node.args[0].value)
    return found


def is_from(module: str, package: str) -> bool:
    """True for ``package`` itself, its submodules, and its ``package_*`` add-ons (dash_table, ...)."""
    top = module.split(".")[0]
    return top == package or top.startswith(package + "_")


def python_files(*parts: str) -> list[Path]:
    """Project .py files under ROOT/parts (none if that folder does not exist yet).

    Hidden folders (.venv, .git) and caches are skipped.
    """
    base = ROOT.joinpath(*parts)
    if not base.is_dir():
        return []
    return sorted(
        path
        for path in base.rglob("*.py")
        if not any(p.startswith(".") or p in ("__pycache__", "build") for p in path.relative_to(ROOT).parts)
    )


def violations(files: list[Path], forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for path in files:
        for module in sorted(imported_modules(path.read_text(encoding="utf-8"))):
            if any(is_from(module, package) for package in forbidden):
                found.append(f"{path.relative_to(ROOT)} imports {module}")
    return found


# The checker itself


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import dash", {"dash"}),
        ("import plotly.graph_objects as go", {"plotly.graph_objects"}),
        ("from flask import request", {"flask"}),
        ("from dash import Dash, dcc", {"dash"}),
        ("def f():\n    import dash\n", {"dash"}),
        ("import importlib\nimportlib.import_module('dash')", {"importlib", "dash"}),
        ("__import__('app')", {"app"}),
        ("from . import app", set()),
        ("from .app import thing", set()),
        ("import numpy as np", {"numpy"}),
    ],
)
def test_import_finder_sees_every_kind_of_import(source, expected):
    assert imported_modules(source) == expected


@pytest.mark.parametrize(
    ("module", "package", "expected"),
    [
        ("dash", "dash", True),
        ("dash.dcc", "dash", True),
        ("dash_table", "dash", True),
        ("dashboard", "dash", False),
        ("application", "app", False),
        ("app", "app", True),
    ],
)
def test_is_from_matches_package_and_submodules_only(module, package, expected):
    assert is_from(module, package) is expected


def test_repo_root_is_found():
    assert (ROOT / "hclust" / "__init__.py").is_file()
    assert (ROOT / "loaders" / "__init__.py").is_file()


# The rules


@pytest.mark.parametrize("package", PURE_PACKAGES)
def test_pure_core_does_not_import_dash_plotly_or_flask(package):
    files = python_files(package)
    assert files, f"no Python files found under {package}/"
    assert violations(files, WEB_STACK) == []


def test_figures_do_not_import_dash():
    assert violations(python_files("figures"), ("dash",)) == []


def test_only_tests_import_the_app_module():
    files = [path for path in python_files() if path.relative_to(ROOT).parts[0] != "tests"]
    assert violations(files, ("app",)) == []
