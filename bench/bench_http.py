"""HTTP throughput of the app relative to a bare Flask app, both under gunicorn with the same settings.

Everything stays on 127.0.0.1 and every load is bounded in time. The load comes from ``wrk`` when it is installed
(``apt-get install wrk``), else from a small threaded Python client (slower: it then caps the bare app's figure,
which flatters the ratios; the report says which client ran).

    .venv/bin/python bench/bench_http.py [--duration 10] [--connections 8] [--output docs/benchmarks.md]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_http] [--only "stored assessment"]

Targets: a GET answers at least 0.40 of the bare app's requests per second and a POST 0.25; a questionnaire step
at least 0.90 of what its plain-Flask floor (``bench/floor_app.py``) reaches in the same run.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import itertools
import json
import os
import platform
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy.engine import make_url  # noqa: E402

from bench.databases import fresh_database  # noqa: E402 - needs the repository root on the path
from tests.answers import typical_answers  # noqa: E402

HOST = "127.0.0.1"
# Identical for both apps, and the production unit's (deploy/systemd/lbp-screening.service): two processes (one per core
# here), a few threads each for keep-alive connections.
# ``--server sync`` runs both with sync workers instead (no keep-alive), for comparison.
SERVERS = {
    "gthread": ["--workers", "2", "--worker-class", "gthread", "--threads", "4", "--keep-alive", "5"],
    "sync": ["--workers", "2"],
}
GUNICORN_SETTINGS = list(SERVERS["gthread"])
TARGETS = {"GET": 0.40, "POST": 0.25}
FLOOR_LABEL = "for comparison: the step's least work in plain Flask (bench/floor_app.py)"
POST_FLOOR_LABEL = "for comparison: a stored assessment's least work in plain Flask (bench/floor_app.py)"
STEP_LABEL = "questionnaire step: GET /check/<token>/<section>"
OF_FLOOR = 0.90  # a step meets its target within 10% of its floor
ENGINES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}


@dataclass
class Endpoint:
    label: str
    method: str
    path: str
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    reference: bool = False  # measured for comparison, with no target of its own
    floor: str | None = None  # the label of the reference whose ratio sets this endpoint's target


@dataclass
class Result:
    endpoint: Endpoint
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    bad_responses: int
    # CPU time (user + system) the server's processes spent per request, in microseconds: unlike requests per
    # second, it hardly moves when other work on the machine takes CPU away from the server.
    cpu_us: float = float("nan")


@dataclass
class Server:
    port: int
    pid: int

    def cpu_seconds(self) -> float:
        """CPU time used so far by gunicorn's master and workers (Linux /proc; NaN elsewhere)."""
        try:
            ticks = 0
            for entry in Path("/proc").iterdir():
                if not entry.name.isdigit():
                    continue
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if entry.name == str(self.pid) or fields[1] == str(self.pid):  # fields[1] is the parent's pid
                    ticks += int(fields[11]) + int(fields[12])  # utime, stime
            return ticks / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            return float("nan")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@contextmanager
def gunicorn(target: str, chdir: Path, env: dict[str, str], log: Path, ready_path: str) -> Iterator[Server]:
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        *GUNICORN_SETTINGS,
        "--bind",
        f"{HOST}:{port}",
        "--chdir",
        str(chdir),
        "--log-level",
        "warning",
        target,
    ]
    # gunicorn's own warnings and the app's log (a 503's reason, say) both go to the log file.
    with log.open("ab") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn {target} exited; see {log}")
            try:
                if request(port, "GET", ready_path)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn {target} did not answer {ready_path} in 30 s; see {log}")
            time.sleep(0.2)
        yield Server(port, process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def request(
    port: int, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        connection.request(method, path, body=body or None, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


class _CsrfField(HTMLParser):
    token = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "input" and values.get("name") == "csrf_token":
            self.token = values.get("value") or ""


def start_draft(port: int) -> str | None:
    """Start a questionnaire as a browser does (start page, CSRF token, POST /start); the first step's path."""
    status, headers, page = request(port, "GET", "/")
    parser = _CsrfField()
    parser.feed(page.decode())
    cookie = headers.get("set-cookie", "").split(";", 1)[0]
    if status != 200 or not parser.token or not cookie:
        return None
    form = f"csrf_token={parser.token}".encode()
    status, headers, _ = request(
        port,
        "POST",
        "/start",
        form,
        {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
    )
    location = headers.get("location", "")
    if status not in (302, 303) or "/check/" not in location:
        return None
    return urlsplit(location).path


# Load generators


def run_wrk(port: int, endpoint: Endpoint, seconds: float, connections: int, raw: Path) -> Result:
    lines = [f'wrk.method = "{endpoint.method}"']
    if endpoint.body:
        lines.append(f"wrk.body = [==[{endpoint.body.decode()}]==]")
    lines += [f'wrk.headers["{name}"] = "{value}"' for name, value in endpoint.headers]
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write("\n".join(lines) + "\n")
        script.flush()
        duration = f"{max(1, round(seconds))}s"  # wrk takes whole seconds
        command = ["wrk", "--latency", "-t", "2", "-c", str(connections), "-d", duration, "-s", script.name]
        output = subprocess.run(
            [*command, f"http://{HOST}:{port}{endpoint.path}"],
            capture_output=True,
            text=True,
            check=True,
            timeout=seconds + 60,
        ).stdout
    raw.write_text(output)

    def latency(percentile: str) -> float:
        match = re.search(rf"^\s*{percentile}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
        if match is None:
            return float("nan")
        return float(match[1]) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[match[2]]

    total = re.search(r"^\s*(\d+) requests in", output, re.MULTILINE)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    assert total is not None and rps is not None, output
    return Result(
        endpoint,
        float(rps[1]),
        latency("50"),
        latency("99"),
        int(total[1]),
        (int(bad[1]) if bad else 0) + (sum(int(n) for n in errors.groups()) if errors else 0),
    )


def run_python(port: int, endpoint: Endpoint, seconds: float, connections: int, raw: Path) -> Result:
    statuses: Counter[int] = Counter()
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client() -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=10)
        mine: list[float] = []
        seen: Counter[int] = Counter()
        headers = dict(endpoint.headers)
        while (started := time.monotonic()) < deadline:
            try:
                connection.request(endpoint.method, endpoint.path, body=endpoint.body or None, headers=headers)
                response = connection.getresponse()
                response.read()
                seen[response.status] += 1
            except (OSError, http.client.HTTPException):
                seen[0] += 1
                connection.close()
                connection = http.client.HTTPConnection(HOST, port, timeout=10)
            mine.append(time.monotonic() - started)
        connection.close()
        with lock:
            latencies.extend(mine)
            statuses.update(seen)

    began = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    total = sum(statuses.values())
    raw.write_text(json.dumps({"statuses": statuses, "seconds": elapsed}, default=dict) + "\n")
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [float("nan")] * 99
    return Result(
        endpoint,
        total / elapsed,
        cuts[49] * 1000,
        cuts[98] * 1000,
        total,
        sum(n for status, n in statuses.items() if not 200 <= status < 400),
    )


# The run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of load per endpoint (default 10)")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of unmeasured load first (default 2)")
    parser.add_argument("--connections", type=int, default=8, help="concurrent keep-alive connections (default 8)")
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--server", choices=sorted(SERVERS), default="gthread", help="gunicorn settings for both apps")
    parser.add_argument("--rounds", type=int, default=1, help="measure every endpoint this many times (medians)")
    parser.add_argument("--output", type=Path, help="write the report (Markdown) to this file")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument(
        "--database-url",
        help="run the app on this database, emptied first (e.g. a PostgreSQL database of its own); default: SQLite",
    )
    parser.add_argument(
        "--only", action="append", default=[], help="measure only endpoints whose label starts with this (repeatable)"
    )
    args = parser.parse_args()
    GUNICORN_SETTINGS[:] = SERVERS[args.server]
    use_wrk = args.client == "wrk" or (args.client == "auto" and shutil.which("wrk") is not None)
    load = run_wrk if use_wrk else run_python
    client_name = "wrk" if use_wrk else "Python threads with http.client keep-alive"

    work = Path(tempfile.mkdtemp(prefix="bench-"))
    results_dir = ROOT / "bench" / "results"
    results_dir.mkdir(exist_ok=True)

    def measure(server: Server, endpoint: Endpoint, name: str) -> Result:
        cpu_before = server.cpu_seconds()
        result = load(server.port, endpoint, args.duration, args.connections, results_dir / f"{name}.raw")
        result.cpu_us = (server.cpu_seconds() - cpu_before) / max(result.requests, 1) * 1e6
        print(
            f"  {endpoint.label:<50} {result.requests_per_second:>9.1f} req/s  ({result.requests} requests, "
            f"{result.cpu_us:.0f} µs of server CPU each)"
        )
        return result

    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "FLASK_DEBUG"}}
    env.update(
        APP_CONFIG="production",
        # The load comes from one address; the per-address limit on stored assessments would stop it.
        API_SUBMIT_LIMIT="100000000 per hour",
        SECRET_KEY=secrets.token_urlsafe(48),
        ENCRYPTION_KEYS=base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        HASH_KEY=secrets.token_urlsafe(48),
        DATABASE_URL=args.database_url or f"sqlite:///{work / 'bench.db'}",
        PYTHONDONTWRITEBYTECODE="1",
    )
    fresh_database(env["DATABASE_URL"])
    migrated = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if migrated.returncode != 0:
        print(migrated.stderr, file=sys.stderr)
        raise SystemExit("flask db upgrade failed")

    load_before = os.getloadavg()[0]
    print(f"client: {client_name}; {args.connections} connections, {args.duration:g} s per measurement")
    hello = Endpoint("bare Flask app: GET /", "GET", "/")
    pending: list[str] = []
    answers = json.dumps({"answers": typical_answers()}).encode()
    with (
        gunicorn("hello_app:app", ROOT / "bench", env, work / "hello.log", "/") as bare_server,
        gunicorn("wsgi:app", ROOT, env, work / "app.log", "/health") as app_server,
        ExitStack() as stack,
    ):
        endpoints = [(app_server, Endpoint("start page: GET /", "GET", "/"))]
        step = start_draft(app_server.port)
        if step is None:
            pending.append("questionnaire step (GET /check/<token>/<section>): no draft could be started")
        else:
            endpoints.append((app_server, Endpoint(STEP_LABEL, "GET", step, floor=FLOOR_LABEL)))
            # The same work in plain Flask, for comparison (bench/floor_app.py).
            floor_env = {**env, "FLOOR_DATABASE": str(work / "floor.db"), "PYTHONPATH": str(ROOT)}
            floor_env["FLOOR_PAGE_BYTES"] = str(len(request(app_server.port, "GET", step)[2]))
            floor_log = work / "floor.log"
            floor = stack.enter_context(gunicorn("floor_app:app", ROOT / "bench", floor_env, floor_log, "/step"))
            endpoints.append((floor, Endpoint(FLOOR_LABEL, "GET", "/step", reference=True)))
        json_body = (("Content-Type", "application/json"),)
        endpoints += [
            (app_server, Endpoint("questionnaire (FHIR): GET /api/v1/questionnaire", "GET", "/api/v1/questionnaire")),
            (
                app_server,
                Endpoint(
                    "stored assessment: POST /api/v1/assessments", "POST", "/api/v1/assessments", answers, json_body
                ),
            ),
        ]
        if step is not None:
            # Shown beside the stored assessment; its target stays the fixed POST one.
            endpoints.append((floor, Endpoint(POST_FLOOR_LABEL, "POST", "/assessments", answers, json_body, True)))
        if args.only:
            wanted = [e for e in endpoints if e[1].label.startswith(tuple(args.only))]
            # A step's target needs its floor measured beside it.
            floors = {e[1].floor for e in wanted}
            if any(e[1].label.startswith("stored assessment") for e in wanted):
                floors.add(POST_FLOOR_LABEL)
            endpoints = [e for e in endpoints if e in wanted or e[1].label in floors]
        if args.warmup > 0:
            for server, endpoint in [(bare_server, hello), *endpoints]:
                load(server.port, endpoint, args.warmup, args.connections, work / "warmup.raw")
        # The bare app is measured before and after every endpoint: each ratio compares runs minutes apart at
        # most, so load from elsewhere on the machine shifts both sides alike.
        baselines = [measure(bare_server, hello, "hello-0")]
        results: list[Result] = []
        for round_ in range(args.rounds):
            for index, (server, endpoint) in enumerate(endpoints, start=1):
                slug = re.sub(r"[^a-z]+", "-", endpoint.label.split(":")[0].lower()).strip("-")
                results.append(measure(server, endpoint, f"app-{slug}-{round_}"))
                baselines.append(measure(bare_server, hello, f"hello-{round_}-{index}"))

    beside = [
        statistics.fmean([before.requests_per_second, after.requests_per_second])
        for before, after in itertools.pairwise(baselines)
    ]
    engine = "SQLite" if args.database_url is None else ENGINES.get(make_url(args.database_url).get_backend_name(), "")
    report = render(baselines, results, beside, pending, client_name, args, load_before, engine)
    print()
    print(report)
    if args.output:
        write_report(args.output, report, "" if args.database_url is None else f" ({engine})")
    failed = [r for r in [*baselines, *results] if r.bad_responses]
    if failed:
        print(f"bad responses: the servers' logs are kept in {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    grouped = by_endpoint(results, beside)
    missed = [
        label
        for label, runs in grouped.items()
        if not runs[0][0].endpoint.reference and median_ratio(runs) < target_of(runs, grouped)
    ]
    if missed:
        print("missed targets: " + ", ".join(missed))
    return 1 if failed or pending or (missed and args.strict) else 0


def write_report(path: Path, report: str, engine: str = "") -> None:
    """Replace the generated block (one per database engine) and keep whatever was written around it by hand.

    A new engine's block goes after the existing ones, before the notes written by hand.
    """
    begin, end = f"<!-- bench_http.py{engine}: results begin -->", f"<!-- bench_http.py{engine}: results end -->"
    block = f"{begin}\n{report}{end}\n"
    text = path.read_text() if path.exists() else ""
    if begin in text and end in text:
        before, rest = text.split(begin, 1)
        after = rest.split(end, 1)[1].lstrip("\n")
        text = before + block + ("\n" + after if after else "")
    elif "<!-- bench_http.py: results end -->\n" in text:
        first_end = "<!-- bench_http.py: results end -->\n"
        before, after = text.split(first_end, 1)
        text = before + first_end + "\n" + block + after
    else:
        text = block + text
    path.write_text(text)


Runs = list[tuple[Result, float]]  # an endpoint's results, each with the bare app's rate measured beside it


def by_endpoint(results: list[Result], beside: list[float]) -> dict[str, Runs]:
    grouped: dict[str, Runs] = {}
    for result, baseline in zip(results, beside, strict=True):
        grouped.setdefault(result.endpoint.label, []).append((result, baseline))
    return grouped


def median_ratio(runs: Runs) -> float:
    return statistics.median(result.requests_per_second / baseline for result, baseline in runs)


def target_of(runs: Runs, grouped: dict[str, Runs]) -> float:
    """The ratio an endpoint must reach: its method's, or ``OF_FLOOR`` of its floor's ratio in the same run."""
    floor = runs[0][0].endpoint.floor
    if floor is not None and floor in grouped:
        return OF_FLOOR * median_ratio(grouped[floor])
    return TARGETS[runs[0][0].endpoint.method]


def render(
    baselines: list[Result],
    results: list[Result],
    beside: list[float],
    pending: list[str],
    client: str,
    args: argparse.Namespace,
    load_before: float,
    engine: str,
) -> str:
    rates = [b.requests_per_second for b in baselines]
    bare_cpu = statistics.median(b.cpu_us for b in baselines)
    lines = [
        "# HTTP benchmarks",
        "",
        "Throughput of the app against a bare Flask app, both under gunicorn with identical settings, on loopback.",
        "The ratio is what counts: the absolute figures depend on the machine and on the load generator sharing it.",
        "The bare app is measured before and after each endpoint; each ratio is against the mean of those two runs,",
        "and with several rounds the table gives medians (the ratio's range in brackets).",
        "Server CPU is the time gunicorn's processes spent per request; its ratio (the bare app's CPU per request over",
        "the endpoint's) hardly moves when other work takes the machine's CPUs, where requests per second do.",
        "",
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- Machine: {os.cpu_count()} CPUs (nproc), {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}; load average {load_before:.2f} when the run began",
        f"- Server: gunicorn {' '.join(GUNICORN_SETTINGS)} wsgi:app (the production configuration) on a fresh, "
        f"migrated {engine} database" + (" file" if engine == "SQLite" else ""),
        f"- Load: {client}, {args.connections} connections, {args.duration:g} s per measurement after "
        f"{args.warmup:g} s of warm-up per endpoint; {args.rounds} round(s) of every endpoint",
        "- Reproduce: `make bench` (runs `.venv/bin/python bench/bench_http.py --rounds 3 --output "
        "docs/benchmarks.md`)",
        "",
        "| endpoint | requests/s | bare app alongside | ratio | target | server CPU µs/request | CPU ratio | p50 ms "
        "| p99 ms | bad responses |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| bare Flask app: GET / ({len(rates)} runs) | {min(rates):,.0f}–{max(rates):,.0f} | | 1.00 | | "
        f"{bare_cpu:.0f} | 1.00 | {statistics.median(b.p50_ms for b in baselines):.1f} | "
        f"{statistics.median(b.p99_ms for b in baselines):.1f} | {sum(b.bad_responses for b in baselines)} |",
    ]
    grouped = by_endpoint(results, beside)
    for label, runs in grouped.items():
        ratios = [result.requests_per_second / baseline for result, baseline in runs]
        ratio, target = median_ratio(runs), target_of(runs, grouped)
        spread = f" ({min(ratios):.2f}–{max(ratios):.2f})" if len(runs) > 1 else ""
        verdict = "met" if ratio >= target else "**missed**"
        of_floor = f"{OF_FLOOR:.2f} × floor = " if runs[0][0].endpoint.floor in grouped else ""
        goal = "none" if runs[0][0].endpoint.reference else f"≥ {of_floor}{target:.2f} ({verdict})"
        cpu = statistics.median(result.cpu_us for result, _ in runs)
        lines.append(
            f"| {label} | {statistics.median(r.requests_per_second for r, _ in runs):,.0f} | "
            f"{statistics.median(b for _, b in runs):,.0f} | {ratio:.2f}{spread} | {goal} | "
            f"{cpu:.0f} | {bare_cpu / cpu:.2f} | {statistics.median(r.p50_ms for r, _ in runs):.1f} | "
            f"{statistics.median(r.p99_ms for r, _ in runs):.1f} | {sum(r.bad_responses for r, _ in runs)} |"
        )
    lines.append("")
    lines.append(
        f"Every POST stores a new assessment (its own write transaction on {engine}). The step page reads its draft "
        "from the database; the start page and the FHIR questionnaire do not touch it. The comparison row is a "
        "plain Flask app under the same settings doing only what a step cannot skip: one SELECT of the draft (from "
        "a SQLite file), a CSRF token in a new session cookie, a page of the same length; the step's target is "
        f"{OF_FLOOR:.2f} of the floor's ratio in the same run. The stored assessment's comparison row is plain Flask "
        "doing what the API's contract requires (the per-address limit, validation and the rules by the app's own "
        "core, one INSERT in its own write transaction on a SQLite file, the JSON answer); its target stays "
        f"{TARGETS['POST']:.2f} of the bare app."
    )
    if pending:
        lines += ["", "Pending:", *[f"- {item}" for item in pending]]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
