"""The floors of the house: every import points down, and nothing imports itself in a circle.

Apps stand in layers (docs/architecture.md); each may import only from lower floors:

    core <- accounts <- communities <- stories <- insights / comments / social / moderation / stats
         <- discovery / search / portability <- api <- ops / demo

Apps on one floor may use each other as long as the apps' graph stays acyclic. Inside and across
apps, no module may reach itself through imports (a cycle means neither module can be understood,
loaded or changed alone). Every import counts, at the top of a file or inside a function: an
import moved into a function hides a dependency, it does not remove it. So does naming another
app's model as a string ("stories.Story", apps.get_model("stories", "Story")): that is an import
by another name, held to the same floors.

The walk is over source only (`ast`), outside tests and migrations; project-level modules
(settings, urls, wsgi, asgi, conftest, the `byline` command) wire the apps together and may import
any of them.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]  # the byline package

FLOORS: dict[str, int] = {
    "core": 0,
    "accounts": 1,
    "communities": 2,
    "stories": 3,
    "insights": 4,
    "comments": 4,
    "social": 4,
    "moderation": 4,
    "stats": 4,
    "discovery": 5,
    "search": 5,
    "portability": 5,
    "api": 6,
    "ops": 7,
    "demo": 7,
}
PROJECT_LEVEL = {"settings", "tests", "urls", "wsgi", "asgi", "conftest", "__main__", "__init__"}

# (importing module, imported module) -> why it stays. Keep it empty; an entry needs a reason
# a reviewer would accept.
ALLOWED: dict[tuple[str, str], str] = {}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources() -> list[Path]:
    return sorted(
        path
        for path in ROOT.rglob("*.py")
        if "migrations" not in path.parts and "tests" not in path.relative_to(ROOT).parts
    )


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) for every `byline.*` module this file imports, resolved to a module that
    exists (`from byline.x import y` names byline.x.y when y is a module, else byline.x)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path.parent)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            for alias in node.names:
                candidate = f"{module}.{alias.name}"
                found.append((node.lineno, candidate if _exists(candidate) else module))
    wanted = {
        (line, name) for line, name in found if name == "byline" or name.startswith("byline.")
    }
    return sorted(wanted)


def _exists(module: str) -> bool:
    relative = Path(*module.split("."))
    base = ROOT.parent / relative
    return base.with_suffix(".py").exists() or (base / "__init__.py").exists()


def _app(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def _graph() -> dict[str, list[tuple[int, str]]]:
    return {_module_name(path): _imports(path) for path in _sources()}


def _floor_problems(graph) -> list[str]:
    problems = []
    for source, imports in graph.items():
        source_app = _app(source)
        if source_app in PROJECT_LEVEL or source_app is None:
            continue
        for line, target in imports:
            target_app = _app(target)
            if target_app in (None, source_app) or target_app in PROJECT_LEVEL:
                continue
            if (source, target) in ALLOWED:
                continue
            if source_app not in FLOORS or target_app not in FLOORS:
                problems.append(
                    f"{source} (line {line}) imports {target}: every app needs a floor in "
                    "FLOORS (byline/tests/test_architecture.py)"
                )
            elif FLOORS[target_app] > FLOORS[source_app]:
                problems.append(
                    f"{source.replace('.', '/')}.py:{line} imports {target}: {source_app} "
                    f"(floor {FLOORS[source_app]}) may not import {target_app} (floor "
                    f"{FLOORS[target_app]}); announce the change with a signal or a registry "
                    "that the upper app subscribes to, or move the code up"
                )
    return problems


def _model_references(path: Path) -> list[tuple[int, str]]:
    """(line, app label) for every model named by string: "app.Model" literals and
    apps.get_model("app", "Model") calls."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            label, dot, model = node.value.partition(".")
            if dot and label in FLOORS and model[:1].isupper() and model.isidentifier():
                found.append((node.lineno, label))
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "get_model"
            and len(node.args) == 2
            and isinstance(node.args[0], ast.Constant)
            and node.args[0].value in FLOORS
        ):
            found.append((node.lineno, node.args[0].value))
    return found


def _model_reference_problems(references: dict[str, list[tuple[int, str]]]) -> list[str]:
    problems = []
    for source, found in references.items():
        source_app = _app(source)
        if source_app not in FLOORS:
            continue
        for line, label in found:
            if FLOORS[label] > FLOORS[source_app]:
                problems.append(
                    f"{source.replace('.', '/')}.py:{line} names a model of {label} (floor "
                    f"{FLOORS[label]}) by string; {source_app} (floor {FLOORS[source_app]}) may "
                    "not depend on it: let the upper app register the model from its ready()"
                )
    return problems


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for successor in edges.get(node, ()):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return components


def _module_edges(graph) -> dict[str, set[str]]:
    edges: dict[str, set[str]] = defaultdict(set)
    for source, imports in graph.items():
        for _line, target in imports:
            # A package's __init__ importing its own modules is how packages re-export.
            internal = target in graph and target != source
            if internal and not target.startswith(source + ".") and (source, target) not in ALLOWED:
                edges[source].add(target)
    return edges


def _app_edges(graph) -> dict[str, set[str]]:
    edges: dict[str, set[str]] = defaultdict(set)
    for source, imports in graph.items():
        source_app = _app(source)
        if source_app in PROJECT_LEVEL or source_app is None:
            continue
        for _line, target in imports:
            target_app = _app(target)
            other = target_app and target_app not in (source_app, *PROJECT_LEVEL)
            if other and (source, target) not in ALLOWED:
                edges[source_app].add(target_app)
    return edges


def test_every_import_points_to_a_lower_floor():
    problems = _floor_problems(_graph())
    assert not problems, "imports against the layer order:\n" + "\n".join(problems)


def test_no_app_names_a_model_of_a_higher_floor_by_string():
    references = {_module_name(path): _model_references(path) for path in _sources()}
    problems = _model_reference_problems(references)
    assert not problems, "models named against the layer order:\n" + "\n".join(problems)


def test_the_walk_finds_models_named_by_string(tmp_path):
    source = tmp_path / "sample.py"
    source.write_text(
        "from django.apps import apps\n"
        'Story = apps.get_model("stories", "Story")\n'
        'LABELS = ("comments.Comment", "not a model", "core.views")\n'
    )
    assert _model_references(source) == [(2, "stories"), (3, "comments")]
    problems = _model_reference_problems({"byline.core.sample": _model_references(source)})
    assert len(problems) == 2
    assert "byline/core/sample.py:2 names a model of stories" in problems[0]


def test_apps_on_one_floor_do_not_import_each_other_in_a_circle():
    cycles = _cycles(_app_edges(_graph()))
    assert not cycles, "apps importing each other in a circle: " + "; ".join(
        " <-> ".join(cycle) for cycle in cycles
    )


def test_no_module_imports_itself_through_others():
    graph = _graph()
    cycles = _cycles(_module_edges(graph))
    described = []
    for cycle in cycles:
        members = set(cycle)
        links = [
            f"{source} -> {target} (line {line})"
            for source in cycle
            for line, target in graph[source]
            if target in members and target != source
        ]
        described.append("cycle: " + ", ".join(links))
    assert not described, "import cycles:\n" + "\n".join(described)


def test_every_allowed_exception_still_exists_and_says_why():
    graph = _graph()
    for (source, target), reason in ALLOWED.items():
        assert len(reason) > 20, f"{source} -> {target}: say why it is allowed"
        assert any(found == target for _line, found in graph.get(source, ())), (
            f"{source} no longer imports {target}: remove it from ALLOWED"
        )


def test_every_app_has_a_floor():
    apps = {path.name for path in ROOT.iterdir() if (path / "apps.py").exists()}
    assert apps <= set(FLOORS), f"apps without a floor: {sorted(apps - set(FLOORS))}"


@pytest.mark.parametrize(
    ("source", "target", "expected"),
    [
        ("byline.core.x", "byline.stories.models", "may not import stories"),
        ("byline.stories.x", "byline.comments.models", "may not import comments"),
    ],
)
def test_the_walk_reports_an_upward_import_with_its_file_and_rule(source, target, expected):
    problems = _floor_problems({source: [(7, target)]})
    assert len(problems) == 1
    assert source.replace(".", "/") + ".py:7" in problems[0]
    assert expected in problems[0]


def test_the_walk_finds_a_cycle():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(edges) == [["a", "b", "c"]]
