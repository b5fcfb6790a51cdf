"""The practitioners' pages at scale: a dedicated database of synthetic submissions (``flask seed``), then p50/p95
of the queue (first, filtered and deep pages, a name search) and a submission's page, through the Flask test client
signed in through the real form; and the memory of a streamed CSV export at two sizes.

It never touches the test database: SQLite goes to ``--sqlite-path`` (default ``instance/bench_queue.db``),
PostgreSQL to its own database (``--pg-url``, default ``.../bench_queue``, dropped and created when seeding).
Seeding 1,000,000 submissions takes minutes; ``--reuse`` keeps a database that already holds ``--count`` rows.

    .venv/bin/python bench/bench_queue.py --count 1000000 [--engine sqlite|postgresql|both] [--requests 200]
        [--reuse] [--output docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402 - needs the repository root on the path
from flask.testing import FlaskClient  # noqa: E402
from sqlalchemy import create_engine, func, select, text  # noqa: E402

from app import create_app  # noqa: E402
from app.cli import synthetic  # noqa: E402
from app.models import DONE_STATUSES, Contact, Submission, User  # noqa: E402
from app.questionnaires import current  # noqa: E402
from app.review import filters, queue  # noqa: E402
from app.staff import passwords  # noqa: E402
from app.web.extensions import db  # noqa: E402
from bench.databases import fresh_database  # noqa: E402

EMAIL = "bench@clinic.test"
PASSWORD = "a long benchmark passphrase"
PAGE = 50
DEEP_PAGE = 500
TARGET_MS = 100
BEGIN_MARK = "<!-- bench_queue.py: results begin -->"
END_MARK = "<!-- bench_queue.py: results end -->"


@dataclass
class Timing:
    label: str
    path: str
    p50: float
    p95: float
    worst: float
    count: int


def build_app(url: str) -> Flask:
    # Testing settings: CSRF off for the scripted sign-in, no second factor, generous limits.
    return create_app({"APP_CONFIG": "testing", "SQLALCHEMY_DATABASE_URI": url})


def stored_count(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.scalar(text("SELECT count(*) FROM submission")) or 0)
    except Exception:  # no database or no table yet
        return -1
    finally:
        engine.dispose()


def prepare(url: str, count: int, reuse: bool) -> float | None:
    """A database holding ``count`` synthetic submissions; returns the seconds seeding took (None if reused)."""
    if reuse and stored_count(url) == count:
        return None
    from flask_migrate import upgrade

    fresh_database(url)
    app = build_app(url)
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        with db.engine.connect() as conn:

            def progress(made: synthetic.Counts) -> None:
                if made.submissions % 100_000 == 0:
                    rate = made.submissions / (time.perf_counter() - started)
                    print(f"  {made.submissions:,} seeded ({rate:,.0f}/s)", flush=True)

            synthetic.seed(
                conn, current(), datetime.now(UTC), count, rng=random.Random(1), batch=2000, progress=progress
            )
        seconds = time.perf_counter() - started
        # Fresh statistics, and on PostgreSQL a visibility map so counts can be index-only scans (VACUUM runs outside
        # a transaction there; on SQLite, ANALYZE must be committed like any write).
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
        else:
            with db.engine.begin() as conn:
                conn.execute(text("ANALYZE"))
        db.engine.dispose()
    return seconds


def signed_in(app: Flask) -> FlaskClient:
    with app.app_context():
        if db.session.scalar(select(User).where(User.email == EMAIL)) is None:
            db.session.add(User(email=EMAIL, role="practitioner", password_hash=passwords.hash_password(PASSWORD)))
            db.session.commit()
    client = app.test_client()
    response = client.post("/staff/sign-in", data={"email": EMAIL, "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    return client


def deep_cursor(app: Flask, page: int) -> str:
    """The cursor after ``page - 1`` full pages of the queue with self-screens (found once with OFFSET)."""
    with app.app_context():
        is_open = Submission.status.not_in(DONE_STATUSES)
        row = db.session.execute(
            select(is_open, Submission.urgent, Submission.created_at, Submission.id)
            .order_by(is_open.desc(), Submission.urgent.desc(), Submission.created_at.desc(), Submission.id.desc())
            .offset((page - 1) * PAGE - 1)
            .limit(1)
        ).one()
        return queue.Cursor(bool(row[0]), bool(row[1]), row[2], row[3]).encode()


def sample_ids(app: Flask, n: int) -> list[int]:
    with app.app_context():
        top = db.session.scalar(select(func.max(Submission.id))) or 1
        rng = random.Random(7)
        return [rng.randint(1, top) for _ in range(n)]


def a_name_search(app: Flask) -> str:
    with app.app_context():
        digest = db.session.scalar(select(Contact.name_hash).order_by(Contact.id.desc()).limit(1))
        return f"name.{digest}"


def measure(client: FlaskClient, label: str, paths: list[str], warmup: int = 5) -> Timing:
    for path in paths[:warmup]:
        client.get(path).get_data()
    times = []
    for path in paths:
        started = time.perf_counter()
        response = client.get(path)
        response.get_data()
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return Timing(label, paths[0], statistics.median(times), p95, times[-1], len(times))


def page_timings(url: str, requests: int, cursor: str, find: str) -> list[Timing]:
    app = build_app(url)
    client = signed_in(app)
    since = (datetime.now(UTC) - timedelta(days=90)).date().isoformat()
    ids = sample_ids(app, requests)
    timings = [
        measure(client, "queue, first page (intake)", ["/staff/"] * requests),
        measure(client, "queue, first page with self-screens", ["/staff/?screens=1"] * requests),
        measure(
            client,
            "queue, filtered: new, cold-damp, last 90 days",
            [f"/staff/?status=new&pattern=cold_damp&from={since}"] * requests,
        ),
        measure(client, f"queue, page {DEEP_PAGE} (keyset)", [f"/staff/?screens=1&after={cursor}"] * requests),
        measure(client, "queue, exact name search", [f"/staff/?find={find}"] * requests),
        measure(client, "submission page", [f"/staff/submissions/{i}" for i in ids]),
    ]
    with app.app_context():
        db.engine.dispose()
    return timings


def csv_probe(url: str, rows: int, traced: bool) -> dict[str, float]:
    """Run in a child process: stream an export of about ``rows`` rows; report time and memory."""
    app = build_app(url)
    client = signed_in(app)
    with app.app_context():
        newest = db.session.execute(
            select(Submission.created_at).order_by(Submission.created_at.desc()).offset(rows - 1).limit(1)
        ).scalar_one()
    path = f"/staff/export.csv?screens=1&from={newest.date().isoformat()}"
    client.get("/staff/export.csv?status=closed&from=2999-01-01").get_data()  # warm up the export path
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    response = client.get(path)
    lines = 0
    size = 0
    for chunk in response.response:  # consumed as a client would, chunk by chunk
        lines += chunk.count(b"\n") if isinstance(chunk, bytes) else chunk.count("\n")
        size += len(chunk)
    seconds = time.perf_counter() - started
    traced_peak = tracemalloc.get_traced_memory()[1] if traced else 0
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "rows": lines - 1,
        "megabytes": size / 1e6,
        "seconds": seconds,
        "rss_before_mb": rss_before / 1024,
        "rss_peak_mb": rss_after / 1024,
        "traced_peak_mb": traced_peak / 1e6,
    }


def csv_memory(url: str, rows: int, traced: bool) -> dict[str, float]:
    command = [sys.executable, __file__, "--csv-probe", url, "--rows", str(rows)] + (["--traced"] if traced else [])
    out = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT).stdout
    return json.loads(out.strip().splitlines()[-1])


def plans(url: str, cursor: str, find: str) -> list[str]:
    """How each engine runs the queue's own statements (compiled from ``app.review.queue``), in a line each."""
    app = build_app(url)
    since = (datetime.now(UTC) - timedelta(days=90)).date()
    field, _, digest = find.partition(".")
    with app.app_context():
        among = queue.contact_ids(filters.Filters(contact=(field, digest)))
    statements = {
        "first page (intake)": queue.keys_statement(filters.Filters(), None, PAGE + 1),
        "first page with self-screens": queue.keys_statement(filters.Filters(include_screens=True), None, PAGE + 1),
        "filtered": queue.keys_statement(
            filters.Filters(status="new", pattern="cold_damp", date_from=since), None, PAGE + 1
        ),
        f"page {DEEP_PAGE}": queue.keys_statement(
            filters.Filters(include_screens=True), queue.Cursor.decode(cursor), PAGE + 1
        ),
        "name search": queue.keys_statement(filters.Filters(contact=(field, digest)), None, PAGE + 1, among),
        "counts per status": queue.status_counts_statement(),
    }
    lines = []
    with app.app_context(), db.engine.connect() as conn:
        for label, statement in statements.items():
            assert statement is not None
            sql = str(statement.compile(conn, compile_kwargs={"literal_binds": True}))
            if conn.dialect.name == "sqlite":
                steps = [row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql)]
                steps = [step for step in steps if step.startswith(("SEARCH", "SCAN submission", "USE TEMP"))]
            else:
                steps = [row[0].replace("->", "").strip() for row in conn.exec_driver_sql("EXPLAIN " + sql)]
                steps = [step.split("  (cost")[0] for step in steps if "(cost" in step]
            unique = list(dict.fromkeys(steps))
            lines.append(f"| {conn.dialect.name} | {label} | {'; '.join(unique)} |")
        db.engine.dispose()
    return lines


def report(results: dict[str, dict[str, object]], count: int) -> str:
    load = os.getloadavg()[0]
    out = [
        "# Practitioner pages at scale",
        "",
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {os.cpu_count()} CPUs, {platform.system()} "
        f"{platform.machine()}, Python {platform.python_version()}; load average {load:.2f} at the end",
        f"- Data: {count:,} synthetic submissions from `flask seed` (real rules on generated answers; about 30% intake "
        "with encrypted contact details, 5% urgent, two years of dates), in a dedicated database per engine",
        "- Requests: the Flask test client in one thread, signed in through the sign-in form; each figure over "
        "the requests shown, after a warm-up; every page writes its audit event as in production",
        "- Reproduce: `.venv/bin/python bench/bench_queue.py --count N --engine both --output docs/benchmarks.md`",
        "",
        f"| engine | page | requests | p50 ms | p95 ms | max ms | p95 < {TARGET_MS} ms |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for engine, result in results.items():
        for t in result["timings"]:  # type: ignore[attr-defined]
            met = "yes" if t.p95 < TARGET_MS else "**no**"
            out.append(f"| {engine} | {t.label} | {t.count} | {t.p50:.1f} | {t.p95:.1f} | {t.worst:.1f} | {met} |")
    out += [
        "",
        "CSV export, streamed (rows in queue order, a batch at a time); peak RSS of a fresh process, and the peak of "
        "Python allocations (tracemalloc) in a second run:",
        "",
        "| engine | rows | MB of CSV | seconds | rows/s | RSS before MB | RSS peak MB | tracemalloc peak MB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for engine, result in results.items():
        for probe, traced in result["csv"]:  # type: ignore[attr-defined]
            out.append(
                f"| {engine} | {probe['rows']:,} | {probe['megabytes']:.0f} | {probe['seconds']:.1f} | "
                f"{probe['rows'] / probe['seconds']:,.0f} | {probe['rss_before_mb']:.0f} | "
                f"{probe['rss_peak_mb']:.0f} | {traced['traced_peak_mb']:.1f} |"
            )
    seeded = [f"{engine}: {r['seeded']:.0f} s" for engine, r in results.items() if r["seeded"] is not None]
    if seeded:
        out += ["", f"Seeding took {', '.join(seeded)} ({count:,} submissions with their contacts and reviews)."]
    out += ["", "Query plans of the queue's scans:", "", "| engine | query | plan |", "|---|---|---|"]
    for result in results.values():
        out += result["plans"]  # type: ignore[arg-type]
    return "\n".join(out) + "\n"


def write(path: Path, block: str) -> None:
    text_now = path.read_text(encoding="utf-8") if path.exists() else ""
    wrapped = f"{BEGIN_MARK}\n{block}{END_MARK}\n"
    if BEGIN_MARK in text_now and END_MARK in text_now:
        before, rest = text_now.split(BEGIN_MARK, 1)
        after = rest.split(END_MARK, 1)[1].lstrip("\n")
        path.write_text(before + wrapped + ("\n" + after if after else ""), encoding="utf-8")
    else:  # appended after whatever the file holds (the HTTP benchmark's section)
        path.write_text((text_now.rstrip("\n") + "\n\n" if text_now else "") + wrapped, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--engine", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--sqlite-path", default=str(ROOT / "instance" / "bench_queue.db"))
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/bench_queue")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--csv-rows", default="10000,100000")
    parser.add_argument("--reuse", action="store_true", help="keep a database that already holds --count rows")
    parser.add_argument("--output", type=Path)
    parser.add_argument("--csv-probe", help=argparse.SUPPRESS)
    parser.add_argument("--rows", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--traced", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("APP_CONFIG", "testing")
    if args.csv_probe:
        print(json.dumps(csv_probe(args.csv_probe, args.rows, args.traced)))
        return

    urls = {"sqlite": f"sqlite:///{args.sqlite_path}", "postgresql": args.pg_url}
    engines = ["sqlite", "postgresql"] if args.engine == "both" else [args.engine]
    results: dict[str, dict[str, object]] = {}
    for engine in engines:
        url = urls[engine]
        print(f"{engine}: preparing {args.count:,} submissions", flush=True)
        seeded = prepare(url, args.count, args.reuse)
        print(f"{engine}: timing pages", flush=True)
        probe_app = build_app(url)
        cursor, find = deep_cursor(probe_app, DEEP_PAGE), a_name_search(probe_app)
        with probe_app.app_context():
            db.engine.dispose()
        timings = page_timings(url, args.requests, cursor, find)
        for t in timings:
            print(f"  {t.label}: p50 {t.p50:.1f} ms, p95 {t.p95:.1f} ms, max {t.worst:.1f} ms", flush=True)
        csv = []
        for rows in (int(r) for r in args.csv_rows.split(",")):
            plain, traced = csv_memory(url, rows, traced=False), csv_memory(url, rows, traced=True)
            print(
                f"  CSV {plain['rows']:,} rows: {plain['seconds']:.1f} s, RSS peak {plain['rss_peak_mb']:.0f} MB "
                f"(before {plain['rss_before_mb']:.0f}), tracemalloc peak {traced['traced_peak_mb']:.1f} MB",
                flush=True,
            )
            csv.append((plain, traced))
        results[engine] = {"timings": timings, "csv": csv, "seeded": seeded, "plans": plans(url, cursor, find)}
    block = report(results, args.count)
    print(block)
    if args.output:
        write(args.output, block)


if __name__ == "__main__":
    main()
