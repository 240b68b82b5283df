"""The query child's confinement (and a serving process's network), enforced by the operating system rather than by
reading the query text.

* **No network**: the child enters a network namespace of its own (``unshare(CLONE_NEWNET)``, or with a user
  namespace when not root), whose only interface is a loopback that is down: every ``connect()`` — SERVICE, a
  bypass of the guard, anything pyoxigraph's HTTP client tries — fails with ENETUNREACH before a packet leaves.
* **Bounded memory**: ``RLIMIT_AS`` at the child's current address-space size plus a budget (the in-memory store
  is inherited copy-on-write, so the limit is relative); an allocation past it fails and the engine aborts.

:func:`sandbox_available` probes once per process, in a throw-away child, whether this machine allows it.
"""

from __future__ import annotations

import ctypes
import errno
import os
import resource
import socket

CLONE_NEWNET = 0x40000000
CLONE_NEWUSER = 0x10000000

_PROBE: tuple[bool, str] | None = None
#: The PID of the process :func:`confine_serving_process` confined (0: none).
_CONFINED_PID = 0


def isolate_network() -> None:
    """Put this process in a network namespace of its own with no usable interface.

    :raises OSError: the kernel refused (no CAP_SYS_ADMIN and no unprivileged user namespaces).
    """
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWNET) == 0:
        return
    first = ctypes.get_errno()
    if first == errno.EPERM and libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0:
        return
    raise OSError(first, f"unshare(CLONE_NEWNET) failed: {os.strerror(first)}")


def confine_serving_process() -> None:
    """Put this serving process (a gunicorn worker, before its threads start) in a network namespace of its own, as
    a query child is: the sockets it already holds (the listening one, the master's pipes) keep working, no new
    connection can leave. Then :func:`network_confined` is True in this process, and only in it.

    :raises OSError: the kernel refused, or other threads are running (they would stay outside).
    """
    global _CONFINED_PID
    if _status("Threads") > 1:
        raise OSError(errno.EBUSY, "threads are running: a namespace entered now would not hold for them")
    isolate_network()
    _CONFINED_PID = os.getpid()


def _status(field: str) -> int:
    """A number of this process's ``/proc/self/status`` (``VmSize`` in kB, ``Threads``: native ones included, a
    RocksDB handle starts its own); 0 when absent."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def network_confined() -> bool:
    """Whether this process entered a network namespace of its own by :func:`confine_serving_process`."""
    return os.getpid() == _CONFINED_PID


def limit_memory(budget: int) -> None:
    """Cap this process's address space at its current size plus ``budget`` bytes."""
    limit = _status("VmSize") * 1024 + budget
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def sandbox_available() -> tuple[bool, str]:
    """(True, "") when a child can be isolated here, else (False, why); probed once per process."""
    global _PROBE
    if _PROBE is None:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the probe child
            os.close(read)
            try:
                isolate_network()
                with socket.socket() as sock:
                    sock.settimeout(1)
                    try:
                        sock.connect(("127.0.0.1", 9))
                        message = b"a connection was possible inside the namespace"
                    except OSError as exc:
                        message = b"" if exc.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH) else str(exc).encode()
            except OSError as exc:
                message = str(exc).encode() or b"unshare failed"
            os.write(write, message or b"ok")
            os._exit(0)
        os.close(write)
        answer = os.read(read, 4096).decode(errors="replace")
        os.close(read)
        os.waitpid(pid, 0)
        _PROBE = (answer == "ok", "" if answer == "ok" else answer)
    return _PROBE
