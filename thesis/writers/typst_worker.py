"""Typst in a long-lived child process: the watch mode's PDF compiler.

A kept compiler recompiles an edited thesis several times faster than a new one (~130 ms
against ~350 ms for the 61-page thesis), but Typst's memoization caches grow with every
edit: ~35 MiB per edited build, because the binding (typst-py 0.15) evicts only what the
last ten compiles did not use (`comemo::evict(10)` after each compile). So after each
compile the child compiles an empty document `AGE_OUT` times (~13 ms in all, after its
reply, off the author's path): each ages the cache once, so what the last real compile did
not use leaves it, while what it used stays (the next compile is as fast as before; the
empty ones hit only the cache's font and library entries). Measured: the child stays at
~40 MiB over its first compile, edit after edit, where it grew by ~35 MiB an edit.

The compiler lives in a child process all the same: should the child still grow past
`GROWTH_LIMIT_MB` over its first compile (another binding, another eviction), it is ended
and a fresh child is warmed with the same document in the background. The process tree's
memory stays bounded either way.
"""

from __future__ import annotations

import os
import pickle
import struct
import subprocess
import sys
import threading
from functools import lru_cache
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent.parent.parent  # the folder holding `thesis`

GROWTH_LIMIT_MB = 100
AGE_OUT = 8  # empty compiles after each real one (the binding evicts at age 10)


def trim_heap() -> None:
    """Freed memory handed back to the system (glibc's malloc_trim; elsewhere nothing): what
    Typst's evicted cache entries and a build's AST held would otherwise stay in the process's
    heap (measured: the Typst child at ~125 instead of ~165 MiB between rebuilds)."""
    trim = getattr(_libc(), "malloc_trim", None)
    if trim is not None:
        trim(0)


@lru_cache(maxsize=1)
def _libc():
    import ctypes
    try:
        return ctypes.CDLL(None)
    except OSError:  # pragma: no cover - a platform without a C library to load
        return None


def _rss_mb(status: str = "/proc/self/status") -> int:
    """The process's resident memory in MiB: Linux's current size, elsewhere (no /proc) its peak
    so far, which the growth check can use as well."""
    try:
        with open(status) as lines:
            for line in lines:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    import resource
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux, bytes on macOS
    return peak // (1024 * 1024) if sys.platform == "darwin" else peak // 1024


def _send(stream, message) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(struct.pack("<Q", len(data)) + data)
    stream.flush()


def _receive(stream):
    head = stream.read(8)
    if len(head) < 8:
        raise EOFError("the Typst process ended")
    return pickle.loads(stream.read(struct.unpack("<Q", head)[0]))


def new_compiler(root: Path, ignore_system_fonts: bool):
    """A Typst compiler sandboxed to the project: files under `root` only, no package downloads
    (the package folders point at a folder that does not exist)."""
    import typst
    return typst.Compiler(root=str(root), ignore_system_fonts=ignore_system_fonts,
                          package_path=str(Path(root) / ".no-packages"),
                          package_cache_path=str(Path(root) / ".no-packages"))


def serve(root: str, ignore_system_fonts: bool) -> None:  # pragma: no cover - the child
    """The child's loop: (source, sys_inputs, timestamp) in, ("ok"|"error", …, rss MiB) out;
    it ends quietly when told to or when its parent has gone (its input closed). Ctrl-C, which
    the terminal sends to the parent and the child alike, is the parent's to act on: the watch
    stops and closes the child."""
    import signal
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        _serve(root, ignore_system_fonts)
    except (EOFError, BrokenPipeError):
        pass


def _serve(root: str, ignore_system_fonts: bool) -> None:  # pragma: no cover - the child
    import typst
    inp, out = sys.stdin.buffer, sys.stdout.buffer
    compiler = new_compiler(Path(root), ignore_system_fonts)
    while (request := _receive(inp)) is not None:
        source, sys_inputs, timestamp = request
        try:
            pdf, warnings = compiler.compile_with_warnings(input=source, format="pdf", sys_inputs=sys_inputs,
                                                           timestamp=timestamp)
            _send(out, ("ok", pdf, [str(w) for w in warnings or []], _rss_mb()))
        except typst.TypstError as exc:
            _send(out, ("error", str(getattr(exc, "message", None) or exc), [], _rss_mb()))
        try:
            for _ in range(AGE_OUT):  # the same inputs: only the document differs from the real compile's
                compiler.compile(input=b"", format="pdf", sys_inputs=sys_inputs, timestamp=timestamp)
        except typst.TypstError:  # pragma: no cover - an empty document compiles; if not, the renewal bounds memory
            pass
        trim_heap()


class _Child:
    """A Python process running `serve`, started afresh (no copy of the parent, whatever its
    main module is), spoken to over its stdin/stdout. It imports this package from where the
    parent did (`-P`: not from the working directory, which may hold a folder named `thesis`)."""

    def __init__(self, root: Path, ignore_system_fonts: bool):
        code = ("import sys; from thesis.writers.typst_worker import serve; "
                f"serve({str(root)!r}, {bool(ignore_system_fonts)!r})")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(PACKAGE_ROOT),
                                                                       os.environ.get("PYTHONPATH", "")]))}
        self.process = subprocess.Popen([sys.executable, "-P", "-c", code], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, env=env)
        self.first_rss: int | None = None

    def compile(self, request: tuple) -> tuple:
        _send(self.process.stdin, request)
        reply = _receive(self.process.stdout)
        if self.first_rss is None:
            self.first_rss = reply[3]
        return reply

    def close(self) -> None:
        try:
            _send(self.process.stdin, None)
            self.process.wait(timeout=2)
        except (OSError, subprocess.TimeoutExpired):
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
        """The grown child replaced: closed first (one Typst process at a time, so memory stays
        bounded), the fresh one warmed with the last document. A rebuild that comes meanwhile
        waits for the warm-up (one cold compile) instead of paying it itself later."""
        with self._lock:
            self._child.close()
            self._child = _Child(self.root, self.ignore)
            self._child.compile(warm_with)
        self._renewing = None

    @property
    def pid(self) -> int:
        return self._child.process.pid

    def close(self) -> None:
        if self._renewing is not None:
            self._renewing.join()
        self._child.close()
