"""Admission control: how many user queries run at once on the whole server, and per client address.

The slots live in shared memory created before gunicorn forks its workers (the app is preloaded in the master), so
every worker process and thread sees the same counts. Each taken slot records the PID that took it: a worker that
died holding slots (killed by gunicorn) cannot leak them, since the next scan frees slots of dead processes. A query
that finds no slot waits a little (bursts are common), then is refused with :class:`ServerBusy` (503 + Retry-After).
A waiting query is woken at once by a release in its own process (a condition per process) and looks again after
growing pauses for releases in others: with pauses alone, a client's third connection slept on (0.5, 1, 2 … 20 ms)
while the slot it waited for had been free for milliseconds, and a query answered in 0.3 ms waited longer than it ran.
"""

from __future__ import annotations

import contextlib
import hashlib
import ipaddress
import multiprocessing
import os
import threading
import time
import typing as t

from kg.errors import ServerBusy

#: Seconds a refused client is told to wait.
RETRY_AFTER = 2
#: Waiting for a slot: the first pause, doubled up to the longest.
_FIRST_PAUSE = 0.0005
_POLL = 0.02


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def client_key(client: str) -> str:
    """What counts as one client: an IPv4 address, or an IPv6 /64 (one host holds a whole /64).

    >>> client_key("2001:db8:1:2:aaaa::1"), client_key("192.0.2.7")
    ('2001:db8:1:2::/64', '192.0.2.7')
    """
    if ":" not in client:
        return client
    try:
        return str(ipaddress.IPv6Network(f"{client}/64", strict=False))
    except ValueError:
        return client


def client_bucket(client: str) -> int:
    """A stable positive number for a client (never 0: 0 marks a free slot).

    >>> client_bucket("127.0.0.1") == client_bucket("127.0.0.1") > 0
    True
    """
    digest = hashlib.blake2b(client_key(client).encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big") % (2**31 - 2) + 1


class Admission:
    """``total`` query slots shared by every process forked after it was made, at most ``per_client`` per address."""

    def __init__(self, total: int, per_client: int, *, wait: float = 1.0) -> None:
        self.total, self.per_client, self.wait = max(1, total), max(1, per_client), wait
        # slot i: [2i] = PID holding it (0 when free), [2i + 1] = the client's bucket
        self._slots = multiprocessing.Array("i", 2 * self.total, lock=True)
        self._freed_owner, self._freed = os.getpid(), threading.Condition()

    def _local(self) -> threading.Condition:
        """This process's condition, notified when a slot is released here (a forked process makes its own)."""
        if self._freed_owner != os.getpid():
            self._freed_owner, self._freed = os.getpid(), threading.Condition()
        return self._freed

    def _try_take(self, bucket: int) -> int | None:
        with self._slots.get_lock():
            slots = self._slots.get_obj()
            for i in range(self.total):
                if slots[2 * i] and not _alive(slots[2 * i]):
                    slots[2 * i] = slots[2 * i + 1] = 0
            if sum(1 for i in range(self.total) if slots[2 * i] and slots[2 * i + 1] == bucket) >= self.per_client:
                return None
            for i in range(self.total):
                if not slots[2 * i]:
                    slots[2 * i], slots[2 * i + 1] = os.getpid(), bucket
                    return i
        return None

    def _release(self, index: int) -> None:
        with self._slots.get_lock():
            self._slots[2 * index] = self._slots[2 * index + 1] = 0

    @contextlib.contextmanager
    def slot(self, client: str) -> t.Iterator[None]:
        """Hold one query slot for ``client`` while the block runs.

        :raises ServerBusy: no slot came free within ``wait`` seconds (503 with Retry-After).
        """
        bucket = client_bucket(client)
        deadline = time.monotonic() + self.wait
        freed = self._local()
        with freed:  # taken before looking, so that no release here falls between a look and the wait
            index = self._try_take(bucket)
            pause = _FIRST_PAUSE
            while index is None and (left := deadline - time.monotonic()) > 0:
                freed.wait(min(pause, left))  # a release here wakes it; one in another process is seen by the pause
                pause = min(pause * 2, _POLL)
                index = self._try_take(bucket)
        if index is None:
            raise ServerBusy(f"the server is busy: {self.total} queries run at once, at most {self.per_client} per "
                             f"client; retry in {RETRY_AFTER} s", retry_after=RETRY_AFTER)
        try:
            yield
        finally:
            with freed:
                self._release(index)
                freed.notify_all()  # waiters of other clients may be the ones this slot lets in

    def in_use(self) -> int:
        """Slots taken now (by live processes)."""
        with self._slots.get_lock():
            slots = self._slots.get_obj()
            return sum(1 for i in range(self.total) if slots[2 * i] and _alive(slots[2 * i]))
