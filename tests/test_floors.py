"""The house has floors, and imports run one way, down: plumbing (the site's
plumbing) at the bottom, then events (the programme), then registrations
(people), with forum_site (settings, URLs, the admin site, what composes the
programme with people) as the roof. A module may import its own floor and
those below; a template may load tags from, extend and include templates of
its own floor and those below. Read from the source (ast and the template
text), so a new upward import fails here before anyone builds on it."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FLOORS = {"plumbing": 0, "events": 1, "registrations": 2, "forum_site": 3}
NAMES = {floor: name for name, floor in FLOORS.items()}
# Product files only size-limited; these may be longer (the exceptions).
LONG_ALLOWED = {"forum_site/settings.py", "forum_site/demo_content.py"}


def _modules():
    for package in FLOORS:
        yield from sorted((ROOT / package).rglob("*.py"))


def _package_of(path):
    return path.relative_to(ROOT).parts[0]


def _imported(path):
    """Every module name an import statement in `path` names, at any depth
    (imports inside functions count), relative imports resolved."""
    tree = ast.parse(path.read_text(), filename=str(path))
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = parts[: len(parts) - node.level + (path.name == "__init__.py")]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module
            yield node.lineno, module


def _floor_of_module(name):
    return FLOORS.get(name.split(".")[0])


def _python_violations():
    for path in _modules():
        own = FLOORS[_package_of(path)]
        for line, module in _imported(path):
            floor = _floor_of_module(module)
            if floor is not None and floor > own:
                yield f"{path.relative_to(ROOT)}:{line} imports {module} ({NAMES[floor]} is above {NAMES[own]})"


def _template_floor(name):
    """`events/…` and `admin/events/…` belong to events, and so on; every
    other template of ours (base.html, includes/, admin/*.html, mirror/)
    is the ground floor's."""
    parts = name.split("/")
    if parts[0] == "admin" and len(parts) > 2:
        parts = parts[1:]
    return FLOORS.get(parts[0], 0) if len(parts) > 1 else 0


def _tag_libraries():
    return {
        path.stem: FLOORS[_package_of(path)]
        for package in FLOORS
        for path in (ROOT / package).glob("templatetags/*.py")
    }


_LOAD = re.compile(r"{%\s*load\s+(.+?)\s*%}")
_REFERENCE = re.compile(r"""{%\s*(extends|include)\s+["']([^"']+)["']""")


def _template_violations():
    libraries = _tag_libraries()
    templates = ROOT / "templates"
    for path in sorted(p for p in templates.rglob("*") if p.is_file()):
        name = path.relative_to(templates).as_posix()
        own = _template_floor(name)
        text = path.read_text()
        for match in _LOAD.finditer(text):
            words = match.group(1).split()
            # {% load a b %} loads libraries; {% load x y from lib %} loads from one.
            loaded = words[words.index("from") + 1 :] if "from" in words else words
            for library in loaded:
                floor = libraries.get(library)
                if floor is not None and floor > own:
                    yield f"templates/{name} loads {library} ({NAMES[floor]} is above {NAMES[own]})"
        for kind, target in _REFERENCE.findall(text):
            if (templates / target).is_file() and _template_floor(target) > own:
                yield f"templates/{name} {kind}s {target} ({NAMES[_template_floor(target)]} is above {NAMES[own]})"


def test_no_module_imports_from_a_floor_above_its_own():
    assert list(_python_violations()) == []


def test_no_template_loads_or_includes_from_a_floor_above_its_own():
    assert list(_template_violations()) == []


def test_the_walk_sees_an_upward_import(tmp_path):
    """The walk itself: a module of the ground floor that imports events,
    written the three ways Python allows, is found each time."""
    sample = ROOT / "plumbing" / "_floors_sample.py"
    sample.write_text(
        "import events.models\nfrom events import ical\n\ndef f():\n    from registrations.models import Signature\n"
    )
    try:
        found = [v for v in _python_violations() if v.startswith("plumbing/_floors_sample.py")]
    finally:
        sample.unlink()
    assert found == [
        "plumbing/_floors_sample.py:1 imports events.models (events is above plumbing)",
        "plumbing/_floors_sample.py:2 imports events (events is above plumbing)",
        "plumbing/_floors_sample.py:5 imports registrations.models (registrations is above plumbing)",
    ]


def test_the_walk_resolves_relative_imports():
    path = ROOT / "registrations" / "services" / "people.py"
    assert "registrations.models" in {module for _line, module in _imported(path)}
    init = ROOT / "registrations" / "services" / "__init__.py"
    assert "registrations.services.outbox" in {module for _line, module in _imported(init)}


@pytest.mark.parametrize(
    ("name", "floor"),
    [
        ("base.html", "plumbing"),
        ("includes/ways_in.html", "plumbing"),
        ("admin/action_page.html", "plumbing"),
        ("events/event_detail.html", "events"),
        ("admin/events/copy.html", "events"),
        ("registrations/media/status.html", "registrations"),
        ("admin/registrations/decide.html", "registrations"),
        ("forum_site/event_page.html", "forum_site"),
    ],
)
def test_templates_belong_to_the_floor_of_their_folder(name, floor):
    assert NAMES[_template_floor(name)] == floor


def test_no_product_file_is_over_500_lines():
    """Migrations, settings.py and the demo's data aside, a file over 500
    lines is a file to split by area."""
    long = []
    for path in _modules():
        relative = path.relative_to(ROOT).as_posix()
        if "/migrations/" in relative or relative in LONG_ALLOWED:
            continue
        lines = len(path.read_text().splitlines())
        if lines > 500:
            long.append(f"{relative}: {lines}")
    assert long == []
