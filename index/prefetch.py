"""Running an iterator on a worker thread, a bounded number of items ahead of its consumer."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")
_DONE = object()


def prefetch(items: Iterable[T], depth: int) -> Iterator[T]:
    """Yield what `items` yields, computed on a worker thread up to `depth` items ahead.

    The build reads and splits articles this way while the model embeds earlier ones (the
    model's kernels release the GIL). An exception in the worker is raised in the consumer;
    a consumer that stops early stops the worker.
    """
    slots: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def _put(value: object) -> bool:
        while not stop.is_set():
            try:
                slots.put(value, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _work() -> None:
        try:
            for item in items:
                if not _put((item,)):
                    return
            _put(_DONE)
        except BaseException as exc:  # handed to the consumer, which raises it
            _put(exc)

    worker = threading.Thread(target=_work, name="newsdesk-prefetch", daemon=True)
    worker.start()
    try:
        while True:
            value = slots.get()
            if value is _DONE:
                return
            if isinstance(value, BaseException):
                raise value
            yield value[0]  # type: ignore[index]
    finally:
        stop.set()
        worker.join()
