"""docs/deploy.md and deploy/ stay true to the code: every setting the app reads is documented, every link leads
somewhere, and the units run the production entry point."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "deploy.md"
DEPLOY = ROOT / "deploy"
# Where the app reads its environment: the configuration, the factory (APP_CONFIG) and the entry point.
READERS = [ROOT / "config.py", ROOT / "wsgi.py", *sorted((ROOT / "app").rglob("*.py"))]
ENVIRONMENT_READ = re.compile(r"""os\.environ(?:\.get\(|\[)\s*["']([A-Z][A-Z0-9_]*)["']""")


def environment_table() -> set[str]:
    """The variable names in the guide's "Environment" table."""
    section = GUIDE.read_text().split("## Environment", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return {name for row in rows for name in re.findall(r"`([A-Z][A-Z0-9_]*)`", row.split(" | ")[0])}


def test_every_variable_the_app_reads_is_in_the_guide() -> None:
    read = {name for path in READERS for name in ENVIRONMENT_READ.findall(path.read_text())}
    assert {"SECRET_KEY", "DATABASE_URL", "RATELIMIT_STORAGE_URI", "APP_CONFIG"} <= read  # the pattern finds them
    assert read - environment_table() == set()


def test_the_example_environment_names_only_documented_variables() -> None:
    example = (DEPLOY / "lbp-screening.env.example").read_text()
    named = set(re.findall(r"^#?([A-Z][A-Z0-9_]*)=", example, flags=re.MULTILINE))
    assert {"SECRET_KEY", "ENCRYPTION_KEYS", "HASH_KEY", "DATABASE_URL", "RATELIMIT_STORAGE_URI"} <= named
    assert named - environment_table() == set()


def test_every_link_in_the_guide_leads_to_a_file() -> None:
    links = re.findall(r"\]\((\.\./[^)#]+|[a-z]+\.md)(?:#[^)]*)?\)", GUIDE.read_text())
    assert links
    missing = [link for link in links if not (GUIDE.parent / link).resolve().exists()]
    assert missing == []


def test_every_file_in_deploy_is_named_in_the_guide() -> None:
    guide = GUIDE.read_text()
    files = [path.relative_to(ROOT).as_posix() for path in DEPLOY.rglob("*") if path.is_file()]
    assert files
    assert [name for name in files if Path(name).name not in guide] == []


def test_the_units_run_the_production_entry_point_with_the_apps_environment() -> None:
    for unit in (DEPLOY / "systemd").glob("*.service"):
        text = unit.read_text()
        assert "EnvironmentFile=/etc/lbp-screening/env" in text, unit.name
        assert "User=lbp" in text, unit.name
    assert "wsgi:app" in (DEPLOY / "systemd" / "lbp-screening.service").read_text()
    example = (DEPLOY / "lbp-screening.env.example").read_text()
    assert "APP_CONFIG=production" in example.splitlines()
