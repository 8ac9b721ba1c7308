"""A bounded load test of ``fmkg serve`` on this machine's loopback interface.

    python bench/load_test.py                          # start a server, 2,000 requests, 16 at a time
    python bench/load_test.py --requests 500 --concurrency 4
    python bench/load_test.py --url http://127.0.0.1:8000/sparql   # a server already running here

The test sends a fixed mix of queries (an aggregate, a named query with a parameter, a CONSTRUCT in
Turtle, an ASK and a CSV page), reports errors (any answer but 200, or no answer) and latency
percentiles, and stops by itself: after ``--requests`` requests or ``--time-limit`` seconds,
whichever comes first. Only loopback addresses are accepted as targets.
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
        body = urllib.parse.urlencode({"query": probe.query})
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": probe.accept}
        started = time.perf_counter()
        try:
            conn.request("POST", parts.path or "/sparql", body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            problem = None if response.status == 200 else f"{probe.name}: HTTP {response.status}"
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


def start_server(port: int, concurrency: int | None, limit: float | None = None) -> subprocess.Popen[bytes]:
    args = [sys.executable, "-m", "fmkg", "serve", "--host", "127.0.0.1", "--port", str(port)]
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
        process = start_server(port, args.server_concurrency, PROBE_LIMIT if args.with_timeout_probe else None)
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
        "cpus": os.cpu_count(),
        "workers": args.server_concurrency or default_workers(),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "stopped_by_time_limit": done < args.requests,
    }
    if probe is not None:
        numbers["timeout_probe"] = probe
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
        if numbers["stopped_by_time_limit"]:
            print(f"  stopped by the time limit of {args.time_limit:g} s")
    return 1 if tally.errors else 0


if __name__ == "__main__":
    sys.exit(main())
