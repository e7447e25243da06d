"""The production set-up the deploy guide documents: Django's deployment checks on its
environment file, and the addresses the `byline` command prints."""

from __future__ import annotations

import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from byline.tests.servers import byline, server_env

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = (ROOT / "docs" / "deploy.md").read_text()


def documented_environment(data_dir: Path) -> dict[str, str]:
    """The environment file of docs/deploy.md, section 1, with a real secret key."""
    block = next(
        b for b in re.findall(r"```sh\n(.*?)```", DEPLOY, re.S) if "BYLINE_SECRET_KEY=" in b
    )
    variables = {}
    for line in block.splitlines():
        if match := re.match(r"([A-Z][A-Z0-9_]*)=(.*?)(\s+#.*)?$", line):
            variables[match.group(1)] = match.group(2)
    assert {"BYLINE_SITE_URL", "BYLINE_BEHIND_PROXY", "DATABASE_URL"} <= set(variables)
    variables |= {"BYLINE_SECRET_KEY": secrets.token_urlsafe(48), "BYLINE_DATA_DIR": str(data_dir)}
    return server_env(data_dir, 8000, **variables)


def check_deploy(env: dict[str, str]) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-m", "byline", "check", "--deploy"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return set(re.findall(r"\(([a-z_]+\.[A-Z]\d+)\)", result.stdout + result.stderr))


def documented_warnings() -> set[str]:
    section = re.search(r"\n#+ [^\n]*check --deploy[^\n]*\n(.*?)(?=\n#+ )", DEPLOY, re.S)
    assert section, "docs/deploy.md: a section about `byline check --deploy` is expected"
    return set(re.findall(r"`([a-z_]+\.[A-Z]\d+)`", section.group(1)))


def test_check_deploy_says_only_what_the_deploy_guide_explains(tmp_path):
    found = check_deploy(documented_environment(tmp_path / "data"))
    documented = documented_warnings()
    assert found - documented == set(), "warnings the deploy guide does not explain"
    assert documented - found == set(), "the deploy guide explains warnings that no longer occur"


def test_the_hsts_warnings_go_when_the_operator_commits_the_domain(tmp_path):
    env = documented_environment(tmp_path / "data") | {
        "BYLINE_HSTS_INCLUDE_SUBDOMAINS": "on",
        "BYLINE_HSTS_PRELOAD": "on",
    }
    assert check_deploy(env) & {"security.W005", "security.W021"} == set()


def test_preload_without_subdomains_stops_start_up(tmp_path):
    env = documented_environment(tmp_path / "data") | {"BYLINE_HSTS_PRELOAD": "on"}
    result = subprocess.run(
        [sys.executable, "-m", "byline", "check"], env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert result.returncode != 0
    assert "BYLINE_HSTS_PRELOAD" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", ["run", "serve"])
def test_a_connection_limit_beyond_the_open_file_limit_is_refused(tmp_path, command):
    env = server_env(tmp_path / "data", 8399, BYLINE_MAX_CONNECTIONS="999999")
    result = subprocess.run(
        ["/bin/sh", "-c", f'ulimit -n 4096 && exec "{sys.executable}" -m byline {command}'],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode != 0
    assert "BYLINE_MAX_CONNECTIONS" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "data" / "byline.sqlite3").exists()  # nothing was prepared


def test_byline_import_prints_the_address_the_server_listens_on(tmp_path):
    env = server_env(tmp_path / "data", 8312)
    byline("migrate", "--no-input", env=env)
    story = tmp_path / "story.md"
    story.write_text('---\ntitle: "Port test"\nauthor: "Ann"\n---\n\nWords.\n')
    out = byline("import", str(story), env=env)
    assert "imported: Port test -> http://127.0.0.1:8312/@ann/port-test" in out
    out = byline("import", str(story), env=env | {"BYLINE_SITE_URL": "https://stories.example.org"})
    assert "https://stories.example.org/@ann/port-test" in out


def test_backpressure_is_refused_naming_the_setting_that_limits_connections(tmp_path):
    env = server_env(tmp_path / "data", 8000, BYLINE_BACKPRESSURE="4")
    result = subprocess.run(
        [sys.executable, "-m", "byline", "check"], env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert result.returncode != 0
    assert "BYLINE_MAX_CONNECTIONS" in result.stderr
