"""The least a questionnaire step and a stored assessment must do, in plain Flask: how close the real ones can come.

``GET /step``: one ``SELECT`` of a draft's answers from SQLite through SQLAlchemy Core, a CSRF token in a new session
cookie (Flask-WTF), and a page as long as the real step's. No templates, no security headers, no rate limiter, no
translations: whatever the real step costs beyond this is the app's own work.

``POST /assessments``: what the API's contract cannot skip. The per-address limit (Flask-Limiter, memory storage),
the body decoded, the answers validated and assessed by the app's own pure core, one ``INSERT`` of answers and
record in a write transaction of its own (``BEGIN IMMEDIATE``), and the assessment as JSON with 201.

Settings from the environment: ``FLOOR_DATABASE`` (a SQLite file, created here) and ``FLOOR_PAGE_BYTES``.
"""

import json
import os
import secrets

from flask import Flask, abort, jsonify, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect, generate_csrf
from sqlalchemy import create_engine, event, text

from app import rules
from app.questionnaires import CURRENT

app = Flask(__name__)
app.config["SECRET_KEY"] = secrets.token_urlsafe(48)
csrf = CSRFProtect(app)
limiter = Limiter(get_remote_address, app=app, storage_uri="memory://")

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
        text(
            "CREATE TABLE IF NOT EXISTS assessment (id INTEGER PRIMARY KEY, public_id TEXT NOT NULL UNIQUE,"
            " answers TEXT NOT NULL, result TEXT NOT NULL, rules_version TEXT NOT NULL)"
        )
    )
    setup.execute(
        text("INSERT OR REPLACE INTO draft VALUES ('token', :answers)"),
        {"answers": json.dumps({f"q{n}": "an answer" for n in range(30)})},
    )

READ = text("SELECT answers FROM draft WHERE token = :token")
INSERT = text(
    "INSERT INTO assessment (public_id, answers, result, rules_version) VALUES (:public_id, :answers, :result, :rules)"
)
PAGE = "<!doctype html><p>" + "x" * max(int(os.environ.get("FLOOR_PAGE_BYTES", "0")) - 120, 0)


@app.get("/step")
def step() -> str:
    with engine.connect() as connection:
        answers = json.loads(connection.execute(READ, {"token": "token"}).scalar_one())
    return f'{PAGE}<input type="hidden" name="csrf_token" value="{generate_csrf()}">{len(answers)}'


@app.post("/assessments")
@csrf.exempt
@limiter.limit("100000000 per hour")
def store_assessment() -> tuple[object, int]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("answers"), dict):
        abort(400)
    answers, errors = CURRENT.validate(body["answers"])
    if errors:
        return jsonify(sorted(errors)), 422
    assessment = rules.assess(answers, CURRENT)
    result = assessment.to_json()
    public_id = secrets.token_urlsafe(16)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
        connection.execute(
            INSERT,
            {
                "public_id": public_id,
                "answers": json.dumps(answers),
                "result": json.dumps(rules.compact(result)),
                "rules": assessment.rules_version,
            },
        )
        connection.exec_driver_sql("COMMIT")
    return jsonify({"id": public_id, **result}), 201
