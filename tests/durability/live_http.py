"""A small HTTP client for tests against a real server process: a signed-in session with
its cookies and CSRF token, over the standard library only."""

from __future__ import annotations

import http.client
import json
import re
import socket
import subprocess
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_serving(process: subprocess.Popen, port: int, log: Path, timeout=40.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited:\n{log.read_text()[-3000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer within {timeout} s:\n{log.read_text()[-3000:]}")


class Session:
    """Cookies kept between requests, CSRF token sent on writes, no redirects followed."""

    def __init__(self, port: int, timeout: float = 30) -> None:
        self.port = port
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, *, form=None, json_body=None, headers=None):
        body = None
        sent = {"Host": "127.0.0.1", **(headers or {})}
        if form is not None:
            body = urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        elif json_body is not None:
            body = json.dumps(json_body)
            sent["Content-Type"] = "application/json"
        if method != "GET" and "csrftoken" in self.cookies:
            sent["X-CSRFToken"] = self.cookies["csrftoken"]
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            self.conn.request(method, path, body=body, headers=sent)
            response = self.conn.getresponse()
            data = response.read()
        except OSError:
            self.close()
            raise
        except http.client.HTTPException as error:
            # A response cut short (the server was killed while sending it) is a broken
            # connection to the callers, as a refused or reset one is.
            self.close()
            raise ConnectionError(f"the response was cut short: {error!r}") from error
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        return response.status, response.headers, data

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def sign_in(self, username: str, password: str, otp_code=None) -> None:
        """The login form, then (when `otp_code` is given) the two-factor code page."""
        status, _headers, page = self.request("GET", "/login/")
        token = CSRF_INPUT.search(page.decode()).group(1)
        status, headers, _ = self.request(
            "POST",
            "/login/",
            form={"username": username, "password": password, "csrfmiddlewaretoken": token},
        )
        if status != 302:
            raise AssertionError(f"sign-in of {username} answered {status}")
        if otp_code is None:
            return
        status, _headers, page = self.request("GET", "/account/two-factor/verify/")
        token = CSRF_INPUT.search(page.decode()).group(1)
        status, _headers, _ = self.request(
            "POST",
            "/account/two-factor/verify/",
            form={"code": otp_code(), "csrfmiddlewaretoken": token},
        )
        if status != 302:
            raise AssertionError(f"two-factor step of {username} answered {status}")
