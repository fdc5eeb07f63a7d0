"""The package's shape (docs/architecture.md): layers import only downwards, modules and classes
stay small, resources are read through the package, and the architecture page lists every
module."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"
MODULES = sorted(p for p in APP.rglob("*.py") if "__pycache__" not in p.parts)
SCRIPTS = sorted((ROOT / "static" / "js").glob("*.js"))
# Each layer may import from itself and the layers before it (storage -> content -> publish
# -> web); the top-level modules are shared by all.
LAYERS = ["storage", "content", "publish", "web"]
TOP_LEVEL_USED_BY_LAYERS = {"config", "errors", "files", "http_policy", "services"}


def name_of(path: Path) -> str:
    return path.relative_to(APP).as_posix()


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {name for name in names if name.split(".")[0] in ("study_guide", "app")}


@pytest.mark.parametrize("path", MODULES, ids=name_of)
def test_imports_go_down_the_layers(path):
    parts = path.relative_to(APP).parts
    imports = imported_modules(path)
    assert not {name for name in imports if name.split(".")[0] == "app"}, (
        f"{name_of(path)} imports `app`: the package's name is study_guide")
    if len(parts) < 2 or parts[0] not in LAYERS:
        return
    allowed = set(LAYERS[:LAYERS.index(parts[0]) + 1])
    for name in imports:
        segments = name.split(".")
        if len(segments) < 2:
            continue
        target = segments[1]
        if target in LAYERS:
            assert target in allowed, f"{name_of(path)} ({parts[0]}) imports {name}"
        elif target == "services":
            assert parts[0] == "web", f"{name_of(path)}: only web/ reaches the app's services"


@pytest.mark.parametrize("path", MODULES, ids=name_of)
def test_modules_and_classes_are_small(path):
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 400, f"{name_of(path)} is over 400 lines: split it"
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.ClassDef):
            length = node.end_lineno - node.lineno + 1
            assert length <= 250, f"{name_of(path)}: class {node.name} is {length} lines"


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.name)
def test_scripts_are_small(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 400, (
        f"static/js/{path.name} is over 400 lines: split it by feature")


@pytest.mark.parametrize("path", MODULES, ids=name_of)
def test_resources_are_read_through_the_package(path):
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"__file__\)?\.(resolve\(\)\.)?parent\.parent", text), (
        f"{name_of(path)} finds files through the checkout: use importlib.resources or Flask's "
        "package-relative folders")
    if name_of(path) != "services.py":
        assert ".extensions[" not in text, (
            f"{name_of(path)} reaches app.extensions: use services()")


def test_the_architecture_page_lists_every_module():
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    tree = page[page.index("```"):]
    for path in MODULES:
        if path.name == "__init__.py" and path.parent != APP:
            assert f"  {path.parent.name}/" in tree, (
                f"docs/architecture.md lacks {path.parent.name}/")
            continue
        assert re.search(rf"^\s+{re.escape(path.name)}\s", tree, re.MULTILINE), (
            f"docs/architecture.md does not list {name_of(path)}")


def test_resource_folders_are_links_into_the_package():
    for name in ("templates", "static", "volumes"):
        link = APP / name
        assert link.is_symlink() and link.resolve() == (ROOT / name).resolve(), (
            f"app/{name} must link to the top-level {name}/ (the wheel carries it from there)")
