"""`thesis preview`: watch + a local page that shows the PDF and reloads it in place.

The standard library's threading HTTP server, bound to 127.0.0.1 on a free port; the page
(templates/preview/index.html) renders the PDF with Mozilla's PDF.js (vendor/pdfjs-dist,
pinned) and listens to server-sent events: after each rebuild it fetches the new PDF and
redraws the pages in place, keeping the page and the scroll position. A panel lists the
build's state (building / ok / failed) and its warnings and errors as file:line. A failed
build keeps the last good PDF on screen.
"""

from __future__ import annotations

import json
import queue
import threading
import webbrowser
from dataclasses import asdict
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .context import Options
from .files import TOOL_ROOT
from .watch import Outcome, Watcher
from .writers import PREVIEWED, WRITERS

PDFJS_VERSION = "6.5.438"
STATIC = {  # URL path → (file, content type)
    "/": (TOOL_ROOT / "templates" / "preview" / "index.html", "text/html; charset=utf-8"),
    "/pdfjs/pdf.min.mjs": (TOOL_ROOT / "vendor" / "pdfjs-dist" / "pdf.min.mjs", "text/javascript"),
    "/pdfjs/pdf.worker.min.mjs": (TOOL_ROOT / "vendor" / "pdfjs-dist" / "pdf.worker.min.mjs", "text/javascript"),
}


class State:
    """What the page is told: the build's state, its findings, the PDF's version."""

    def __init__(self, pdf: Path):
        self.pdf = pdf
        self.lock = threading.Lock()
        self.event = {"state": "building", "version": 0, "diagnostics": [], "line": ""}
        self.listeners: list[queue.Queue] = []

    def publish(self, **changes) -> None:
        with self.lock:
            self.event = {**self.event, **changes}
            for listener in self.listeners:
                listener.put(self.event)

    def building(self) -> None:
        self.publish(state="building")

    def built(self, outcome: Outcome) -> None:
        new = {str(d) for d in outcome.new} if outcome.number > 1 else set()  # the first build's: all
        rank = {"error": 0, "warning": 1}
        diagnostics = [{**asdict(d), "text": str(d), "new": str(d) in new}  # errors first, as written
                       for d in sorted(outcome.diagnostics, key=lambda d: rank.get(d.level, 2))]
        version = self.event["version"] + 1 if outcome.ok else self.event["version"]
        self.publish(state="ok" if outcome.ok else "failed", version=version, diagnostics=diagnostics,
                     line=outcome.summary())  # the findings are the panel's list, one per line


def handler(state: State):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
            path = self.path.split("?", 1)[0]
            if path == "/events":
                return self.events()
            if path == "/thesis.pdf":
                return self.send(state.pdf.read_bytes() if state.pdf.is_file() else b"", "application/pdf")
            if path in STATIC:
                file, kind = STATIC[path]
                return self.send(file.read_bytes(), kind)
            self.send_error(HTTPStatus.NOT_FOUND)

        def send(self, body: bytes, kind: str) -> None:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def events(self) -> None:
            """Server-sent events: the current state now, then every change."""
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            mine: queue.Queue = queue.Queue()
            with state.lock:
                state.listeners.append(mine)
                mine.put(state.event)
            try:
                while True:
                    try:
                        event = mine.get(timeout=15)
                        self.wfile.write(f"data: {json.dumps(event, ensure_ascii=False)}\n\n".encode())
                    except queue.Empty:
                        self.wfile.write(b": keep-alive\n\n")
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                pass
            finally:
                with state.lock:
                    state.listeners.remove(mine)

        def log_message(self, *args) -> None:  # the terminal shows builds, not requests
            pass
    return Handler


class Preview:
    """A watch and its page, served on 127.0.0.1 (port 0: a free one)."""

    def __init__(self, root: Path, options: Options, port: int = 0):
        out = (options.out or root / "build").resolve()
        self.state = State(out / WRITERS[PREVIEWED].load().NAME)
        self.watcher = Watcher(root, options, on_build=self._built, on_start=self.state.building)
        self.server = ThreadingHTTPServer(("127.0.0.1", port), handler(self.state))
        self.server.daemon_threads = True

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    def _built(self, outcome: Outcome) -> None:
        print(outcome.line(), flush=True)
        self.state.built(outcome)

    def start(self) -> None:
        """Serve and watch in background threads."""
        threading.Thread(target=self.server.serve_forever, daemon=True, name="preview-http").start()
        threading.Thread(target=self.watcher.run, daemon=True, name="preview-watch").start()

    def close(self) -> None:
        self.watcher.close()
        self.server.shutdown()
        self.server.server_close()


def main(argv: list[str]) -> int:
    """`thesis preview [--project DIR] [--out DIR] [--port N] [--open]`."""
    import argparse
    p = argparse.ArgumentParser(prog="thesis preview", description="Watch and show the PDF in the browser.")
    p.add_argument("--project", type=Path, default=Path("."))
    p.add_argument("--out", type=Path)
    p.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    p.add_argument("--open", action="store_true", help="open the page in the browser")
    args = p.parse_args(argv)
    preview = Preview(args.project, Options(targets=(PREVIEWED,), out=args.out), args.port)
    preview.start()
    print(f"preview at {preview.url} (Ctrl-C stops)", flush=True)
    if args.open:
        webbrowser.open(preview.url)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        preview.close()
    print("stopped", flush=True)
    return 0
