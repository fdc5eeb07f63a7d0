"""The docs and the settings files say what the code does: each test fails, naming the item,
when one side changes without the other (the model is datasette's tests/test_docs.py).

Sources of truth, all read from the code: `config.SETTINGS`, the `environ.get` calls, the
connection-test problems, `sanitize.DESIGN_CLASSES` and the other sanitizer lists, the app's
URL map, and the error codes."""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

import pytest
from werkzeug.exceptions import default_exceptions

from study_guide.config import SETTINGS
from study_guide.content import sanitize
from study_guide.storage import gist_check

ROOT = Path(__file__).resolve().parent.parent
APP_DIR = ROOT / "app"
DOCS = ROOT / "docs"
README = ROOT / "README.md"
CSS = ROOT / "static" / "css" / "guide.css"
PROMPT = ROOT / "templates" / "manage" / "prompt.txt"
DESIGN_SYSTEM_DOC = ROOT / "docs/design-system.md"


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def python_sources() -> list[Path]:
    return sorted(APP_DIR.rglob("*.py"))


def app_source() -> str:
    return "\n".join(read(path) for path in python_sources())


def markdown_section(text: str, heading: str) -> str:
    """The text under a `## heading`, up to the next heading of the same or a higher level."""
    match = re.search(rf"^(#+) {re.escape(heading)}\s*$", text, re.MULTILINE)
    assert match, f"no heading {heading!r}"
    level = len(match.group(1))
    end = re.compile(rf"^#{{1,{level}}} ", re.MULTILINE).search(text, match.end())
    return text[match.end():end.start() if end else len(text)]


def table_rows(section: str) -> list[list[str]]:
    """The body rows of the first Markdown table in `section`, as lists of cells."""
    rows = [line for line in section.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows[2:]]


def names_in(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


# --- settings -------------------------------------------------------------------------------

def readme_settings() -> list[str]:
    rows = table_rows(markdown_section(read(README), "Settings"))
    return [name for row in rows for name in names_in(row[0])]


def env_example_settings() -> list[str]:
    return re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", read(ROOT / ".env.example"), re.MULTILINE)


# Keys of a WSGI request's environ (PEP 3333), which the middlewares also read with
# `environ.get`: requests, not settings.
WSGI_KEYS = re.compile(r"HTTP_\w+|REQUEST_METHOD|SCRIPT_NAME|PATH_INFO|QUERY_STRING|CONTENT_TYPE"
                       r"|CONTENT_LENGTH|SERVER_NAME|SERVER_PORT|SERVER_PROTOCOL|REMOTE_ADDR")


def settings_read_by_code() -> set[str]:
    pattern = re.compile(r"""(?:environ\.get|getenv)\(\s*["']([A-Z][A-Z0-9_]*)["']"""
                         r"""|environ\[\s*["']([A-Z][A-Z0-9_]*)["']\s*\]""")
    return {a or b for a, b in pattern.findall(app_source())
            if not WSGI_KEYS.fullmatch(a or b)}


@pytest.mark.parametrize("name", SETTINGS)
def test_setting_is_in_readme_table(name):
    assert name in readme_settings(), f"README.md's settings table does not list {name}"


@pytest.mark.parametrize("name", SETTINGS)
def test_setting_is_in_env_example(name):
    assert name in env_example_settings(), f".env.example does not show {name}"


@pytest.mark.parametrize("name", readme_settings())
def test_readme_setting_is_read_by_the_app(name):
    assert name in SETTINGS, f"README.md lists {name}, which config.SETTINGS does not have"


@pytest.mark.parametrize("name", env_example_settings())
def test_env_example_setting_is_read_by_the_app(name):
    assert name in SETTINGS, f".env.example shows {name}, which config.SETTINGS does not have"


@pytest.mark.parametrize("name", sorted(settings_read_by_code()))
def test_environment_variable_read_by_the_code_is_a_setting(name):
    assert name in SETTINGS, f"app/ reads {name} from the environment: add it to SETTINGS"


@pytest.mark.parametrize("name", SETTINGS)
def test_setting_is_read_by_the_code(name):
    assert name in settings_read_by_code(), f"SETTINGS has {name}, but no code in app/ reads it"


def test_settings_are_in_readme_order():
    assert list(SETTINGS) == readme_settings()


def app_constants() -> set[str]:
    return set(re.findall(r"^([A-Z][A-Z0-9_]+)\b\s*[:=]", app_source(), re.MULTILINE))


def documented_upper_snake_names() -> list[tuple[str, str]]:
    found = set()
    for path in [README, *sorted(DOCS.glob("*.md"))]:
        for name in re.findall(r"`([A-Z][A-Z0-9]*_[A-Z0-9_]+)`", read(path)):
            found.add((path.relative_to(ROOT).as_posix(), name))
    return sorted(found)


@pytest.mark.parametrize(("doc", "name"), documented_upper_snake_names())
def test_docs_name_only_real_settings_and_constants(doc, name):
    """A setting named in the docs is one the app reads (or a constant of the code)."""
    assert name in SETTINGS or name in app_constants(), (
        f"{doc} names {name}, which is neither a setting nor a constant in app/")


# --- connection-test problems ---------------------------------------------------------------

def problem_codes_emitted() -> set[str]:
    """Codes passed to `ConnectionReport.problem` as literals, and those the gist's failure
    mapping turns GitHub errors into."""
    codes = set(re.findall(r"""\.problem\(\s*["']([a-z_]+)["']""", app_source()))
    failures = [*gist_check.GITHUB_FAILURES.values(), gist_check.UNREACHABLE, gist_check.REFUSED]
    codes.update(code for code, _ in failures)
    return codes


def readme_problem_codes() -> list[str]:
    section = markdown_section(read(README), "Keeping volumes in a GitHub Gist")
    table = section[section.index("| problem |"):]
    return [names_in(row[0])[0] for row in table_rows(table)]


def test_the_failure_mapping_was_found():
    # The mapping's fallback codes: if the parse above stops finding them, it is out of date.
    assert {"unreachable", "github_refused"} <= problem_codes_emitted()


@pytest.mark.parametrize("code", sorted(problem_codes_emitted()))
def test_problem_code_is_in_readme(code):
    assert code in readme_problem_codes(), (
        f"the connection test can report {code!r}; README.md's problem table does not explain it")


@pytest.mark.parametrize("code", readme_problem_codes())
def test_readme_problem_code_is_emitted(code):
    assert code in problem_codes_emitted(), f"README.md explains {code!r}, which no code emits"


# --- design system ----------------------------------------------------------------------------

def prompt_classes_section() -> str:
    text = read(PROMPT)
    match = re.search(r"^CLASSES\n(.*?)^[A-Z][A-Z ]+\n", text, re.MULTILINE | re.DOTALL)
    assert match, "templates/manage/prompt.txt has no CLASSES section"
    return match.group(1)


def standalone(name: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])")


@pytest.mark.parametrize("name", sorted(sanitize.DESIGN_CLASSES))
def test_design_class_is_styled(name):
    assert re.search(rf"\.{re.escape(name)}(?![\w-])", read(CSS)), (
        f"static/css/guide.css has no .{name} selector")


@pytest.mark.parametrize("name", sorted(sanitize.DESIGN_CLASSES))
def test_design_class_is_in_the_prompt(name):
    assert standalone(name).search(prompt_classes_section()), (
        f"the volume-builder prompt's CLASSES section does not name {name}")


@pytest.mark.parametrize("name", sorted(sanitize.DESIGN_CLASSES | sanitize.CODE_CLASSES))
def test_class_is_documented(name):
    assert f"`{name}`" in read(DESIGN_SYSTEM_DOC), (
        f"docs/design-system.md does not document `{name}`")


def test_every_class_the_prompt_names_is_allowed():
    named = set()
    for value in re.findall(r'class="([^"]*)"', read(PROMPT)):
        named.update(value.split())
    assert named <= sanitize.DESIGN_CLASSES | sanitize.CODE_CLASSES


@pytest.mark.parametrize("tag", sorted(sanitize.HTML_TAGS | sanitize.SVG_TAGS, key=str.lower))
def test_allowed_tag_is_documented(tag):
    assert f"`{tag}`" in read(DOCS / "content-format.md"), (
        f"docs/content-format.md does not list the allowed tag `{tag}`")


@pytest.mark.parametrize("prop", sorted(sanitize.CSS_PROPERTIES))
def test_allowed_style_property_is_documented(prop):
    assert f"`{prop}`" in markdown_section(read(DOCS / "content-format.md"), "Inline styles"), (
        f"docs/content-format.md does not list the inline-style property `{prop}`")


def test_no_undocumented_style_property_is_listed():
    section = markdown_section(read(DOCS / "content-format.md"), "Inline styles")
    listing = section.split("\n\n")[1]  # the paragraph of property names
    assert set(re.findall(r"`([a-z-]+)`", listing)) == sanitize.CSS_PROPERTIES


# --- HTTP routes and error codes -----------------------------------------------------------------

def app_routes() -> list[tuple[str, str]]:
    import tempfile

    from study_guide import create_app

    with tempfile.TemporaryDirectory() as data_dir:
        flask_app = create_app({"STUDY_GUIDE_DATA_DIR": data_dir,
                                "OWNER_TOKEN": "docs-test-owner-token"})
        return sorted({(method, rule.rule) for rule in flask_app.url_map.iter_rules()
                       for method in rule.methods - {"HEAD", "OPTIONS"}},
                      key=lambda route: (route[1], route[0]))


def route_pattern(method: str, rule: str) -> re.Pattern[str]:
    """`METHOD /path` as the docs write it: any `<name>` for a converter, then the path ends."""
    parts = re.split(r"<[^>]+>", rule)
    path = r"<[^>\s]+>".join(re.escape(part) for part in parts)
    return re.compile(rf"\b{method} {path}(?=[\s`?|),]|$)")


@pytest.mark.parametrize(("method", "rule"), app_routes(), ids=str)
def test_route_is_documented(method, rule):
    assert route_pattern(method, rule).search(read(DOCS / "http.md")), (
        f"docs/http.md does not document {method} {rule}")


def error_codes_emitted() -> set[str]:
    source = app_source()
    codes = set(re.findall(r"""\bcode\s*=\s*["']([a-z_]+)["']""", source))
    codes |= set(re.findall(r"""error_response\(\s*\d{3},\s*["']([a-z_]+)["']""", source))
    # HTTP errors become their name in snake case; web/errors.py gives messages to these.
    tree = ast.parse(read(APP_DIR / "web" / "errors.py"))
    for node in ast.walk(tree):
        if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict)
                and any(isinstance(t, ast.Name) and t.id == "messages" for t in node.targets)):
            for key in node.value.keys:
                status = key.value  # type: ignore[union-attr]
                codes.add(default_exceptions[status]().name.lower().replace(" ", "_"))
    return codes


def documented_error_codes() -> list[str]:
    rows = table_rows(markdown_section(read(DOCS / "http.md"), "Error codes"))
    return [names_in(row[1])[0] for row in rows]


def test_http_errors_were_found():
    assert {"not_found", "method_not_allowed", "csrf", "internal_error"} <= error_codes_emitted()


@pytest.mark.parametrize("code", sorted(error_codes_emitted()))
def test_error_code_is_documented(code):
    assert code in documented_error_codes(), (
        f"the app can answer with error code {code!r}; docs/http.md's table does not list it")


@pytest.mark.parametrize("code", documented_error_codes())
def test_documented_error_code_is_emitted(code):
    assert code in error_codes_emitted(), f"docs/http.md lists {code!r}, which no code emits"


# --- no references outside the repository, no broken links -------------------------------------

def tracked_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT, capture_output=True, check=True).stdout.decode("utf-8")
    return [ROOT / name for name in sorted(set(listed.split("\0"))) if name
            and (ROOT / name).is_file()]


def text_files() -> list[Path]:
    files = []
    for path in tracked_files():
        try:
            read(path)
        except UnicodeDecodeError:
            continue
        files.append(path)
    return files


# The docs that used to live beside the repository: named in pieces, so this file does not
# mention them itself.
OUTSIDE_DOCS = "|".join(re.escape(name + ".md")
                        for name in ("design", "design" + "-system", "content" + "-brief"))
OUTSIDE_DOC = re.compile(rf"(?<![\w.-])((?:[\w.-]+/)*(?:{OUTSIDE_DOCS}))")
SHARED = re.compile(r"\.\./" + "shared" + r"(/[\w./-]*)?")


def outside_references(path: Path) -> list[str]:
    text = read(path)
    found = []
    for match in OUTSIDE_DOC.finditer(text):
        name = match.group(1)
        if not any((base / name).resolve().is_file() and ROOT in (base / name).resolve().parents
                   for base in (path.parent, ROOT)):
            found.append(f"line {text.count(chr(10), 0, match.start()) + 1}: {name}")
    for match in SHARED.finditer(text):
        allowed = (path.relative_to(ROOT).parts[0] == "tests"
                   and (match.group(1) or "").startswith("/peer-corpus"))
        if not allowed:
            found.append(f"line {text.count(chr(10), 0, match.start()) + 1}: {match.group(0)}")
    return found


@pytest.mark.parametrize("path", text_files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_reference_outside_the_repository(path):
    assert outside_references(path) == [], (
        f"{path.relative_to(ROOT)} points at docs outside the repository")


def markdown_files() -> list[Path]:
    return [path for path in tracked_files() if path.suffix == ".md"]


def slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower().replace("`", ""))
    return text.replace(" ", "-")


def relative_links(path: Path) -> list[str]:
    text = re.sub(r"```.*?```", "", read(path), flags=re.DOTALL)
    text = re.sub(r"`[^`\n]*`", "", text)
    links = re.findall(r"\]\(([^)\s]+)\)", text)
    return [link for link in links if not re.match(r"[a-z][a-z0-9+.-]*:", link)]


def markdown_links() -> list[tuple[Path, str]]:
    return [(path, link) for path in markdown_files() for link in relative_links(path)]


@pytest.mark.parametrize(("path", "link"), markdown_links(),
                         ids=lambda v: v.relative_to(ROOT).as_posix() if isinstance(v, Path)
                         else v)
def test_relative_link_resolves(path, link):
    target, _, fragment = link.partition("#")
    resolved = (path.parent / target).resolve() if target else path
    assert resolved.is_file() and (resolved == ROOT or ROOT in resolved.parents), (
        f"{path.relative_to(ROOT)} links to {link}, which is not a file in the repository")
    if fragment and resolved.suffix == ".md":
        headings = re.findall(r"^#+ (.+)$", read(resolved), re.MULTILINE)
        assert fragment in {slug(h) for h in headings}, (
            f"{path.relative_to(ROOT)} links to #{fragment}, a heading {target or 'it'} lacks")


def test_the_docs_are_linked_from_their_index():
    index = read(DOCS / "README.md")
    for path in sorted(DOCS.glob("*.md")):
        if path.name != "README.md":
            assert f"]({path.name})" in index, f"docs/README.md does not link {path.name}"
