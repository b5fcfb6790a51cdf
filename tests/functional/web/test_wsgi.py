"""The production entry point (``wsgi.py``): production configuration always, and no start without its keys."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[3]
PROBE = "import wsgi; a = wsgi.app; print(a.debug, a.testing, a.jinja_env.auto_reload)"


def _run(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ENCRYPTION_KEYS", "HASH_KEY", "APP_CONFIG")}
    base.update(DATABASE_URL=f"sqlite:///{tmp_path / 'app.db'}", **env)
    return subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=base, capture_output=True, text=True, timeout=60, check=False
    )


@pytest.mark.parametrize(
    "env",
    [
        {},
        {"APP_CONFIG": "development"},  # asking for development changes nothing
        {"SECRET_KEY": "dev-only-not-secret"},
        {"SECRET_KEY": "x" * 40},  # no encryption or hash keys
    ],
    ids=["nothing", "development-asked", "development-key", "no-data-keys"],
)
def test_wsgi_refuses_to_start_without_production_keys(tmp_path: Path, env: dict[str, str]) -> None:
    result = _run(tmp_path, **env)
    assert result.returncode != 0
    assert "RuntimeError: Set " in result.stderr


def test_wsgi_serves_the_production_configuration(tmp_path: Path) -> None:
    keys = {"SECRET_KEY": "s" * 40, "ENCRYPTION_KEYS": Fernet.generate_key().decode(), "HASH_KEY": "h" * 40}
    result = _run(tmp_path, APP_CONFIG="development", **keys)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False", "False"]
