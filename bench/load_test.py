"""A bounded load test of ``fmkg serve`` on this machine's loopback interface.

    python bench/load_test.py                          # start a server, 2,000 requests, 16 at a time
    python bench/load_test.py --requests 500 --concurrency 4
    python bench/load_test.py --url http://127.0.0.1:8000/sparql   # a server already running here

The test sends a fixed mix of requests (an aggregate, a named query with a parameter, a CONSTRUCT in
Turtle, an ASK and a CSV page; and the other routes: an entity IRI's 303, an entity page, an
entity's Turtle, a named query bound for the editor and an editor file), reports errors (any
answer but the expected one, or no answer) and latency percentiles, and stops by itself: after
``--requests`` requests or ``--time-limit`` seconds, whichever comes first. Only loopback addresses
are accepted as targets.

``--with-lane-probe`` then checks that heavy queries cannot starve light ones: 16 threads send a
query that runs to the time limit while one thread sends light queries (an ASK, an entity page),
whose latency is reported.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Probe:
    """One kind of request of the mix."""

    name: str
    query: str
    accept: str
    #: A GET of this path (relative to the server's root) instead of a query to /sparql.
    path: str = ""
    expect: int = 200


def probes() -> list[Probe]:
    """The query mix; the named query's parameter is bound as fmkg's remote client binds it."""
    from fmkg.remote.query import prepare
    from fmkg.sparql import library
    from fmkg.sparql.params import bind_params
    from fmkg.store import open_graph

    ancestors = library.library()["ancestors"]
    with open_graph() as kg:
        bound, _ = prepare(ancestors.text, bind_params(ancestors, {"model": "dall-e"}, kg).values)
    return [
        Probe(
            "count-by-org",
            "SELECT ?org (COUNT(?m) AS ?n) WHERE { ?m fm:developer ?org } GROUP BY ?org",
            "application/sparql-results+json",
        ),
        Probe("ancestors", bound, "application/sparql-results+json"),
        Probe("model-card", "CONSTRUCT { model:gpt-3 ?p ?o } WHERE { model:gpt-3 ?p ?o }", "text/turtle"),
        Probe("ask", "ASK { model:alpaca fm:fineTunedFrom ?x }", "application/sparql-results+xml"),
        Probe(
            "labels-csv",
            "SELECT ?m ?label WHERE { ?m fm:developer ?o ; rdfs:label ?label } ORDER BY ?label LIMIT 50",
            "text/csv",
        ),
        Probe("entity-303", "", "text/turtle", path="id/model/gpt-3", expect=303),
        Probe("entity-page", "", "text/html", path="page/model/llama"),
        Probe("entity-turtle", "", "text/turtle", path="data/model/gpt-3.ttl"),
        Probe("editor-example", "", "application/json", path="query/examples/descendants?model=llama"),
        Probe("editor-file", "", "text/javascript", path="editor/editor.js"),
    ]


@dataclass
class Tally:
    """Latencies (seconds) per probe, and errors, shared by the workers."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def worker(url: str, mix: list[Probe], tickets: list[int], tally: Tally, deadline: float) -> None:
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port or 80, timeout=30)
    while time.monotonic() < deadline:
        with tally.lock:
            if not tickets:
                break
            n = tickets.pop()
        probe = mix[n % len(mix)]
        started = time.perf_counter()
        try:
            send(conn, parts.path or "/sparql", probe)
            response = conn.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            problem = None if response.status == probe.expect else f"{probe.name}: HTTP {response.status}"
        except (OSError, http.client.HTTPException) as exc:
            elapsed, problem = time.perf_counter() - started, f"{probe.name}: {type(exc).__name__}: {exc}"
            conn.close()
            conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port or 80, timeout=30)
        with tally.lock:
            if problem:
                tally.errors.append(problem)
            else:
                tally.latencies.setdefault(probe.name, []).append(elapsed)
    conn.close()


def send(conn: http.client.HTTPConnection, endpoint_path: str, probe: Probe) -> None:
    """Send one probe's request on ``conn``: a GET of its path, or its query POSTed to the endpoint."""
    if probe.path:
        root = endpoint_path.rsplit("/", 1)[0]
        conn.request("GET", f"{root}/{probe.path}", headers={"Accept": probe.accept})
    else:
        body = urllib.parse.urlencode({"query": probe.query})
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": probe.accept}
        conn.request("POST", endpoint_path, body=body, headers=headers)


def lane_probe(url: str, heavy_clients: int = 16, seconds: float = 15.0) -> dict[str, object]:
    """Light requests sent one at a time while ``heavy_clients`` threads send queries that run to the
    time limit: the light ones' latencies (median, 95th percentile, most) and statuses."""
    parts = urllib.parse.urlsplit(url)
    light = [
        Probe("ask", "ASK { model:alpaca fm:fineTunedFrom ?x }", "application/sparql-results+json"),
        Probe("entity-page", "", "text/html", path="page/model/llama"),
    ]
    heavy = Probe("heavy", HEAVY, "application/sparql-results+json")
    stop = time.monotonic() + seconds
    heavy_done: list[int] = []
    reasons: set[str] = set()

    def hammer() -> None:
        while time.monotonic() < stop:
            conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port or 80, timeout=60)
            try:
                send(conn, parts.path, heavy)
                heavy_done.append(conn.getresponse().status)
            except (OSError, http.client.HTTPException):
                heavy_done.append(0)
            finally:
                conn.close()

    def one(probe: Probe) -> tuple[int, float]:
        conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port or 80, timeout=60)
        started = time.perf_counter()
        send(conn, parts.path, probe)
        response = conn.getresponse()
        text = response.read()
        conn.close()
        if response.status != 200:
            reasons.add(f"{probe.name}: {text.decode('utf-8', 'replace').strip()[:120]}")
        return response.status, time.perf_counter() - started

    for probe in light:  # once before: the server learns that they are light
        one(probe)
    threads = [threading.Thread(target=hammer, daemon=True) for _ in range(heavy_clients)]
    for t in threads:
        t.start()
    time.sleep(1.0)  # let the heavy queries fill the workers
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    while time.monotonic() < stop - 1.0:
        for probe in light:
            status, took = one(probe)
            statuses[status] = statuses.get(status, 0) + 1
            latencies.append(took)
        time.sleep(0.05)
    for t in threads:
        t.join(timeout=60)
    return {
        "heavy_clients": heavy_clients,
        "heavy_answers": len(heavy_done),
        "light_requests": len(latencies),
        "light_statuses": statuses,
        "light_p50_ms": round(percentile(latencies, 50) * 1000, 1),
        "light_p95_ms": round(percentile(latencies, 95) * 1000, 1),
        "light_max_ms": round(max(latencies, default=float("nan")) * 1000, 1),
        "light_refusals": sorted(reasons),
    }


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


#: A query no store answers quickly on the shipped graph (a three-way cross product), for the time-limit probe.
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
PROBE_LIMIT = 2.0


def timeout_probe(url: str) -> dict[str, object]:
    """Send a query that runs past the server's limit, then an ordinary one: their statuses and times."""
    parts = urllib.parse.urlsplit(url)

    def post(query: str) -> tuple[int, float]:
        conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port or 80, timeout=60)
        started = time.perf_counter()
        conn.request("POST", parts.path, body=urllib.parse.urlencode({"query": query}),
                     headers={"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
        response = conn.getresponse()
        response.read()
        conn.close()
        return response.status, time.perf_counter() - started

    status, seconds = post(HEAVY)
    after, _ = post("ASK { ?s ?p ?o }")
    return {"limit": PROBE_LIMIT, "status": status, "seconds": round(seconds, 3), "after": after}


def default_workers() -> int:
    from fmkg.server.app import default_workers as workers

    return workers()


def start_server(
    port: int, concurrency: int | None, limit: float | None = None, cache: bool = True
) -> subprocess.Popen[bytes]:
    args = [sys.executable, "-m", "fmkg", "serve", "--host", "127.0.0.1", "--port", str(port)]
    if not cache:
        args += ["--cache-mb", "0"]
    if concurrency:
        args += ["--concurrency", str(concurrency)]
    if limit:
        args += ["--timeout", str(limit)]
    process = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"fmkg serve exited: {process.stderr.read().decode()}")  # type: ignore[union-attr]
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/health")
            if conn.getresponse().status == 200:
                # The viewer is rendered once, in a process of its own, when the server starts:
                # wait for it, so that its work is neither measured nor competing with the test.
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
                conn.request("GET", "/")
                conn.getresponse().read()
                conn.close()
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("fmkg serve did not start within 60 s")


def cpu_seconds(pid: int) -> float:
    """CPU time of a process and of its children that it has reaped (user + system), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = sum(int(x) for x in fields[11:15])  # utime, stime, cutime, cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="the endpoint of a server already running on this machine (default: start one)")
    parser.add_argument("--requests", type=int, default=2000, help="requests in all (default 2000)")
    parser.add_argument("--concurrency", type=int, default=16, help="requests in flight at once (default 16)")
    parser.add_argument("--time-limit", type=float, default=300, help="stop after this many seconds (default 300)")
    parser.add_argument("--server-concurrency", type=int, help="the started server's --concurrency")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    parser.add_argument(
        "--with-timeout-probe",
        action="store_true",
        help=f"start the server with a {PROBE_LIMIT:g} s limit and, after the load, send a query past it",
    )
    parser.add_argument(
        "--no-answer-cache",
        action="store_true",
        help="start the server with --cache-mb 0: every request is evaluated (the mix repeats its requests)",
    )
    parser.add_argument(
        "--with-lane-probe",
        action="store_true",
        help="after the load, time light requests while 16 clients send queries that run to the time limit",
    )
    args = parser.parse_args()
    if not 1 <= args.requests <= 100_000 or not 1 <= args.concurrency <= 256 or not 0 < args.time_limit <= 3600:
        parser.error("--requests 1..100000, --concurrency 1..256, --time-limit up to 3600 s")

    sys.path.insert(0, str(ROOT / "src"))
    mix = probes()
    process = None
    if args.url:
        host = urllib.parse.urlsplit(args.url).hostname or ""
        from fmkg.remote.http import is_loopback

        if not is_loopback(args.url):
            parser.error(f"{host!r} is not a loopback address: this load test only targets this machine")
        url = args.url
    else:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        limited = args.with_timeout_probe or args.with_lane_probe
        process = start_server(
            port, args.server_concurrency, PROBE_LIMIT if limited else None, cache=not args.no_answer_cache
        )
        url = f"http://127.0.0.1:{port}/sparql"
    try:
        tally = Tally()
        tickets = list(range(args.requests))
        cpu_before = cpu_seconds(process.pid) if process is not None else None
        started = time.monotonic()
        deadline = started + args.time_limit
        threads = [
            threading.Thread(target=worker, args=(url, mix, tickets, tally, deadline), daemon=True)
            for _ in range(args.concurrency)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=args.time_limit + 60)
        wall = time.monotonic() - started
        time.sleep(0.5)  # let the server reap its last query processes, whose CPU time it then counts
        cpu = cpu_seconds(process.pid) - cpu_before if process is not None and cpu_before is not None else None
        probe = timeout_probe(url) if args.with_timeout_probe else None
        lanes = lane_probe(url) if args.with_lane_probe else None
    finally:
        if process is not None:
            stop_server(process)

    every = [x for values in tally.latencies.values() for x in values]
    done = len(every) + len(tally.errors)
    numbers = {
        "url": url,
        "requests": done,
        "errors": len(tally.errors),
        "concurrency": args.concurrency,
        "seconds": round(wall, 2),
        "requests_per_second": round(done / wall, 1) if wall else None,
        "p50_ms": round(percentile(every, 50) * 1000, 1),
        "p90_ms": round(percentile(every, 90) * 1000, 1),
        "p99_ms": round(percentile(every, 99) * 1000, 1),
        "max_ms": round(max(every, default=float("nan")) * 1000, 1),
        "per_query_p50_ms": {k: round(statistics.median(v) * 1000, 1) for k, v in sorted(tally.latencies.items())},
        "server_cpu_ms_per_request": round(cpu * 1000 / done, 1) if cpu is not None and done else None,
        "answer_cache": not args.no_answer_cache,
        "cpus": os.cpu_count(),
        "workers": args.server_concurrency or default_workers(),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "stopped_by_time_limit": done < args.requests,
    }
    if probe is not None:
        numbers["timeout_probe"] = probe
    if lanes is not None:
        numbers["lane_probe"] = lanes
    if args.json:
        print(json.dumps(numbers, indent=2))
    else:
        print(
            f"{done} requests, {numbers['errors']} errors, {args.concurrency} at a time, {wall:.1f} s "
            f"({numbers['requests_per_second']} requests/s) against {url}"
        )
        print(
            f"latency p50 {numbers['p50_ms']} ms, p90 {numbers['p90_ms']} ms, p99 {numbers['p99_ms']} ms, "
            f"max {numbers['max_ms']} ms"
        )
        if numbers["server_cpu_ms_per_request"] is not None:
            print(
                f"server CPU {numbers['server_cpu_ms_per_request']} ms per request (its query processes included); "
                f"{numbers['cpus']} CPUs, load average {numbers['load_average_1min']}"
            )
        for name, ms in numbers["per_query_p50_ms"].items():  # type: ignore[union-attr]
            print(f"  {name:<14} p50 {ms} ms")
        for problem in tally.errors[:10]:
            print(f"  error: {problem}")
        if probe is not None:
            print(f"  a query past the {PROBE_LIMIT:g} s limit: HTTP {probe['status']} after {probe['seconds']} s; "
                  f"the next query: HTTP {probe['after']}")  # fmt: skip
        if lanes is not None:
            print(f"  light requests while {lanes['heavy_clients']} clients send queries that run to the limit: "
                  f"p50 {lanes['light_p50_ms']} ms, p95 {lanes['light_p95_ms']} ms, max {lanes['light_max_ms']} ms, "
                  f"statuses {lanes['light_statuses']}")  # fmt: skip
        if numbers["stopped_by_time_limit"]:
            print(f"  stopped by the time limit of {args.time_limit:g} s")
    return 1 if tally.errors else 0


if __name__ == "__main__":
    sys.exit(main())
