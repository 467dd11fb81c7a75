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
        if not isinstance(exc, Interrupted):
            exc = Interrupted(signal.SIGINT)
        exc.written = exc.written or bool(state and state.get("written"))
        print(str(exc), file=sys.stderr)
        return 128 + exc.signum
    except Exception as exc:  # a bug, not the author's fault
        if debug:
            traceback.print_exc()
        else:
            print(f"internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)",
                  file=sys.stderr)
        return 3
