"""The documentation follows the code: every environment variable Byline reads is documented once
in docs/configuration.md, nothing documented there is missing from the code, and every relative
link in README.md and docs/*.md points at a file (and heading) that exists.

The variables are found by parsing the source, not by importing it: calls to the readers of
byline/settings/env.py (env_str, env_bool, ...) anywhere in byline/ outside the tests, and
os.environ / os.getenv in byline/settings/*.py. A name built in a comprehension over a literal
tuple (the BYLINE_SOCIAL_* links) is expanded from that tuple.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "byline"
SETTINGS = PACKAGE / "settings"
CONFIGURATION = ROOT / "docs" / "configuration.md"
README = ROOT / "README.md"

# Read in byline/settings/*.py but set by tools, not by operators: not configuration.
NOT_CONFIGURATION = {"PYTEST_XDIST_WORKER": "set by pytest-xdist in its worker processes"}

NAME_RE = re.compile(r"[A-Z][A-Z0-9_]*\Z")
ROW_NAME_RE = re.compile(r"^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|")
LINK_RE = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")


def env_readers() -> set[str]:
    """The names of the env_* reader functions defined in byline/settings/env.py."""
    tree = ast.parse((SETTINGS / "env.py").read_text())
    return {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name.startswith("env_")
    }


def _is_os_environ(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "environ"
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
    )


def _name_argument(node: ast.AST, readers: set[str], *, os_environ: bool) -> ast.expr | None:
    """The expression naming the variable if `node` reads one, else None."""
    if isinstance(node, ast.Call):
        func = node.func
        reads = (isinstance(func, ast.Name) and func.id in readers) or (
            os_environ
            and isinstance(func, ast.Attribute)
            and (
                (func.attr in {"get", "setdefault", "pop"} and _is_os_environ(func.value))
                or (
                    func.attr == "getenv"
                    and isinstance(func.value, ast.Name)
                    and func.value.id == "os"
                )
            )
        )
        if reads and node.args:
            return node.args[0]
    if os_environ and isinstance(node, ast.Subscript) and _is_os_environ(node.value):
        return node.slice
    return None


def _expand(name: ast.JoinedStr, loops: list[ast.comprehension], where: str) -> set[str]:
    """The values of an f-string name inside a comprehension over literal tuples."""
    for loop in loops:
        if isinstance(loop.target, ast.Name):
            try:
                values = ast.literal_eval(loop.iter)
            except ValueError:
                continue
            code = compile(ast.Expression(name), where, "eval")
            return {eval(code, {}, {loop.target.id: value}) for value in values}
    raise AssertionError(
        f"{where}: a variable name built at run time that this test cannot expand; "
        "spell it out, or build it in a comprehension over a literal tuple"
    )


def _names_in(path: Path, readers: set[str], *, os_environ: bool) -> dict[str, str]:
    """Variable name -> first place it is read, for one source file."""
    tree = ast.parse(path.read_text())
    found: dict[str, str] = {}

    def visit(node: ast.AST, loops: list[ast.comprehension]) -> None:
        if isinstance(node, ast.DictComp | ast.ListComp | ast.SetComp | ast.GeneratorExp):
            loops = [*loops, *node.generators]
        argument = _name_argument(node, readers, os_environ=os_environ)
        if argument is not None:
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                names = {argument.value}
            elif isinstance(argument, ast.JoinedStr):
                names = _expand(argument, loops, where)
            else:
                raise AssertionError(
                    f"{where}: an environment variable whose name is not a literal"
                )
            for name in names:
                found.setdefault(name, where)
        for child in ast.iter_child_nodes(node):
            visit(child, loops)

    visit(tree, [])
    return found


@cache
def variables_in_code() -> dict[str, str]:
    """Every environment variable an operator can set: name -> where the code reads it."""
    readers = env_readers()
    found: dict[str, str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "tests" in path.relative_to(PACKAGE).parts or path.name == "conftest.py":
            continue
        if path == SETTINGS / "env.py":
            continue  # the readers themselves, reading the name they are given
        in_settings = path.parent == SETTINGS
        for name, where in _names_in(path, readers, os_environ=in_settings).items():
            found.setdefault(name, where)
    for name in NOT_CONFIGURATION:
        found.pop(name, None)
    return found


def table_rows(text: str) -> list[tuple[int, str]]:
    """(line number, variable) for each table row whose first cell is one `VARIABLE`."""
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if match := ROW_NAME_RE.match(line):
            rows.append((number, match.group(1)))
    return rows


def section(text: str, heading: str) -> str:
    """The text under a `## heading` of a Markdown file, up to the next heading of that level."""
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"README.md: a '## {heading}' section is expected"
    return match.group(1)


def test_the_source_scan_finds_variables():
    found = variables_in_code()
    # One of each kind: a plain reader, a reader outside settings, a name built in a loop.
    for name in ("BYLINE_SECRET_KEY", "DATABASE_URL", "BYLINE_DEMO", "BYLINE_SOCIAL_MASTODON"):
        assert name in found, f"the scan of byline/ no longer finds {name}"
    assert all(NAME_RE.match(name) for name in found), sorted(found)


def test_every_variable_in_the_code_is_documented_exactly_once():
    rows = table_rows(CONFIGURATION.read_text())
    documented = [name for _, name in rows]
    problems = []
    for name, where in sorted(variables_in_code().items()):
        count = documented.count(name)
        if count != 1:
            problems.append(f"{name} (read at {where}) has {count} rows in docs/configuration.md")
    assert not problems, "; ".join(problems)


def test_every_documented_variable_exists_in_the_code():
    known = variables_in_code()
    stale = [
        f"docs/configuration.md:{number}: {name}"
        for number, name in table_rows(CONFIGURATION.read_text())
        if name not in known
    ]
    assert not stale, f"documented but read nowhere in byline/: {', '.join(stale)}"


def test_the_readme_configuration_table_names_known_variables():
    table = section(README.read_text(), "Configuration")
    rows = table_rows(table)
    assert rows, "README.md: the Configuration section has no table of variables"
    known = variables_in_code()
    unknown = [name for _, name in rows if name not in known]
    assert not unknown, f"README.md's configuration table names unknown variables: {unknown}"


def heading_anchors(path: Path) -> set[str]:
    """GitHub's anchors for the headings of a Markdown file (fenced code skipped)."""
    anchors: set[str] = set()
    seen: dict[str, int] = {}
    fenced = False
    for line in path.read_text().splitlines():
        if line.startswith("```"):
            fenced = not fenced
        if fenced or not (match := re.match(r"#{1,6} +(.*?) *#*$", line)):
            continue
        slug = re.sub(r"[^\w\- ]", "", match.group(1).lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        anchors.add(slug if count == 0 else f"{slug}-{count}")
    return anchors


def markdown_files() -> list[Path]:
    return [README, *sorted((ROOT / "docs").glob("*.md"))]


def test_relative_links_point_at_files_and_headings_that_exist():
    broken = []
    for path in markdown_files():
        text = re.sub(r"^```.*?^```", "", path.read_text(), flags=re.M | re.S)
        text = re.sub(r"`[^`\n]*`", "", text)  # code spans show links, they are not links
        for target in LINK_RE.findall(text):
            if re.match(r"[a-z][a-z0-9+.-]*:", target):
                continue  # https:, mailto: ...
            file_part, _, anchor = target.partition("#")
            linked = (path.parent / file_part).resolve() if file_part else path
            where = f"{path.relative_to(ROOT)}: link to {target}"
            if not linked.exists():
                broken.append(f"{where} (no such file)")
            elif anchor and linked.suffix == ".md" and anchor not in heading_anchors(linked):
                broken.append(f"{where} (no such heading)")
    assert not broken, "; ".join(broken)


def test_the_readme_links_every_docs_file():
    readme = README.read_text()
    missing = [
        path.name
        for path in sorted((ROOT / "docs").glob("*.md"))
        if f"(docs/{path.name})" not in readme
    ]
    assert not missing, f"README.md does not link these files of docs/: {missing}"
