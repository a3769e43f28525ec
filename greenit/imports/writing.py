"""Writing an import's devices while its rows are still being checked (PostgreSQL).

Checking is Python; storing is the database server's work, on another core. Done one after
the other, each waits for the other. Here a writer thread takes each checked chunk of new
devices and stores it on a connection of its own, in a transaction of its own, while the
checker goes on with the next chunk. The transaction commits only once the check is over and
found nothing wrong; otherwise it is rolled back and nothing is left, as before."""

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.db import connection, connections, transaction
from django.utils import translation


def may_write_alongside() -> bool:
    """Only where a second connection sees what the first committed (PostgreSQL), and only
    outside a transaction: inside one, the writer could not see the caller's uncommitted rows
    (the donation of a test, say) and would wait for them forever."""
    return connection.vendor == "postgresql" and not connection.in_atomic_block


@dataclass(frozen=True)
class _End:
    # Run in the writer's transaction with the number created, before it commits; None: the
    # check found errors, roll everything back.
    then: Callable[[int], None] | None


class _Abandoned(Exception):
    pass


class Writer(threading.Thread):
    """`create(rows)` runs in this thread, in one transaction, over the rows handed over."""

    def __init__(self, create: Callable[[Iterable[dict]], int]):
        super().__init__(name="import-writer", daemon=True)
        self._create = create
        self._language = translation.get_language()
        # The checker may run ahead of the database (and leave the processor to the writer
        # sooner), but not without bound: 20 hand-overs (of 5,000 rows at most) in hand.
        self._chunks: queue.Queue = queue.Queue(maxsize=20)
        self._end: _End | None = None
        self._error: BaseException | None = None

    def hand_over(self, rows: list[dict]) -> None:
        """Checked new devices, to be stored (by the checker)."""
        if self._error is not None:
            raise self._error  # the writer has failed: no point checking on
        self._chunks.put(rows)

    def finish(self, then: Callable[[int], None] | None) -> None:
        """No more rows: commit after `then(created)`, or roll back (None). Waits for the
        writer and raises what it raised."""
        self._chunks.put(_End(then))
        self.join()
        if self._error is not None:
            raise self._error

    def abandon(self) -> None:
        """The checker failed: roll back, and raise nothing of the writer's over its error."""
        self._chunks.put(_End(None))
        self.join()

    def run(self) -> None:
        try:
            with translation.override(self._language), transaction.atomic():
                created = self._create(self._rows())
                if self._end is None:  # create() stopped early: wait for the verdict
                    self._end = self._next_end()
                if self._end.then is None:
                    raise _Abandoned
                self._end.then(created)
        except _Abandoned:
            pass
        except BaseException as error:
            self._error = error
            if self._end is None:
                self._end = self._next_end()  # let the checker finish handing over
        finally:
            connections.close_all()  # this thread's connection only

    def _rows(self) -> Iterator[dict]:
        while not isinstance(item := self._chunks.get(), _End):
            yield from item
        self._end = item
        if item.then is None:
            raise _Abandoned

    def _next_end(self) -> _End:
        while not isinstance(item := self._chunks.get(), _End):
            pass
        return item
