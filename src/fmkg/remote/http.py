"""HTTP for remote stores: one request at a time with the standard library, errors as one line."""

from __future__ import annotations

import base64
import ipaddress
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass

from fmkg.errors import FmkgError

#: Seconds to wait for one HTTP request.
DEFAULT_TIMEOUT = 120.0


class RemoteError(FmkgError):
    """A remote store could not be reached, or answered with an error."""


@dataclass(frozen=True)
class Auth:
    """HTTP Basic credentials for a store that asks for them."""

    user: str
    password: str

    def header(self) -> str:
        token = base64.b64encode(f"{self.user}:{self.password}".encode()).decode("ascii")
        return f"Basic {token}"


def is_loopback(url: str) -> bool:
    """Whether ``url`` names this machine (localhost, 127.0.0.0/8, ::1)."""
    host = urllib.parse.urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def send(
    url: str,
    *,
    method: str,
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    auth: Auth | None = None,
) -> tuple[int, str, bytes]:
    """One HTTP request: (status, Content-Type, body); an HTTP error or no connection raises RemoteError."""
    scheme = urllib.parse.urlsplit(url).scheme
    if scheme not in ("http", "https"):
        raise RemoteError(f"{url}: not an http(s) URL")
    request = urllib.request.Request(url, data=body, method=method, headers=dict(headers or {}))
    request.add_header("User-Agent", "fmkg")
    if auth is not None:
        request.add_header("Authorization", auth.header())
    # A store on this machine is reached directly, whatever proxy the environment names.
    handlers = [urllib.request.ProxyHandler({})] if is_loopback(url) else []
    opener = urllib.request.build_opener(*handlers)
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as exc:
        detail = " ".join(exc.read().decode("utf-8", "replace").split())[:500]
        raise RemoteError(f"{method} {url}: HTTP {exc.code} {exc.reason}" + (f": {detail}" if detail else "")) from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise RemoteError(f"{method} {url}: cannot connect: {reason}") from None
