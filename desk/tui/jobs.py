"""Running the desk's blocking jobs in thread workers, and their one error path.

A job (`loads.py`, `writes.py`) is a generator that does blocking reads or
writes and yields messages. `run_job` runs it in a thread worker of the
node that will show its results, posting each message to that node as it
is yielded; messages the node does not handle bubble up to the screen.
Posting to the node that shows the result keeps the result out of the
screen's queue (a modal closing, a layout), which once cost 30 ms between
a filter's rows being read and being shown.

A job that raises ends its worker; `worker_error` turns that into the one
line every node shows (harlequin's single `Worker.StateChanged` handler).
"""

from __future__ import annotations

from collections.abc import Iterator

from textual.dom import DOMNode
from textual.message import Message
from textual.worker import Worker, WorkerState, get_current_worker

from desk.errors import USER_ERRORS
from desk.text import safe_line

Job = Iterator[Message]
"""What a worker runs: yields the messages to post."""


def run_job(node: DOMNode, job: Job, *, group: str, exclusive: bool = True) -> None:
    """Run `job` in a thread worker of `node`, posting what it yields to `node`.

    `exclusive`: a newer job of the group on this node cancels this one, which
    then posts nothing more (a late page of an old filter must not land on the
    new one). The generator was made on the event loop, with the state of the
    moment as its arguments; its body runs only in the worker thread.
    """

    def drain() -> None:
        worker = get_current_worker()
        for message in job:
            if worker.is_cancelled:
                return
            node.post_message(message)  # thread-safe: it goes through the loop

    node.run_worker(
        drain, name=group, group=group, thread=True, exclusive=exclusive, exit_on_error=False
    )


def worker_error(event: Worker.StateChanged) -> str | None:
    """The line to show for a worker that failed (None: it did not).

    A refusal (`DeskError`, `StoreError`) is shown as it was said; anything
    else (a bug, a database error) with its type, so it can be reported."""
    if event.state != WorkerState.ERROR or event.worker.error is None:
        return None
    return error_line(event.worker.error)


def error_line(error: BaseException) -> str:
    """An exception as the one line the desk shows: a refusal as said, else with its type."""
    text = str(error) if isinstance(error, USER_ERRORS) else f"{type(error).__name__}: {error}"
    return safe_line(text)[:300]
