"""The least a questionnaire step must do, in plain Flask: the reference for how close the real step can come.

One ``SELECT`` of a draft's answers from SQLite through SQLAlchemy Core, a CSRF token in a new session cookie
(Flask-WTF), and a page as long as the real step's. No templates, no security headers, no rate limiter, no
translations: whatever the real step costs beyond this is the app's own work.

Settings from the environment: ``FLOOR_DATABASE`` (a SQLite file, created here) and ``FLOOR_PAGE_BYTES``.
"""

import json
import os
import secrets

from flask import Flask
from flask_wtf.csrf import CSRFProtect, generate_csrf
from sqlalchemy import create_engine, event, text

app = Flask(__name__)
app.config["SECRET_KEY"] = secrets.token_urlsafe(48)
CSRFProtect(app)

engine = create_engine(f"sqlite:///{os.environ['FLOOR_DATABASE']}")


@event.listens_for(engine, "connect")
def _tune(connection, _record):  # type: ignore[no-untyped-def]
    """As the app tunes SQLite: WAL, a busy timeout, the driver's own transactions off."""
    connection.isolation_level = None
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=5000"):
        connection.execute(f"PRAGMA {pragma}")


with engine.begin() as setup:
    setup.execute(text("CREATE TABLE IF NOT EXISTS draft (token TEXT PRIMARY KEY, answers TEXT NOT NULL)"))
    setup.execute(
        text("INSERT OR REPLACE INTO draft VALUES ('token', :answers)"),
        {"answers": json.dumps({f"q{n}": "an answer" for n in range(30)})},
    )

READ = text("SELECT answers FROM draft WHERE token = :token")
PAGE = "<!doctype html><p>" + "x" * max(int(os.environ.get("FLOOR_PAGE_BYTES", "0")) - 120, 0)


@app.get("/step")
def step() -> str:
    with engine.connect() as connection:
        answers = json.loads(connection.execute(READ, {"token": "token"}).scalar_one())
    return f'{PAGE}<input type="hidden" name="csrf_token" value="{generate_csrf()}">{len(answers)}'
