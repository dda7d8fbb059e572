"""The apps are floors: each imports only from the floors below it (docs/architecture.md). A module
that imports upward, or from a sibling on its floor, fails here the day it is written."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Lowest first. accounts and regions share a floor: a user has regions, a region page needs a user.
# coverage, imports and reports are siblings: none imports another.
FLOORS = [
    {"config"},
    {"operations"},  # scheduled jobs' locks: every app's commands take them
    {"regions", "accounts"},
    {"campaigns"},
    {"enrollment"},
    {"coverage", "imports", "reports"},
    {"billing", "targeting"},  # bills settle into coverage's months paid; bank statements and target
    # lists read imports' reader
    {"dashboards"},
    {"demo"},  # the demo data calls every app's services; nothing imports it
]
SHARED_FLOOR = {"regions", "accounts"}  # the only floor whose apps may import each other
FLOOR = {app: n for n, apps in enumerate(FLOORS) for app in apps}
# The root URLconf mounts every app, so it stands above them all.
ROOT_MODULES = {Path("config/urls.py")}


def imported_apps(path: Path) -> set[str]:
    """The project apps a module imports at run time (an import under TYPE_CHECKING is for types only)."""
    tree = ast.parse(path.read_text())
    typing_only = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for node in ast.walk(block)
    }
    names = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
    return names & FLOOR.keys()


def violations(root: Path = ROOT) -> list[str]:
    found = []
    for app, floor in FLOOR.items():
        for path in sorted((root / app).rglob("*.py")):
            relative = path.relative_to(root)
            if "migrations" in relative.parts or relative in ROOT_MODULES:
                continue
            for other in sorted(imported_apps(path) - {app}):
                same_floor_allowed = FLOOR[other] == floor and {app, other} <= SHARED_FLOOR
                if FLOOR[other] > floor or (FLOOR[other] == floor and not same_floor_allowed):
                    found.append(f"{relative} imports {other}")
    return found


def test_no_app_imports_from_a_floor_above_or_a_sibling():
    assert violations() == []


def test_the_rule_sees_an_upward_or_sibling_import_but_not_one_for_types(tmp_path):
    """The check itself can fail."""
    for path, text in {
        "campaigns/upward.py": "from enrollment.models import Enrollment\n",
        "coverage/sibling.py": "import reports.lists\n",
        "enrollment/typing_only.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from coverage.models import Claim\n",
        "regions/shared.py": "from accounts.decorators import official_required\n",
    }.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    assert violations(tmp_path) == [
        "campaigns/upward.py imports enrollment",
        "coverage/sibling.py imports reports",
    ]


def test_every_mutant_of_the_walk_still_finds_the_code_it_breaks():
    """tests/walk_mutants.py edits code by its text: a mutant whose text is gone tests nothing."""
    from tests.walk_mutants import MUTANTS

    stale = [label for label, path, old, _new, _key in MUTANTS if old not in (ROOT / path).read_text()]
    assert stale == []


def test_every_mutant_of_a_rule_still_finds_the_code_it_breaks():
    """tests/rule_mutants.py breaks each rule in its one home by its text: the same staleness check."""
    from tests.rule_mutants import MUTANTS

    stale = [label for label, path, old, _new, _tests in MUTANTS if old not in (ROOT / path).read_text()]
    assert stale == []


MAX_LINES = 500  # a module longer than this is two modules (issue 22)


def test_no_module_is_longer_than_500_lines():
    folders = [*FLOOR, "demo", "tests", "bench"]
    long = {
        str(path.relative_to(ROOT)): n
        for folder in folders
        for path in (ROOT / folder).rglob("*.py")
        if "migrations" not in path.parts and (n := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}
