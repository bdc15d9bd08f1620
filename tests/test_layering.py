"""The apps are layered mentorship <- agreements <- promotions: an app may use the apps below it,
never one above it. Cross-app composition (the program dashboard, the scale data, the demo
world) therefore lives in promotions, at the top.

Every module of every app is parsed, not imported, so a function-level import or a lookup by
name counts as much as an import at the top of the file. A dependency is any of:

- an import statement (`import x`, `from x import y`), wherever it is written;
- a call that loads code or a model by name: `import_module("x")`, `__import__("x")`,
  `apps.get_model("x", ...)` or `apps.get_model("x.Model")`, `apps.get_app_config("x")`;
- a relation to a model by name (`ForeignKey("x.Model")`, `to="x.Model"`);
- a migration's dependency on another app's migration;
- `include("x.urls")`;
- a string naming something of the app by dotted name, such as a model label
  (`"x.statement"`), a permission (`"x.view_statement"`) or a module path: a lower app's rule
  that lists a higher app's models is coupled to them as surely as an import. Each app declares
  what the lower apps' rules need to know of its own models instead (mentorship/declarations.py).
  Migrations are exempt from this one form only: they are frozen history, and a data migration
  written before the declarations may spell the labels of its day.

The one place a lower app may name a higher one is the project's wiring, which shares the
mentorship package: the settings list every app by name in INSTALLED_APPS (plain strings, which
no rule above reads), and the root URLconf includes each app's URLs by string. Django imports
those only after every app is loaded, and nothing in mentorship calls into them, so the wiring
gives mentorship no dependency on the code above it. Even there, an import of a higher app
fails this test.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

LAYERS = ("mentorship", "agreements", "promotions")  # lowest first
ROOT = Path(__file__).resolve().parent.parent
ROOT_URLCONF = "mentorship/urls.py"

NAME_LOADERS = {"import_module", "__import__", "get_model", "get_app_config"}
RELATIONS = {"ForeignKey", "OneToOneField", "ManyToManyField"}
DOTTED_NAME = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)+")


def _app_of(dotted: str) -> str:
    return dotted.split(".", 1)[0]


def dependencies(
    source: str, *, root_urlconf: bool = False, migration: bool = False
) -> list[tuple[int, str]]:
    """(line, app or module named) for every dependency in `source`, by the rules above."""
    found: list[tuple[int, str]] = []
    wiring: set[int] = set()  # the strings the root URLconf includes
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Call):
            found += _named_by_call(node, root_urlconf=root_urlconf)
            if root_urlconf and getattr(node.func, "id", "") == "include":
                wiring.update(id(a) for a in node.args[:1])
        elif isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "dependencies" for t in node.targets
        ):
            for element in getattr(node.value, "elts", []):
                first = element.elts[0] if isinstance(element, ast.Tuple) else None
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found.append((node.lineno, first.value))
    if not migration:
        found += [
            (node.lineno, node.value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and DOTTED_NAME.fullmatch(node.value)
            and id(node) not in wiring
        ]
    return found


def _named_by_call(node: ast.Call, *, root_urlconf: bool) -> list[tuple[int, str]]:
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    strings = [a for a in node.args[:1] if isinstance(a, ast.Constant)]
    if name in RELATIONS:
        strings += [k.value for k in node.keywords if k.arg == "to"]
    elif name == "include" and not root_urlconf:
        pass
    elif name not in NAME_LOADERS:
        return []
    return [
        (node.lineno, s.value)
        for s in strings
        if isinstance(s, ast.Constant) and isinstance(s.value, str) and s.value
    ]


def violations(
    app: str, source: str, *, root_urlconf: bool = False, migration: bool = False
) -> list[str]:
    """The dependencies in `source`, a module of `app`, on an app above it."""
    above = set(LAYERS[LAYERS.index(app) + 1 :])
    return [
        f"line {line}: {named}"
        for line, named in dependencies(source, root_urlconf=root_urlconf, migration=migration)
        if _app_of(named) in above
    ]


def modules(app: str) -> list[Path]:
    return sorted((ROOT / app).rglob("*.py"))


def test_the_layers_are_every_app_of_the_project():
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert apps == set(LAYERS)


@pytest.mark.parametrize("app", LAYERS)
def test_no_app_depends_on_an_app_above_it(app):
    found = {}
    for path in modules(app):
        relative = path.relative_to(ROOT).as_posix()
        source = path.read_text(encoding="utf-8")
        wrong = violations(
            app,
            source,
            root_urlconf=relative == ROOT_URLCONF,
            migration=path.parent.name == "migrations",
        )
        if wrong:
            found[relative] = wrong
    assert modules(app), f"no modules found for {app}"
    assert found == {}


# The checker itself: each form of dependency is caught, and only on an app above.

CAUGHT = [
    "from promotions.models import Statement",
    "import agreements.models",
    "import promotions",
    "def f():\n    from agreements import demo\n    return demo",
    "import importlib\nimportlib.import_module('promotions.demo')",
    "__import__('agreements.selectors')",
    "apps.get_model('promotions', 'Statement')",
    "apps.get_model('agreements.Agreement')",
    "apps.get_app_config('promotions')",
    "pair = models.ForeignKey('promotions.Statement', on_delete=models.CASCADE)",
    "pair = models.ManyToManyField(to='agreements.Agreement')",
    "dependencies = [('promotions', '0001_initial')]",
    "path('reviews/', include('promotions.urls'))",
    "'promotions.statement'",
    "CONFIDENTIAL_MODELS = frozenset({'agreements.answer'})",
    "FIELDS = {'promotions.promotionreview': {'supervisor_assessment'}}",
    "user.has_perm('promotions.view_statement')",
    "target_type == 'promotions.statement'",
    "settings.X = 'promotions.breach.assess'",
]


@pytest.mark.parametrize("source", CAUGHT)
def test_the_checker_catches_a_lower_app_reaching_up(source):
    assert violations("mentorship", source)


ALLOWED = [
    "from mentorship.models import Pair",
    "from agreements.models import Agreement",
    "from . import selectors",
    "apps.get_model('mentorship', 'Pair')",
    "pair = models.ForeignKey('mentorship.Pair', on_delete=models.CASCADE)",
    "dependencies = [('mentorship', '0001_initial')]",
    "path('', include('agreements.urls'))",
    "'mentorship.pair'",
    "CONFIDENTIAL_MODELS = frozenset({'agreements.answer'})",
    "'a promotions.statement in prose is no name'",
    "'promotions'  # an app label alone, as INSTALLED_APPS lists it",
    "'statement.consent_granted'",
]


@pytest.mark.parametrize("source", ALLOWED)
def test_the_checker_lets_an_app_use_itself_and_those_below(source):
    assert violations("agreements", source) == []


def test_only_the_root_urlconf_may_include_a_higher_app_by_string():
    source = "path('reviews/', include('promotions.urls'))"
    assert violations("mentorship", source, root_urlconf=True) == []
    assert violations("mentorship", "from promotions import views", root_urlconf=True)
    assert violations("mentorship", "LABEL = 'promotions.statement'", root_urlconf=True)


def test_a_migration_may_spell_a_higher_label_but_not_depend_on_its_app():
    label = "target_type == 'promotions.statement'"
    assert violations("mentorship", label, migration=True) == []
    assert violations("mentorship", label)
    dependency = "dependencies = [('promotions', '0001_initial')]"
    assert violations("mentorship", dependency, migration=True)
