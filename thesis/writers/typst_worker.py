"""Typst in a long-lived child process: the watch mode's PDF compiler.

A kept compiler recompiles an edited thesis several times faster than a new one, but
Typst's memoization caches, which the Python binding never evicts, grow with every
edit (measured: ~25 MiB per edited build of the 61-page thesis; a new compiler per
build does not free them either). So the compiler lives in a child process: when the
child has grown past `GROWTH_LIMIT_MB` over its first compile, a fresh child is started
in the background, warmed with the same document, and swapped in. The author's next
rebuild still meets a warm compiler, and the process tree's memory stays bounded.
"""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

GROWTH_LIMIT_MB = 40


def _rss_mb() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
    return 0


def _serve(conn, root: str, ignore_system_fonts: bool) -> None:  # pragma: no cover - the child
    import typst
    compiler = typst.Compiler(root=root, ignore_system_fonts=ignore_system_fonts,
                              package_path=str(Path(root) / ".no-packages"),
                              package_cache_path=str(Path(root) / ".no-packages"))
    while (request := conn.recv()) is not None:
        source, sys_inputs, timestamp = request
        try:
            pdf, warnings = compiler.compile_with_warnings(input=source, format="pdf", sys_inputs=sys_inputs,
                                                           timestamp=timestamp)
            conn.send(("ok", pdf, [str(w) for w in warnings or []], _rss_mb()))
        except typst.TypstError as exc:
            conn.send(("error", str(getattr(exc, "message", None) or exc), [], _rss_mb()))


class _Child:
    def __init__(self, root: Path, ignore_system_fonts: bool):
        context = multiprocessing.get_context("spawn")  # no copy of the parent's threads or memory
        self.conn, child_conn = context.Pipe()
        self.process = context.Process(target=_serve, args=(child_conn, str(root), ignore_system_fonts),
                                       daemon=True, name="thesis-typst")
        self.process.start()
        child_conn.close()
        self.first_rss: int | None = None

    def compile(self, request: tuple) -> tuple:
        self.conn.send(request)
        reply = self.conn.recv()
        if self.first_rss is None:
            self.first_rss = reply[3]
        return reply

    def close(self) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.process.join(timeout=2)
        if self.process.is_alive():
            self.process.kill()


class TypstWorker:
    """`compile(source, sys_inputs, timestamp) -> ("ok", pdf, warnings, rss) | ("error", message, …)`."""

    def __init__(self, root: Path, ignore_system_fonts: bool = False):
        self.root, self.ignore = root, ignore_system_fonts
        self._child = _Child(root, ignore_system_fonts)
        self._lock = threading.Lock()
        self._renewing: threading.Thread | None = None

    def compile(self, source: bytes, sys_inputs: dict, timestamp: int) -> tuple:
        with self._lock:
            child = self._child
            reply = child.compile((source, sys_inputs, timestamp))
        if reply[3] - (child.first_rss or reply[3]) > GROWTH_LIMIT_MB and self._renewing is None:
            self._renewing = threading.Thread(target=self._renew, args=((source, sys_inputs, timestamp),),
                                              daemon=True)
            self._renewing.start()
        return reply

    def _renew(self, warm_with: tuple) -> None:
        fresh = _Child(self.root, self.ignore)
        fresh.compile(warm_with)  # pays the cold compile now, while the author edits
        with self._lock:
            old, self._child = self._child, fresh
        old.close()
        self._renewing = None

    @property
    def pid(self) -> int:
        return self._child.process.pid

    def close(self) -> None:
        if self._renewing is not None:
            self._renewing.join()
        self._child.close()
