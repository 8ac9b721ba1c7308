"""Hugging Face Hub records at scale: the targets of issue #16, measured.

    python bench/hub_scale.py                                  # 100k and 1M records, printed
    python bench/hub_scale.py --sizes 20000                    # a quick run
    python bench/hub_scale.py --out docs/benchmarks.md         # and rewrite this section of the page
    python bench/run.py --part hub --out docs/benchmarks.md    # the same, as a part of bench/run.py

The target: "1M synthetic Hub records import in under 5 minutes with peak memory under 4 GiB,
streaming (memory flat in the number of records), straight into the on-disk store or N-Triples;
then `fmkg lineage` of the largest root answers in under 1 s."

For each size the script

1. generates the records with ``fmkg bench generate-hub`` (seed 0; kept in ``--data-dir`` between runs),
2. runs ``fmkg import huggingface FILE.jsonl -o OUT.nt`` as a child process, timed, with its peak
   resident set size (``os.wait4``: that process and the children it waited for),
3. runs ``fmkg lineage --data OUT.nt --no-default --store-path STORE <largest root>`` twice: the
   first builds the on-disk store (timed on its own), the second is the warm answer, timed as a whole
   process; an in-process run (``--lineage-worker``) splits that answer into opening the store,
   resolving the name, walking the lineage and rendering it (``fmkg lineage`` has no timing option);
   the same for the summary's deep leaf, a small answer on the same store,
4. prints the section "Hugging Face Hub records at scale" and, with ``--out``, replaces that section
   (only it) in the page. Results are kept in ``--data-dir``/results.json under ``hub``, where
   ``bench/run.py`` finds them when it writes the whole page.

Every child runs with ``FMKG_CACHE_DIR`` in ``--data-dir`` (the user's cache is not touched); the
shipped graph's store is built there once before anything is timed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from timing import machine  # noqa: E402

SIZES = (100_000, 1_000_000)
#: The day the synthetic snapshot is taken to describe (its popularity figures are dated so).
RELEASE = "2025-04-22"
TITLE = "## Hugging Face Hub records at scale"
FMKG = Path(sys.executable).with_name("fmkg")
#: The targets of #16 (at 1M records).
IMPORT_SECONDS = 300.0
IMPORT_GIB = 4.0
LINEAGE_SECONDS = 1.0
#: Memory is "flat" when 10 times the records take less than this many times the peak.
FLAT_RATIO = 1.5


def fmkg(*args: str) -> list[str]:
    """The command line of an fmkg command (the venv's entry point, else ``python -m fmkg``)."""
    return [str(FMKG), *args] if FMKG.is_file() else [sys.executable, "-m", "fmkg", *args]


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # it may have ended just now
        os.killpg(pid, signal.SIGKILL)


def run(cmd: list[str], env: dict[str, str], timeout: float, stdout: Path) -> dict[str, Any]:
    """Run ``cmd``, its standard output to ``stdout``: wall seconds, peak RSS (MiB), exit status, stderr."""
    err = stdout.with_suffix(".stderr")
    with stdout.open("wb") as out, err.open("wb") as errfh:
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=errfh, env=env, cwd=ROOT, start_new_session=True)
        timer = threading.Timer(timeout, _kill, (proc.pid,))
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped by wait4: tell Popen
    stderr = err.read_text(errors="replace")
    result = {"status": "ok", "seconds": seconds, "peak_rss_mb": usage.ru_maxrss / 1024, "exit": proc.returncode}
    if proc.returncode == -signal.SIGKILL and seconds >= timeout:
        result.update(status="timeout", error=f"cut off after {timeout:g} s")
    elif proc.returncode != 0:
        last = [line for line in stderr.splitlines() if line.strip()][-1:] or [f"exit {proc.returncode}"]
        result.update(status="error", error=last[0][:300])
    result["stderr"] = stderr[-2000:]
    return result


def lineage_worker(store: Path, data: Path, name: str) -> dict[str, Any]:
    """In this process: open the warm store, resolve ``name``, walk its lineage and render it as a tree
    the way ``fmkg lineage`` does (its first lines and all the counts), then the whole tree."""
    sys.path.insert(0, str(ROOT / "src"))
    t0 = time.perf_counter()
    from rdflib import URIRef

    from fmkg.cli.explore import TREE_LIMIT
    from fmkg.graph.lineage import lineage_from, render_tree, tree_from
    from fmkg.names.resolve import resolve_name
    from fmkg.store import open_graph

    t1 = time.perf_counter()
    kg = open_graph([data], default=False, location=store)
    t2 = time.perf_counter()
    iri = URIRef(resolve_name(kg.names, name, ("model",)).iri)
    t3 = time.perf_counter()
    text = tree_from(kg, iri, "both", limit=TREE_LIMIT)
    t4 = time.perf_counter()
    lin = lineage_from(kg, iri, "both")
    t5 = time.perf_counter()
    whole = render_tree(lin)
    t6 = time.perf_counter()
    kg.close()
    return {
        "import_s": t1 - t0, "open_s": t2 - t1, "resolve_s": t3 - t2, "tree_s": t4 - t3, "query_s": t4 - t2,
        "walk_s": t5 - t4, "render_s": t6 - t5, "nodes": len(lin.nodes), "lines": text.count("\n"),
        "whole_lines": whole.count("\n"),
    }  # fmt: skip


def records_file(size: int, data_dir: Path, env: dict[str, str]) -> tuple[Path, dict[str, Any], float | None]:
    """The records of ``size`` (generated when missing), their summary, and the seconds it took to generate."""
    path = data_dir / f"hub-{size}.jsonl"
    took = None
    if not path.is_file() or not path.with_suffix(".json").is_file():
        print(f"generating {size:,} Hub records ...", file=sys.stderr)
        t = time.perf_counter()
        cmd = fmkg("bench", "generate-hub", "--records", str(size), "--seed", "0", "-o", str(path))
        subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
        took = time.perf_counter() - t
    return path, json.loads(path.with_suffix(".json").read_text()), took


def warm_up(data_dir: Path, env: dict[str, str]) -> None:
    """Build the shipped graph's store in the benchmark's cache (an import reads it for curated ids)."""
    path, _, _ = records_file(200, data_dir, env)
    out = data_dir / "hub-200.nt"
    run(fmkg("import", "huggingface", str(path), "-o", str(out)), env, 600, data_dir / "warm-up.out")


def measure_size(size: int, data_dir: Path, timeout: float, keep: bool, env: dict[str, str]) -> dict[str, Any]:
    """Generate (when missing), import and ask the lineage of the largest root, for one size."""
    path, meta, generated = records_file(size, data_dir, env)
    out = data_dir / f"hub-{size}.nt"
    print(f"importing {size:,} Hub records ...", file=sys.stderr)
    # dated like a snapshot, so the popularity figures are written too (as for a real one)
    imp = run(
        fmkg("import", "huggingface", str(path), "--release", RELEASE, "-o", str(out)),
        env, timeout, data_dir / f"hub-{size}.import.out",
    )  # fmt: skip
    result: dict[str, Any] = {
        "size": size, "records_mb": path.stat().st_size / 2**20, "generate_s": generated, "summary": meta,
        "import": {k: v for k, v in imp.items() if k != "stderr"},
    }  # fmt: skip
    if imp["status"] != "ok":
        return result
    report = (data_dir / f"hub-{size}.import.out").read_text(errors="replace") + imp["stderr"]
    m = re.search(r"\(([\d,]+) triples\)", report)
    triples = int(m[1].replace(",", "")) if m else sum(1 for _ in out.open("rb"))
    edges = re.search(r"base-model edges (\d+), resolved to a repository of this import (\d+)", report)
    result["import"].update(
        records_per_s=size / imp["seconds"], triples=triples, nt_mb=out.stat().st_size / 2**20,
        edges=int(edges[1]) if edges else None, edges_inside=int(edges[2]) if edges else None,
    )  # fmt: skip
    store = data_dir / f"hub-{size}.store"
    shutil.rmtree(store, ignore_errors=True)
    root = meta["largest_root"]
    cmd = fmkg("lineage", "--data", str(out), "--no-default", "--store-path", str(store), root)
    for step in ("cold", "warm"):
        print(f"lineage of {root} ({step}) ...", file=sys.stderr)
        lin = run(cmd, env, timeout, data_dir / f"hub-{size}.lineage-{step}.out")
        lines = sum(1 for _ in (data_dir / f"hub-{size}.lineage-{step}.out").open("rb"))
        result[f"lineage_{step}"] = {**{k: v for k, v in lin.items() if k != "stderr"}, "lines": lines}
        if lin["status"] != "ok":
            return result
    print(f"lineage of {root} (warm, the whole tree) ...", file=sys.stderr)
    lin = run([*cmd, "--limit", "0"], env, timeout, data_dir / f"hub-{size}.lineage-all.out")
    lines = sum(1 for _ in (data_dir / f"hub-{size}.lineage-all.out").open("rb"))
    result["lineage_all"] = {**{k: v for k, v in lin.items() if k != "stderr"}, "lines": lines}
    deep = meta["deep_leaf"]  # a small answer on the same store: what opening it costs beside the walk
    print(f"lineage of {deep} (warm) ...", file=sys.stderr)
    deep_cmd = fmkg("lineage", "--data", str(out), "--no-default", "--store-path", str(store), deep)
    lin = run(deep_cmd, env, timeout, data_dir / f"hub-{size}.lineage-deep.out")
    result["lineage_deep"] = {k: v for k, v in lin.items() if k != "stderr"}
    for key, name in (("lineage_split", root), ("lineage_split_deep", deep)):
        worker = [sys.executable, __file__, "--lineage-worker", str(store), str(out), name]
        proc = subprocess.run(worker, env=env, capture_output=True, text=True, check=False, timeout=timeout)
        if proc.returncode == 0:
            result[key] = json.loads(proc.stdout.strip().splitlines()[-1])
        else:
            result[key] = {"error": (proc.stderr.strip().splitlines() or ["?"])[-1]}
    if not keep:
        shutil.rmtree(store, ignore_errors=True)
        store.with_name(f"{store.name}.lock").unlink(missing_ok=True)
    return result


def measure(sizes: list[int], data_dir: Path, timeout: float = 3600.0, keep: bool = False) -> list[dict[str, Any]]:
    """Measure every size (smallest first); the results of :func:`report`."""
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "FMKG_CACHE_DIR": str(data_dir / "cache")}
    env.pop("FMKG_STORE", None)
    env.pop("FMKG_STORE_PATH", None)
    warm_up(data_dir, env)
    return [measure_size(size, data_dir, timeout, keep, env) for size in sorted(sizes)]


def update(
    saved: dict[str, Any], sizes: list[int], data_dir: Path, timeout: float = 3600.0, keep: bool = False
) -> None:
    """Measure ``sizes`` into ``saved["hub"]``: they replace the same sizes of an earlier run, others are kept."""
    fresh = measure(sizes, data_dir, timeout, keep)
    done = {r["size"] for r in fresh}
    kept = [r for r in saved.get("hub", {}).get("results", []) if r["size"] not in done]
    saved["hub"] = {"results": sorted([*kept, *fresh], key=lambda r: r["size"]), "machine": machine()}


# --- the report ------------------------------------------------------------------------------------------


def _s(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds >= 60:
        return f"{seconds:.0f} s ({seconds / 60:.1f} min)"
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _step(step: dict[str, Any] | None, key: str = "seconds") -> str:
    if not step:
        return "-"
    if step.get("status") != "ok":
        return f"{step.get('status')}: {step.get('error', '')}"
    return _s(step[key])


def _gib(mb: float) -> str:
    return f"{mb / 1024:.2f} GiB" if mb >= 1024 else f"{mb:.0f} MiB"


def report(results: list[dict[str, Any]], info: dict[str, str] | None = None) -> list[str]:
    """The section's Markdown lines."""
    lines = [
        TITLE,
        "",
        "`bench/hub_scale.py` (or `bench/run.py --part hub`): synthetic Hub API records from",
        "`fmkg bench generate-hub` (the shape, lineage tags, relation shares and missing fields of the real",
        "slice; 1 in 8 a root; 5% with only untyped `base_model:` tags; 0.5% of bases outside the file),",
        f"imported with `fmkg import huggingface FILE.jsonl --release {RELEASE} -o OUT.nt` (N-Triples, streamed), then",
        "`fmkg lineage --data OUT.nt --no-default` of the root with the most descendants: first when the",
        "on-disk store is built, then warm. Each command is its own process; memory is its peak resident set.",
    ]
    if info:
        lines.append(f"Measured on {info['cpu']}, {info['memory']} memory, Python {info['python']}.")
    lines.append("")
    if not results:
        return [*lines, "Not measured yet."]
    head = "| | " + " | ".join(f"{r['size']:,} records" for r in results) + " |"
    lines += [head, "|" + " --- |" * (len(results) + 1)]

    def row(label: str, cell: Any) -> None:
        cells = []
        for r in results:
            try:
                cells.append(cell(r))
            except (KeyError, TypeError, ZeroDivisionError):
                cells.append("-")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")

    row("records file", lambda r: f"{r['records_mb']:,.0f} MiB")
    row("base-model edges (inside the file)",
        lambda r: f"{r['summary']['base_model_edges']:,} ({r['summary']['edges_inside']:,})")  # fmt: skip
    row("largest root: descendants",
        lambda r: f"`{r['summary']['largest_root']}`: {r['summary']['largest_root_descendants']:,}")  # fmt: skip
    row("import: time", lambda r: _step(r["import"]))
    row("import: records/s", lambda r: f"{r['import']['records_per_s']:,.0f}")
    row("import: triples written", lambda r: f"{r['import']['triples']:,} ({r['import']['nt_mb']:,.0f} MiB)")
    row("import: edges resolved inside the import",
        lambda r: f"{r['import']['edges_inside']:,} of {r['import']['edges']:,}")  # fmt: skip
    row("import: peak memory", lambda r: _gib(r["import"]["peak_rss_mb"]))
    row("lineage, first (builds the on-disk store)", lambda r: _step(r["lineage_cold"]))
    row("lineage, first: peak memory", lambda r: _gib(r["lineage_cold"]["peak_rss_mb"]))
    row("lineage, warm: whole process (the tree's first 1,000 lines a direction, all counts)",
        lambda r: _step(r["lineage_warm"]))  # fmt: skip
    row("lineage, warm: peak memory", lambda r: _gib(r["lineage_warm"]["peak_rss_mb"]))
    row("lineage, warm, in process: open, resolve, tree", lambda r: ", ".join(
        _s(r["lineage_split"][k]) for k in ("open_s", "resolve_s", "tree_s")))  # fmt: skip
    row("lineage, warm, the whole tree (`--limit 0`): whole process", lambda r: _step(r["lineage_all"]))
    row("lineage, the whole tree, in process: walk, render", lambda r: ", ".join(
        _s(r["lineage_split"][k]) for k in ("walk_s", "render_s")))  # fmt: skip
    row("lineage of the deep leaf, warm: whole process (in process: open, walk)", lambda r: (
        f"{_step(r['lineage_deep'])} ({_s(r['lineage_split_deep']['open_s'])}, {_s(r['lineage_split_deep']['walk_s'])}; "
        f"{r['lineage_split_deep']['nodes']} models, depth {r['summary']['deep_leaf_depth']})"))  # fmt: skip
    row("lineage: models in the family (lines shown; lines of the whole tree)",
        lambda r: f"{r['lineage_split']['nodes']:,} ({r['lineage_warm']['lines']:,}; {r['lineage_all']['lines']:,})")  # fmt: skip

    lines += [*targets(results)]
    return lines


def targets(results: list[dict[str, Any]]) -> list[str]:
    ok = [r for r in results if r.get("import", {}).get("status") == "ok"]
    big = max(ok, key=lambda r: r["size"]) if ok else max(results, key=lambda r: r["size"])
    at = f"{big['size']:,} records"
    note = "" if big["size"] >= 1_000_000 else f" (measured at {at} only; the targets are for 1M)"
    out = ["", f"Targets of #16 at 1M records{note}:", "", "| target | measured | met |", "| --- | --- | --- |"]

    def yes(ok: bool | None) -> str:
        return "-" if ok is None or big["size"] < 1_000_000 else "yes" if ok else "no"

    imp = big.get("import", {})
    fine = imp.get("status") == "ok"
    out.append(
        f"| import in under 5 minutes | {_step(imp)} at {at} | {yes(fine and imp['seconds'] < IMPORT_SECONDS)} |"
    )
    out.append(
        f"| import peak memory under {IMPORT_GIB:g} GiB | {_gib(imp['peak_rss_mb']) if 'peak_rss_mb' in imp else '-'} | "
        f"{yes(fine and imp['peak_rss_mb'] < IMPORT_GIB * 1024)} |"
    )
    # the flatness ratio: against the largest size at most a tenth of the biggest (100k for 1M), else the smallest
    tenth = [r for r in ok if r["size"] * 10 <= big["size"]]
    small = max(tenth, key=lambda r: r["size"]) if tenth else min(ok, key=lambda r: r["size"]) if len(ok) > 1 else None
    if small is not None and fine:
        ratio = imp["peak_rss_mb"] / small["import"]["peak_rss_mb"]
        growth = big["size"] / small["size"]
        per = (imp["peak_rss_mb"] - small["import"]["peak_rss_mb"]) * 2**20 / (big["size"] - small["size"])
        flat = ratio < FLAT_RATIO if growth >= 10 else None
        out.append(
            f"| memory flat in the number of records ({growth:g}× the records: peak under {FLAT_RATIO:g}× as high) | "
            f"{_gib(small['import']['peak_rss_mb'])} at {small['size']:,}, {_gib(imp['peak_rss_mb'])} at "
            f"{big['size']:,}: {ratio:.2f}× ({per:,.0f} bytes a record) | {yes(flat)} |"
        )
    else:
        out.append("| memory flat in the number of records | one size measured | - |")
    if fine:
        out.append(f"| streams N-Triples (`-o OUT.nt`) | {imp['triples']:,} triples written | {yes(True)} |")
    warm, split = big.get("lineage_warm", {}), big.get("lineage_split", {})
    query = f"; in process {_s(split['query_s'])} (open {_s(split['open_s'])})" if "query_s" in split else ""
    answered = warm.get("status") == "ok"
    out.append(
        f"| `fmkg lineage` of the largest root under 1 s | warm {_step(warm)} whole process{query}; "
        f"the whole tree (`--limit 0`) {_step(big.get('lineage_all'))}; "
        f"first run with the store build {_step(big.get('lineage_cold'))} | "
        f"{yes(answered and warm['seconds'] < LINEAGE_SECONDS)} |"
    )
    return out


def replace_section(page: str, section: str) -> str:
    """``page`` with its "Hugging Face Hub records at scale" section replaced by ``section`` (or added at the end)."""
    lines = page.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip() == TITLE), None)
    if start is None:
        return page.rstrip() + "\n\n" + section.rstrip() + "\n"
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    kept = lines[:start] + section.rstrip().splitlines() + (["", *lines[end:]] if end < len(lines) else [])
    return "\n".join(kept).rstrip() + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--timeout", type=float, default=3600.0, help="time limit of one command, in seconds")
    parser.add_argument("--data-dir", type=Path, default=HERE / ".data")
    parser.add_argument("--out", type=Path, default=None, help="replace this section of this Markdown page")
    parser.add_argument("--report-only", action="store_true", help="write the section from the saved results")
    parser.add_argument("--keep", action="store_true", help="keep the on-disk stores built for lineage")
    parser.add_argument("--lineage-worker", nargs=3, metavar=("STORE", "DATA", "NAME"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.lineage_worker:
        store, data, name = args.lineage_worker
        print(json.dumps(lineage_worker(Path(store), Path(data), name)))
        return
    args.data_dir.mkdir(parents=True, exist_ok=True)
    saved_file = args.data_dir / "results.json"
    saved: dict[str, Any] = json.loads(saved_file.read_text()) if saved_file.is_file() else {}
    if not isinstance(saved, dict):
        saved = {}
    if not args.report_only:
        update(saved, args.sizes, args.data_dir, args.timeout, args.keep)
        saved_file.write_text(json.dumps(saved, indent=2) + "\n")
    hub = saved.get("hub", {})
    text = "\n".join(report(hub.get("results", []), hub.get("machine"))) + "\n"
    if args.out:
        page = args.out.read_text() if args.out.is_file() else "# Benchmarks\n"
        tmp = args.out.with_suffix(".tmp")
        tmp.write_text(replace_section(page, text))
        tmp.replace(args.out)
    print(text)


if __name__ == "__main__":
    main()
