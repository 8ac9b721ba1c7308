"""The shipped graph: every named query and 30 ad-hoc queries on both stores, start-up and validation.

    python bench/shipped.py                # print the Markdown section
    python bench/run.py --part shipped     # the same, merged into docs/benchmarks.md

Query times are medians of in-process query time (parameters bound beforehand, rows materialised),
each run in a forked child killed after ``--timeout`` seconds, so a query that runs away on one store
is reported as cut off instead of stalling the run. Whole-process times are medians of new processes.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from timing import median, seconds, timed  # noqa: E402

ROOT = HERE.parent
ADHOC = HERE / "queries"
STORES = ("oxigraph", "memory")
QUERY_TARGET = 0.5  # seconds of query time
WARM_TARGET = 0.35  # seconds of whole process
VALIDATE_TARGET = 5.0


def example_params(examples: tuple[str, ...]) -> dict[str, str]:
    """The ``--param`` values of a named query's first example line."""
    args = shlex.split(examples[0]) if examples else []
    return dict(args[i + 1].split("=", 1) for i, a in enumerate(args) if a in ("--param", "-p"))


def queries() -> dict[str, tuple[Any, dict[str, str]]]:
    """Every named query with its example's parameters, then the ad-hoc queries of ``bench/queries``."""
    from fmkg.sparql import library

    named = {f"named {n}": (q, example_params(q.examples)) for n, q in library.library().items()}
    adhoc = {f"ad-hoc {p.stem}": (library.from_file(p), {}) for p in sorted(ADHOC.glob("*.rq"))}
    return {**named, **adhoc}


def query_times(store: str, repeats: int, timeout: float) -> dict[str, Any]:
    from fmkg.sparql.params import bind_params
    from fmkg.store import open_graph

    out: dict[str, Any] = {}
    with open_graph(backend=store) as kg:
        for name, (nq, params) in queries().items():
            bound = bind_params(nq, params, kg).values

            def run(nq: Any = nq, bound: Any = bound) -> int:
                result = kg.query(nq.text, bound, source=str(nq.path))
                return len(result.rows) if result.type == "SELECT" else len(result.triples) or 1

            out[name] = timed(run, repeats, timeout)
    return out


def wall(cmd: list[str], env: dict[str, str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, capture_output=True, cwd=ROOT)
    return time.perf_counter() - t


def processes(repeats: int) -> dict[str, float]:
    """Whole commands: a cold query (empty store cache), a warm one, ``--help`` and ``validate``."""
    fmkg = [sys.executable, "-m", "fmkg"]
    query = [*fmkg, "query", "ancestors", "--param", "model=dall-e"]
    cold, warm, helps, validate = [], [], [], []
    for i in range(repeats):
        cache = tempfile.mkdtemp(prefix="fmkg-bench-cache-")
        env = {**os.environ, "FMKG_CACHE_DIR": cache}
        env.pop("FMKG_STORE", None)
        try:
            cold.append(wall(query, env))
            warm.append(wall(query, env))
            helps.append(wall([*fmkg, "--help"], env))
            if i < 3:
                validate.append(wall([*fmkg, "validate"], env))
        finally:
            shutil.rmtree(cache, ignore_errors=True)
    return {"cold": median(cold), "warm": median(warm), "help": median(helps), "validate": median(validate)}


def measure(repeats: int = 5, timeout: float = 30.0) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("FMKG_CACHE_DIR", tempfile.mkdtemp(prefix="fmkg-bench-cache-"))
    return {
        "repeats": repeats,
        "timeout": timeout,
        "queries": {store: query_times(store, repeats, timeout) for store in STORES},
        "processes": processes(repeats),
    }


def _yes(ok: bool) -> str:
    return "yes" if ok else "no"


def report(r: dict[str, Any]) -> list[str]:
    ox, mem = r["queries"]["oxigraph"], r["queries"]["memory"]
    lines = [
        "## The shipped graph",
        "",
        "Query time of every named query (with its example's parameters) and of the 30 ad-hoc queries in",
        f"`bench/queries/`, medians of {r['repeats']} runs; the rdflib memory store is cut off at {r['timeout']:.0f} s.",
        "The ratio is memory store time over Oxigraph time (above 1: Oxigraph is faster).",
        "",
        "| query | oxigraph (default) | memory (rdflib) | ratio | under 0.5 s on the default |",
        "| --- | --- | --- | --- | --- |",
    ]
    ratios, slow = [], []
    for name in ox:
        a, b = ox[name], mem.get(name)
        ratio = "-"
        if a.get("status") == "ok" and b and b.get("status") == "ok" and a["median"] > 0:
            ratios.append(b["median"] / a["median"])
            ratio = f"{ratios[-1]:.1f}"
        elif a.get("status") == "ok" and b and b.get("status") == "timeout":
            ratio = f"> {b['timeout'] / max(a['median'], 1e-6):.0f}"
        ok = a.get("status") == "ok" and a["median"] < QUERY_TARGET
        if not ok:
            slow.append(name)
        lines.append(f"| {name} | {seconds(a)} | {seconds(b)} | {ratio} | {_yes(ok)} |")
    p = r["processes"]
    lines += [
        "",
        f"Median ratio over the queries both stores finished: {median(ratios):.1f}; "
        f"queries over 0.5 s on the default store: {len(slow)} of {len(ox)}"
        + (f" ({', '.join(slow)})." if slow else "."),
        "",
        f"Whole processes on the shipped graph, medians of {r['repeats']} new processes (validate: 3):",
        "",
        "| measure | time | target | met |",
        "| --- | --- | --- | --- |",
        f"| `fmkg query ancestors -p model=dall-e`, cold (empty store cache) | {p['cold']:.2f} s | | |",
        f"| the same, warm (store built) | {p['warm']:.2f} s | at most {WARM_TARGET} s | {_yes(p['warm'] <= WARM_TARGET)} |",
        f"| warm / cold | {p['warm'] / p['cold']:.2f} | at most 0.33 | {_yes(p['warm'] / p['cold'] <= 1 / 3)} |",
        f"| `fmkg --help` | {p['help']:.2f} s | under 0.3 s | {_yes(p['help'] < 0.3)} |",
        f"| `fmkg validate` (warm) | {p['validate']:.2f} s | under {VALIDATE_TARGET:.0f} s | {_yes(p['validate'] < VALIDATE_TARGET)} |",
    ]
    return lines


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=30.0)
    args = parser.parse_args()
    print("\n".join(report(measure(args.repeats, args.timeout))))
