"""Configuration from the environment: bad values stop start-up naming the variable."""

import os
import subprocess
import sys

import pytest


def run_check(tmp_path, **env):
    environment = {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith("BYLINE_") and k != "DATABASE_URL"
        },
        "BYLINE_DATA_DIR": str(tmp_path / "data"),
        "DJANGO_SETTINGS_MODULE": "byline.settings.base",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "byline", "check"],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("BYLINE_DEBUG", "perhaps"),
        ("PORT", "eighty"),
        ("BYLINE_REVIEW", "sometimes"),
        ("DATABASE_URL", "mysql://x"),
        ("REDIS_URL", "http://localhost"),
        ("BYLINE_SITE_URL", "ftp://x"),
        ("BYLINE_SECRET_KEY", "short"),
        ("BYLINE_IMAGE_MAX_PIXELS", "-3"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(tmp_path, name, value):
    if name == "PORT":
        result = subprocess.run(
            [sys.executable, "-m", "byline", "run", "--prepare-only", "--no-demo"],
            capture_output=True,
            text=True,
            timeout=120,
            env={
                **os.environ,
                "BYLINE_DATA_DIR": str(tmp_path / "d"),
                "PORT": value,
                "DJANGO_SETTINGS_MODULE": "byline.settings.base",
            },
        )
    else:
        result = run_check(tmp_path, **{name: value})
    assert result.returncode != 0
    assert name in result.stderr
    assert "Traceback" not in result.stderr


def test_a_secret_key_is_generated_once_and_kept(tmp_path):
    assert run_check(tmp_path).returncode == 0
    key_file = tmp_path / "data" / "secret_key"
    first = key_file.read_text()
    assert len(first) >= 50
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert run_check(tmp_path).returncode == 0
    assert key_file.read_text() == first


def test_defaults_start_cleanly(tmp_path):
    result = run_check(tmp_path)
    assert result.returncode == 0, result.stderr
