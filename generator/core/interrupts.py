"""SIGINT, SIGTERM and SIGHUP while a command runs: unwind, put everything back, report it.

Python turns SIGINT into KeyboardInterrupt, so `finally` blocks and rollbacks run, but SIGTERM
and SIGHUP kill the process outright, which would leave a staging directory or half a feature
behind. Inside `interruptible()` all three raise KeyboardInterrupt. A step that must not be cut
in two (a rollback, the renames that commit a change) runs inside `held()`, which keeps the
signals back until it ends; `done()` marks the point from which the change is made and an
interrupt can no longer undo it, so it is ignored rather than reported as a failure.
"""

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)
_CAN_BLOCK = hasattr(signal, "pthread_sigmask")


class _State:
    active = False
    holding = 0
    pending: str | None = None


def _interrupt(signum: int, frame: FrameType | None) -> None:
    name = signal.Signals(signum).name
    if _State.holding:
        _State.pending = name  # raised when the step in hand is over
        return
    raise KeyboardInterrupt(name)


@contextmanager
def interruptible() -> Iterator[None]:
    """Make the three signals unwind as KeyboardInterrupt; restore the handlers afterwards.

    A signal the caller ignores (`nohup`) stays ignored. Handlers belong to the main thread,
    so elsewhere this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {number: signal.getsignal(number) for number in SIGNALS}
    for number, handler in previous.items():
        if handler is not signal.SIG_IGN:
            signal.signal(number, _interrupt)
    _State.active, _State.pending = True, None
    try:
        yield
    finally:
        _State.active, _State.pending = False, None
        for number, handler in previous.items():
            signal.signal(number, handler if handler is not None else signal.SIG_DFL)


@contextmanager
def held() -> Iterator[None]:
    """Keep the signals back while a step that must finish once begun runs."""
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS) if _CAN_BLOCK else None
    _State.holding += 1
    try:
        yield
    finally:
        _State.holding -= 1
        if blocked is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)  # a blocked signal lands here
    pending, _State.pending = _State.pending, None
    if pending is not None and not _State.holding:
        raise KeyboardInterrupt(pending)


def done() -> None:
    """The change is made: from here to the end of the command, interrupts are ignored."""
    _State.pending = None
    if _State.active:
        for number in SIGNALS:
            signal.signal(number, signal.SIG_IGN)
