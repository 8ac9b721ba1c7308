"""fetch.snapshot against a local stand-in for the Hub API: filters, the model-tree walk, errors, reproducibility.

Nothing here reaches the internet: a thread on 127.0.0.1 answers the routes huggingface_hub's session is
sent to, with the recorded records of tests/fixtures/hub-api/models.jsonl, filtered as the Hub filters them.
"""

from __future__ import annotations

import datetime
import json
import socket
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from fmkg.errors import FmkgError
from fmkg.importers.huggingface import fetch

from .conftest import FIXTURES

RECORDS = [json.loads(line) for line in (FIXTURES / "hub-api" / "models.jsonl").read_text("utf-8").splitlines()]
BY_ID = {r["id"]: r for r in RECORDS}
DAY = datetime.date(2025, 4, 22)
TOKEN = "hf_fmkgTestToken"


@dataclass
class FakeHub:
    """What the server answers (``records``, ``page_size``, ``status``) and what it was asked (``requests``)."""

    records: list[dict[str, Any]] = field(default_factory=lambda: list(RECORDS))
    page_size: int = 3
    status: int | None = None  # answer every request with this error status
    requests: list[tuple[str, dict[str, list[str]], dict[str, str]]] = field(default_factory=list)
    url: str = ""

    def listed(self, query: dict[str, list[str]]) -> list[dict[str, Any]]:
        """The Hub's listing filters: author (the owner), search (in the id), filter (every tag given)."""
        found = self.records
        if "author" in query:
            found = [r for r in found if r["id"].split("/")[0].lower() == query["author"][0].lower()]
        if "search" in query:
            found = [r for r in found if query["search"][0].lower() in r["id"].lower()]
        for tag in query.get("filter", []):
            found = [r for r in found if tag in r["tags"]]
        return found

    def queries(self, path: str = "/api/models") -> list[dict[str, list[str]]]:
        return [q for p, q, _ in self.requests if p == path]


def _handler(hub: FakeHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def answer(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = parse_qs(url.query)
            hub.requests.append((url.path, query, {k.lower(): v for k, v in self.headers.items()}))
            if hub.status is not None:
                self.answer(hub.status, {"error": "Something went wrong\non our side"})
            elif url.path == "/api/models":
                found = hub.listed(query)
                start = int(query.pop("cursor", ["0"])[0])
                size = min(hub.page_size, int(query["limit"][0])) if "limit" in query else hub.page_size
                headers = {}
                if start + size < len(found):
                    following = urlencode({**query, "cursor": [str(start + size)]}, doseq=True)
                    headers["Link"] = f'<{hub.url}/api/models?{following}>; rel="next"'
                self.answer(200, found[start : start + size], headers)
            elif url.path.startswith("/api/models/") and url.path[len("/api/models/") :] in BY_ID:
                self.answer(200, BY_ID[url.path[len("/api/models/") :]])
            else:
                self.answer(404, {"error": "Repository not found"}, {"X-Error-Code": "RepoNotFound"})

    return Handler


@pytest.fixture(autouse=True)
def _hub_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from huggingface_hub import close_session, constants

    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)  # read once, when huggingface_hub is imported
    monkeypatch.delenv("HF_ENDPOINT", raising=False)
    monkeypatch.delenv("HF_OIDC_RESOURCE", raising=False)
    monkeypatch.setenv("HF_TOKEN", TOKEN)  # never the saved login of whoever runs the tests
    for proxy in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(proxy, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    close_session()  # the shared client is made again, in this environment
    yield
    close_session()


@pytest.fixture
def hub() -> Iterator[FakeHub]:
    state = FakeHub()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def ids(path: Path) -> list[str]:
    return [r["id"] for r in lines(path)]


def test_author_snapshot_holds_exactly_their_records_sorted(hub: FakeHub, tmp_path: Path) -> None:
    path = fetch.snapshot(tmp_path, author="BramVanroy", endpoint=hub.url, today=DAY)
    assert path == tmp_path / "hub-2025-04-22.jsonl"
    assert ids(path) == ["BramVanroy/fietje-2", "BramVanroy/fietje-2-chat", "BramVanroy/fietje-2-instruct"]
    for record in lines(path):
        assert record == BY_ID[record["id"]]  # the API's JSON unchanged: dates stay strings
    assert lines(path)[0]["createdAt"] == "2024-04-09T12:34:05.000Z"
    assert [p.name for p in tmp_path.iterdir()] == ["hub-2025-04-22.jsonl"]  # no temporary file left
    (query,) = hub.queries()
    assert query["author"] == ["BramVanroy"]
    assert {"cardData", "safetensors", "config", "tags", "createdAt"} <= set(query["expand"])


def test_pages_are_followed_and_the_token_is_sent(hub: FakeHub, tmp_path: Path) -> None:
    counts: list[int] = []
    path = fetch.snapshot(tmp_path, endpoint=hub.url, today=DAY, progress=counts.append)
    assert ids(path) == sorted(BY_ID)
    assert len(hub.queries()) == 4  # 10 records, 3 a page, linked by `Link: <...>; rel="next"`
    assert counts == [3, 6, 9, 10]
    assert {headers["authorization"] for _, _, headers in hub.requests} == {f"Bearer {TOKEN}"}
    fetch.snapshot(tmp_path, endpoint=hub.url, token="hf_given", today=DAY)
    assert hub.requests[-1][2]["authorization"] == "Bearer hf_given"


def test_limit_caps_the_records_and_search_is_sent(hub: FakeHub, tmp_path: Path) -> None:
    path = fetch.snapshot(tmp_path, search="fietje", limit=4, endpoint=hub.url, today=DAY)
    matching = [r["id"] for r in RECORDS if "fietje" in r["id"]]
    assert len(matching) == 6
    assert ids(path) == sorted(matching[:4])  # the first four the Hub lists, in id order
    assert [q["search"] for q in hub.queries()] == [["fietje"], ["fietje"]]
    assert hub.queries()[0]["limit"] == ["4"]
    assert len(hub.queries()) == 2  # no page asked for past the limit


def test_limit_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(FmkgError, match="limit must be at least 1"):
        fetch.snapshot(tmp_path, limit=0, endpoint="http://127.0.0.1:9")


def test_endpoint_defaults_to_hf_endpoint(hub: FakeHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_ENDPOINT", hub.url + "/")
    path = fetch.snapshot(tmp_path / "new" / "folder", author="PrunaAI", today=DAY)
    assert path == tmp_path / "new" / "folder" / "hub-2025-04-22.jsonl"
    assert len(ids(path)) == 2
    assert hub.requests


def test_descendants_walk_two_levels_and_include_the_root(hub: FakeHub, tmp_path: Path) -> None:
    path = fetch.snapshot(tmp_path, descendants_of="BramVanroy/fietje-2", endpoint=hub.url, today=DAY)
    assert ids(path) == [
        "BramVanroy/fietje-2",  # the root, by model info
        "BramVanroy/fietje-2-chat",  # grandchildren, through fietje-2-instruct
        "BramVanroy/fietje-2-instruct",  # children
        "PrunaAI/BramVanroy-fietje-2-HQQ-1bit-smashed",
        "PrunaAI/BramVanroy-fietje-2-HQQ-2bit-smashed",
        "ekrombouts/zuster_fietje",
        "marc4gov/my-szw-model",
    ]
    for record in lines(path):
        assert record == BY_ID[record["id"]]
    assert hub.queries("/api/models/BramVanroy/fietje-2")
    asked = [q["filter"] for q in hub.queries()]
    assert ["base_model:BramVanroy/fietje-2"] in asked
    assert ["base_model:BramVanroy/fietje-2-instruct"] in asked
    assert len(asked) == 7  # one listing per repository found, each repository once


def test_descendants_stop_at_the_limit_breadth_first(hub: FakeHub, tmp_path: Path) -> None:
    path = fetch.snapshot(tmp_path, descendants_of="microsoft/phi-2", limit=3, endpoint=hub.url, today=DAY)
    found = ids(path)
    assert len(found) == 3
    assert "microsoft/phi-2" in found and "BramVanroy/fietje-2" in found
    assert len(set(found) & {"BramVanroy/fietje-2-instruct", *(r for r in BY_ID if r.startswith("PrunaAI/"))}) == 1


def test_descendants_of_an_unknown_model(hub: FakeHub, tmp_path: Path) -> None:
    with pytest.raises(FmkgError) as caught:
        fetch.snapshot(tmp_path, descendants_of="nobody/nothing", endpoint=hub.url, today=DAY)
    message = str(caught.value)
    assert (
        message == f"the Hub at {hub.url}/ answered 404 Not Found for /api/models/nobody/nothing: Repository not found"
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("bad", ["not a repo id!", "a/b/c"])
def test_descendants_of_needs_a_repository_id(tmp_path: Path, bad: str) -> None:
    with pytest.raises(FmkgError, match="not a Hub repository id"):
        fetch.snapshot(tmp_path, descendants_of=bad, endpoint="http://127.0.0.1:9")


def test_descendants_take_no_listing_filters(tmp_path: Path) -> None:
    with pytest.raises(FmkgError, match="no author or search"):
        fetch.snapshot(tmp_path, descendants_of="microsoft/phi-2", author="microsoft", endpoint="http://127.0.0.1:9")


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_unreachable_endpoint_is_one_line_and_leaves_nothing(tmp_path: Path) -> None:
    endpoint = f"http://127.0.0.1:{_closed_port()}"
    (tmp_path / "hub-2025-04-22.jsonl").write_text("yesterday's answer\n")
    with pytest.raises(FmkgError) as caught:
        fetch.snapshot(tmp_path, author="BramVanroy", endpoint=endpoint, today=DAY)
    assert str(caught.value) == f"could not reach the Hub at {endpoint}/: connection refused"
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
    assert [p.name for p in tmp_path.iterdir()] == ["hub-2025-04-22.jsonl"]  # no temporary file beside it
    assert (tmp_path / "hub-2025-04-22.jsonl").read_text() == "yesterday's answer\n"
    with pytest.raises(FmkgError, match="connection refused"):
        fetch.snapshot(tmp_path / "snapshots", descendants_of="microsoft/phi-2", endpoint=endpoint, today=DAY)
    assert not (tmp_path / "snapshots").exists()


def test_server_error_is_one_line(hub: FakeHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fetch, "RETRIES", 1)
    monkeypatch.setattr(fetch, "RETRY_WAIT", 0.01)
    hub.status = 503
    with pytest.raises(FmkgError) as caught:
        fetch.snapshot(tmp_path, endpoint=hub.url, today=DAY)
    assert str(caught.value) == (
        f"the Hub at {hub.url}/ answered 503 Service Unavailable for /api/models: Something went wrong on our side"
    )
    assert len(hub.requests) == 2  # retried once
    assert list(tmp_path.iterdir()) == []


def test_a_silent_server_times_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fetch, "TIMEOUT", 0.2)
    monkeypatch.setattr(fetch, "RETRIES", 0)
    with socket.socket() as sock:  # accepts connections (the kernel does) and never answers
        sock.bind(("127.0.0.1", 0))
        sock.listen(4)
        endpoint = f"http://127.0.0.1:{sock.getsockname()[1]}"
        with pytest.raises(FmkgError) as caught:
            fetch.snapshot(tmp_path, endpoint=endpoint, today=DAY)
    assert str(caught.value) == f"could not reach the Hub at {endpoint}/: no answer within 0.2 s"


def test_an_answer_that_is_not_a_listing(hub: FakeHub, tmp_path: Path) -> None:
    hub.records = [{"no": "id"}]
    with pytest.raises(FmkgError, match="not a list of models"):
        fetch.snapshot(tmp_path, endpoint=hub.url, today=DAY)


def test_offline_mode_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    with pytest.raises(FmkgError, match=r"could not reach the Hub at http://127\.0\.0\.1:9/: HF_HUB_OFFLINE is set"):
        fetch.snapshot(tmp_path, endpoint="http://127.0.0.1:9", today=DAY)


def test_without_huggingface_hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("huggingface_hub", "huggingface_hub.errors", "huggingface_hub.utils"):
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(FmkgError) as caught:
        fetch.snapshot(tmp_path, endpoint="http://127.0.0.1:9")
    assert str(caught.value) == "--from-hub needs huggingface_hub: pip install 'fmkg[hub]'"


def test_snapshots_of_the_same_answers_are_byte_identical(hub: FakeHub, tmp_path: Path) -> None:
    first = fetch.snapshot(tmp_path / "a", endpoint=hub.url, today=DAY)
    hub.records = list(reversed(RECORDS))  # the same answers in another order
    hub.page_size = 4
    second = fetch.snapshot(tmp_path / "b", endpoint=hub.url, today=DAY)
    assert first.read_bytes() == second.read_bytes()
    again = fetch.snapshot(tmp_path / "a", endpoint=hub.url, today=DAY)  # replaces the day's snapshot
    assert again == first and again.read_bytes() == second.read_bytes()
    assert first.read_bytes().endswith(b"\n") and first.read_bytes().count(b"\n") == len(RECORDS)


def test_default_date_is_today_in_utc(hub: FakeHub, tmp_path: Path) -> None:
    path = fetch.snapshot(tmp_path, author="microsoft", endpoint=hub.url)
    assert path.name == f"hub-{datetime.datetime.now(datetime.UTC).date().isoformat()}.jsonl"
    assert ids(path) == ["microsoft/phi-2"]


def test_the_command_fetches_a_snapshot_then_imports_it(
    hub: FakeHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``fmkg import huggingface --from-hub``: the snapshot is written, then imported from that file."""
    from typer.testing import CliRunner

    from fmkg.cli import app

    monkeypatch.setenv("HF_ENDPOINT", hub.url)
    out = tmp_path / "tree.nt"
    args = ["import", "huggingface", "--from-hub", "--descendants-of", "BramVanroy/fietje-2"]
    result = CliRunner().invoke(app, [*args, "--snapshot-dir", str(tmp_path / "snap"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    (snapshot,) = (tmp_path / "snap").iterdir()
    assert snapshot.name.startswith("hub-") and snapshot.suffix == ".jsonl"
    assert f"wrote {snapshot}" in result.output
    text = out.read_text("utf-8")
    assert '"BramVanroy/fietje-2-instruct"' in text
    assert (
        "<https://w3id.org/fmkg/id/model/hf--bramvanroy--fietje-2-instruct> <https://w3id.org/fmkg/ontology#fineTunedFrom> <https://w3id.org/fmkg/id/model/hf--bramvanroy--fietje-2> ."
        in text
    )
    assert "fm:popularity" not in text and "ontology#popularity" in text  # dated by the snapshot's name
