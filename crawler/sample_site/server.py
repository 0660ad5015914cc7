"""A threaded HTTP server for a `SampleSite` on 127.0.0.1, recording every request it answers."""
from __future__ import annotations

import threading
import traceback
import time
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from crawler.sample_site.site import Request, Response, SampleSite


@dataclass(frozen=True)
class RequestRecord:
    time: float  # time.monotonic() when the request arrived
    method: str
    path: str  # with query, as sent
    status: int
    headers: dict[str, str]


class SampleServer:
    """Serves one site; use as a context manager, or `start()` / `stop()`."""

    def __init__(self, site: SampleSite, host: str = "127.0.0.1", port: int = 0) -> None:
        self.site = site
        self.requests: list[RequestRecord] = []  # appended under a lock; read it freely
        self._lock = threading.Lock()
        self._hits: Counter[str] = Counter()
        self._httpd = ThreadingHTTPServer((host, port), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "SampleServer":
        if self._thread is None:
            self._thread = threading.Thread(target=self._httpd.serve_forever, name="sample-site", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> "SampleServer":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def paths_requested(self) -> list[str]:
        with self._lock:
            return [record.path for record in self.requests]

    def answer(self, method: str, target: str, headers: dict[str, str]) -> Response:
        """Route one request through the site and record it (called by the handler threads)."""
        arrived = time.monotonic()
        path = urlsplit(target).path
        with self._lock:
            previous_hits = self._hits[path]
            self._hits[path] += 1
        try:
            response = self.site.respond(Request(method, target, headers), self.base_url, previous_hits)
        except Exception:  # a bug in the site must show as a 500 in the test, not a dropped connection
            traceback.print_exc()
            response = Response(500, {"Content-Type": "text/plain; charset=utf-8"}, b"sample site error")
        with self._lock:
            self.requests.append(RequestRecord(arrived, method, target, response.status, headers))
        return response


def _handler_for(server: SampleServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "SampleNews/1.0"
        timeout = 30  # ends handler threads held by idle keep-alive connections

        def do_GET(self) -> None:
            self._reply(send_body=True)

        def do_HEAD(self) -> None:
            self._reply(send_body=False)

        def _reply(self, send_body: bool) -> None:
            response = server.answer(self.command, self.path, dict(self.headers.items()))
            self.send_response(response.status)
            for name, value in response.headers.items():
                self.send_header(name, value)
            if "Content-Length" not in response.headers and response.status != 304:
                self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if send_body and response.status != 304:
                self.wfile.write(response.body)

        def log_message(self, format: str, *args: object) -> None:
            pass  # requests are recorded in server.requests instead

    return Handler


def serve(site: SampleSite, host: str = "127.0.0.1", port: int = 0) -> SampleServer:
    """A server for `site` on a free port; `with serve(site) as server:` or `serve(site).start()`."""
    return SampleServer(site, host, port)
