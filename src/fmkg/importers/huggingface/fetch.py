"""Snapshots of Hub model records: the only code of fmkg that goes to the network.

:func:`snapshot` asks the Hugging Face Hub API (``GET /api/models``, ``GET /api/models/{id}``) through
``huggingface_hub``'s HTTP session and writes the records it answers, unchanged, as one dated JSON Lines
file sorted by repository id; the importer then reads that file offline. ``huggingface_hub`` is the
optional extra ``fmkg[hub]``, imported only when a snapshot is taken.
"""

from __future__ import annotations

import datetime
import json
import os
import re
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from fmkg.errors import FmkgError
from fmkg.output import open_output

if TYPE_CHECKING:
    import httpx2

DEFAULT_ENDPOINT = "https://huggingface.co"

# The properties a record carries: those of the Hub's model info that fmkg reads (the shape of
# ../shared/reference/huggingface/hub-models.jsonl). Asked for by name (``expand``) because the listing's
# ``full=True`` answer has no ``safetensors`` (exact parameter counts) and carries every file name instead.
PROPERTIES = (
    "author",
    "cardData",
    "config",
    "createdAt",
    "disabled",
    "downloads",
    "gated",
    "lastModified",
    "library_name",
    "likes",
    "pipeline_tag",
    "private",
    "safetensors",
    "sha",
    "tags",
    "usedStorage",
)

TIMEOUT = 30.0  # seconds for one request
RETRIES = 3  # for timeouts, rate limits (429) and server errors (5xx); a refused connection is not retried
RETRY_WAIT = 1.0  # seconds before the first retry, doubled for each next one

_INSTALL_HINT = "--from-hub needs huggingface_hub: pip install 'fmkg[hub]'"


def snapshot(
    directory: Path,
    *,
    author: str | None = None,
    search: str | None = None,
    limit: int | None = None,
    descendants_of: str | None = None,
    endpoint: str | None = None,
    token: str | None = None,
    today: datetime.date | None = None,
    progress: Callable[[int], None] | None = None,
) -> Path:
    """Fetch Hub model records matching the filters and write them as a dated JSON Lines snapshot
    (``directory/hub-{YYYY-MM-DD}.jsonl``), atomically; return its path.

    - ``author``, ``search``: the Hub's listing filters (models of this user or organization; models
      whose id contains this text). ``limit`` caps the number of records.
    - ``descendants_of``: the model tree under a repository instead, breadth first: its own record and
      every model tagged ``base_model:{id}`` of a model already found, each repository once.
    - ``endpoint``: the Hub's address, by default ``$HF_ENDPOINT`` or https://huggingface.co; ``token``
      a Hub access token, by default the one ``huggingface_hub`` finds (``$HF_TOKEN``, the saved login).
    - ``today``: the snapshot's date (the current UTC date); ``progress`` is called with the number of
      records fetched so far, after each answer.

    Each line is one record as the Hub API answered it (keys sorted; dates stay ISO strings); lines are
    sorted by ``id``, so the same answers give the same bytes. Nothing is written until every record is
    in: a network failure or an HTTP error is one :class:`FmkgError` line and leaves no file behind.
    """
    try:
        import httpx2
        from huggingface_hub.errors import HfHubHTTPError, HFValidationError, OfflineModeIsEnabled

        # public and documented, but listed in a computed __all__ that mypy cannot read
        from huggingface_hub.utils import build_hf_headers, http_backoff, validate_repo_id  # type: ignore[attr-defined]
    except ImportError:
        raise FmkgError(_INSTALL_HINT) from None

    if limit is not None and limit < 1:
        raise FmkgError(f"limit must be at least 1, not {limit}")
    if descendants_of is not None:
        if author or search:
            raise FmkgError("a walk of the model tree (descendants_of) takes no author or search filter")
        try:
            validate_repo_id(descendants_of)
        except HFValidationError:
            raise FmkgError(f"{descendants_of!r} is not a Hub repository id (owner/name)") from None

    base = (endpoint or os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")
    where = f"the Hub at {base}/"
    headers = build_hf_headers(token=token, library_name="fmkg", library_version=_version())

    def get(url: str, params: Mapping[str, Any] | None = None) -> httpx2.Response:
        """One answer of the Hub, after retries; every failure becomes one FmkgError line."""
        try:
            response = http_backoff(
                "GET",
                url,
                params=params,
                headers=headers,
                timeout=TIMEOUT,
                max_retries=RETRIES,
                base_wait_time=RETRY_WAIT,
                retry_on_exceptions=(httpx2.TimeoutException, httpx2.RemoteProtocolError),
            )
        except OfflineModeIsEnabled:
            raise FmkgError(f"could not reach {where}: HF_HUB_OFFLINE is set (offline mode)") from None
        except httpx2.TimeoutException:
            raise FmkgError(f"could not reach {where}: no answer within {TIMEOUT:g} s") from None
        except HfHubHTTPError as exc:  # a 429 or 5xx answer, once the retries are spent
            raise FmkgError(_status_message(where, exc.response)) from None
        except httpx2.HTTPError as exc:
            raise FmkgError(f"could not reach {where}: {_reason(exc)}") from None
        except OSError as exc:  # a socket error outside httpx2's own classes
            raise FmkgError(f"could not reach {where}: {_reason(exc)}") from None
        if response.status_code >= 400:
            raise FmkgError(_status_message(where, response))
        return response

    def answer(response: httpx2.Response) -> Any:
        try:
            return response.json()
        except ValueError:
            raise FmkgError(f"{where} answered {_path(response)} with something that is not JSON") from None

    def listing(params: dict[str, Any]) -> Iterator[list[dict[str, Any]]]:
        """The pages of one listing, following the ``Link: <...>; rel="next"`` header."""
        url: str | None = f"{base}/api/models"
        query: dict[str, Any] | None = params
        while url is not None:
            response = get(url, query)
            page = answer(response)
            if not isinstance(page, list) or not all(
                isinstance(r, dict) and isinstance(r.get("id"), str) for r in page
            ):
                raise FmkgError(f"{where} answered {_path(response)} with something that is not a list of models")
            yield page
            following = response.links.get("next", {}).get("url")
            url = urljoin(str(response.url), following) if following else None
            query = None  # the next link carries the query

    records: dict[str, dict[str, Any]] = {}

    def keep(page: list[dict[str, Any]]) -> list[str]:
        """Add a page's records not seen yet, up to ``limit``; return their ids."""
        added = []
        for record in page:
            if limit is not None and len(records) >= limit:
                break
            if record["id"] not in records:
                records[record["id"]] = record
                added.append(record["id"])
        if progress is not None:
            progress(len(records))
        return added

    def full() -> bool:
        return limit is not None and len(records) >= limit

    expand = list(PROPERTIES)
    if descendants_of is None:
        params: dict[str, Any] = {"expand": expand}
        if author:
            params["author"] = author
        if search:
            params["search"] = search
        if limit is not None:
            params["limit"] = limit
        for page in listing(params):
            keep(page)
            if full():
                break
    else:
        response = get(f"{base}/api/models/{descendants_of}", {"expand": expand})
        root = answer(response)
        if not isinstance(root, dict) or not isinstance(root.get("id"), str):
            raise FmkgError(f"{where} answered {_path(response)} with something that is not a model")
        queue = deque(keep([root]))
        while queue and not full():
            parent = queue.popleft()
            children: dict[str, Any] = {"filter": f"base_model:{parent}", "expand": expand}
            if limit is not None:
                children["limit"] = limit - len(records)
            for page in listing(children):
                queue.extend(keep(page))
                if full():
                    break

    path = Path(directory) / f"hub-{(today or datetime.datetime.now(datetime.UTC).date()).isoformat()}.jsonl"
    with open_output(path) as fh:
        for key in sorted(records):
            fh.write(json.dumps(records[key], ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n")
    return path


def _version() -> str:
    from fmkg import __version__

    return __version__


def _path(response: httpx2.Response) -> str:
    return urlsplit(str(response.request.url)).path


def _reason(exc: BaseException) -> str:
    """Why a connection failed, in a few lower-case words: "connection refused"."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, OSError) and cause.strerror:
            text = cause.strerror
            break
        cause = cause.__cause__ or cause.__context__
    else:
        text = str(exc) or type(exc).__name__
    text = " ".join(re.sub(r"^\[Errno [^\]]*\]\s*", "", text).split())
    return text[:1].lower() + text[1:]


def _status_message(where: str, response: httpx2.Response) -> str:
    """One line for an HTTP error: status, what was asked, and the Hub's own word if it gave one."""
    try:
        response.read()
        body = response.json()
        detail = body.get("error") if isinstance(body, dict) else None
    except Exception:  # no body, not JSON: the status says enough
        detail = None
    if not isinstance(detail, str) or not detail.strip():
        detail = response.headers.get("X-Error-Message")
    line = f"{where} answered {response.status_code} {response.reason_phrase} for {_path(response)}".rstrip()
    if detail:
        detail = " ".join(detail.split())
        line += f": {detail[:200]}"
    return line
