"""Rate-limit storage: a shared Redis that stops answering neither fails requests nor lifts the limits.

The limiter is one object per process (``app/web/extensions.py``) and remembers that its storage was down, so this runs
in a process of its own, as a server would.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PROBE = """
import json, sys
from app import create_app
app = create_app({
    "APP_CONFIG": "testing",
    "SQLALCHEMY_DATABASE_URI": sys.argv[1],
    "RATELIMIT_STORAGE_URI": sys.argv[2],
    "SIGN_IN_LIMIT_PER_IP": "2 per minute",
    "SIGN_IN_LIMIT_PER_ACCOUNT": "100 per minute",
})
client = app.test_client()
statuses = [
    client.post("/staff/sign-in", data={"email": f"guess{n}@clinic.test", "password": "wrong guess"}).status_code
    for n in range(3)
]
print(json.dumps({"statuses": statuses, "storage_options": app.config["RATELIMIT_STORAGE_OPTIONS"]}))
"""


def closed_port() -> int:
    """A port nothing listens on (bound, then released): connecting is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_an_unreachable_redis_counts_limits_in_the_process_instead_of_failing(app, database_url):
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", PROBE, database_url, f"redis://127.0.0.1:{closed_port()}/0"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout)
    # The first two wrong passwords are answered as such, the third is refused by the limit: no 500 on the way.
    assert probe["statuses"] == [401, 401, 429]
    assert "falling back to in-memory storage" in result.stderr
    # Redis is given up on quickly rather than after the operating system's connect timeout.
    assert probe["storage_options"] == {"socket_connect_timeout": 1.0, "socket_timeout": 1.0}
    assert time.monotonic() - started < 30
