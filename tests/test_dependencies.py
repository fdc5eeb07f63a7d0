"""Dependencies are pinned, installed as pinned, and the sanitizer's engine has every published
advisory fixed."""

import re
import tomllib
from importlib import metadata
from pathlib import Path

import nh3
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
# Advisories published against ammonia (the Rust sanitizer nh3 binds), with the first release
# of its 4.x line that fixes each.
AMMONIA_ADVISORIES = {
    "RUSTSEC-2025-0071": Version("4.1.2"),
    "RUSTSEC-2026-0193": Version("4.1.3"),  # mXSS through MathML annotation-xml
    "RUSTSEC-2026-0213": Version("4.1.4"),  # javascript: URLs in SVG animate/set values
}


def pins() -> dict[str, str]:
    found = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)==([^\s#]+)", line.strip())
        if match:
            found[canonicalize_name(match[1])] = match[2]
    return found


def declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = [name for names in project["optional-dependencies"].values() for name in names]
    return [Requirement(name) for name in project["dependencies"] + extras]


def test_every_declared_dependency_is_pinned_within_its_range():
    pinned = pins()
    for requirement in declared():
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{requirement.name} has no pin in constraints.txt"
        assert requirement.specifier.contains(pinned[name], prereleases=True), requirement


def test_what_is_installed_is_what_is_pinned():
    for name, version in pins().items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue  # a platform-specific pin (gunicorn off Windows)
        assert Version(installed) == Version(version), f"{name} {installed}, pinned {version}"


def test_the_sanitizer_engine_has_every_published_advisory_fixed():
    binary = b"".join(path.read_bytes() for path in Path(nh3.__file__).parent.glob("*.so"))
    versions = {Version(v.decode()) for v in re.findall(rb"ammonia-(\d+\.\d+\.\d+)", binary)}
    assert len(versions) == 1, f"cannot tell which ammonia nh3 bundles: {versions}"
    ammonia = versions.pop()
    unfixed = [name for name, fixed in AMMONIA_ADVISORIES.items() if ammonia < fixed]
    assert unfixed == [], f"nh3 bundles ammonia {ammonia}, open to {unfixed}: upgrade nh3"
