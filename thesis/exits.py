"""How a command ends: 0 done, 1 the author's problem (one line each), 3 a bug, 128+N a signal.

One place for every command (`thesis`, `diff`, `comments`…), so they all end alike.
"""

from __future__ import annotations

import signal
import sys
import traceback
from typing import Callable

from .diagnostics import Reporter, UserError
from .outputs import Interrupted


def exit_code(command: Callable[[], int], reporter: Reporter, debug: bool, state: dict | None = None) -> int:
    """`command()`'s exit code; a UserError printed line by line, an interrupt in one line
    (`state["written"]`: whether the outputs were already replaced), a bug without its
    traceback unless `debug`."""
    try:
        return command()
    except UserError as exc:
        for diag in exc.diagnostics:
            print(reporter.render(diag), file=sys.stderr)
        return 1
    except KeyboardInterrupt as exc:
        return _interrupted(exc, state)
    except Exception as exc:  # a bug, not the author's fault
        if (cause := _interrupt_behind(exc)) is not None:  # e.g. "Error calling __set_name__"
            return _interrupted(cause, state)
        if debug:
            traceback.print_exc()
        else:
            print(f"internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)",
                  file=sys.stderr)
        return 3


def _interrupted(exc: KeyboardInterrupt, state: dict | None) -> int:
    if not isinstance(exc, Interrupted):
        exc = Interrupted(signal.SIGINT)
    exc.written = exc.written or bool(state and state.get("written"))
    print(str(exc), file=sys.stderr)
    return 128 + exc.signum


def _interrupt_behind(exc: BaseException) -> KeyboardInterrupt | None:
    """The interrupt an error was raised from (an interrupt during an import can reach the
    caller as a RuntimeError of the class being made)."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, KeyboardInterrupt):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None
