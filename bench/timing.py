"""Measuring helpers shared by the benchmark scripts: forked, time-limited runs, medians, machine facts."""

from __future__ import annotations

import json
import os
import platform
import signal
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def in_child(fn: Callable[[], Any], timeout: float) -> tuple[str, Any]:
    """Run ``fn`` in a forked child: ('ok', value), ('timeout', None) or ('error', message)."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(r)
        try:
            out = ("ok", fn())
        except BaseException as exc:
            out = ("error", f"{type(exc).__name__}: {exc}")
        with os.fdopen(w, "w") as fh:
            json.dump(out, fh, default=str)
        os._exit(0)
    os.close(w)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            with os.fdopen(r) as fh:
                status, value = json.load(fh)
            return status, value
        time.sleep(0.002)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    os.close(r)
    return "timeout", None


def timed(fn: Callable[[], Any], repeats: int, timeout: float, *, fork: bool = True) -> dict[str, Any]:
    """Median wall time of ``fn`` over ``repeats`` runs (one run when the first takes over 10 s).

    With ``fork`` each run is a forked child killed after ``timeout`` seconds; without, runs are in
    this process (for steps that are known to be fast), after one unmeasured warm-up run.
    """
    times: list[float] = []
    detail: Any = None

    def run() -> dict[str, Any]:
        t = time.perf_counter()
        value = fn()
        return {"seconds": time.perf_counter() - t, "value": value}

    if not fork:
        fn()
    for i in range(repeats):
        if fork:
            status, out = in_child(run, timeout)
            if status != "ok":
                return {"status": status, "error": out, "timeout": timeout}
        else:
            out = run()
        times.append(out["seconds"])
        detail = out["value"]
        if out["seconds"] > 10 and i == 0:
            break
    return {"status": "ok", "median": statistics.median(times), "runs": len(times), "value": detail}


def seconds(step: dict[str, Any] | None) -> str:
    """A step's median for a table: ms below a second, '> N s (cut off)' for a timeout."""
    if not step:
        return "-"
    if step.get("status") == "ok":
        s = step["median"]
        return f"{s * 1000:.1f} ms" if s < 1 else f"{s:.2f} s"
    if step.get("status") == "timeout":
        return f"> {step['timeout']:.0f} s (cut off)"
    return str(step.get("status", "?")) + (f": {step.get('error')}" if step.get("error") else "")


def machine() -> dict[str, str]:
    """CPU, memory, Python and package versions of this machine, for the report's header."""
    from importlib.metadata import version

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem = next(
        (line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")), "0"
    )
    return {
        "cpu": f"{cpu}, {os.cpu_count()} cores",
        "memory": f"{int(mem) / 1024 / 1024:.1f} GiB",
        "python": platform.python_version(),
        "packages": ", ".join(f"{p} {version(p)}" for p in ("rdflib", "pyoxigraph", "oxrdflib", "networkx")),
    }


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")
