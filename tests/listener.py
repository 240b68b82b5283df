"""A raw TCP listener on 127.0.0.1 that counts the connections it accepts (to prove none were made)."""

from __future__ import annotations

import socket
import threading
import time


class Listener:
    """Listens on a free loopback port in a thread until :meth:`close`; ``connections`` counts accepts."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.arrived = threading.Condition()
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            with self.arrived:
                self.connections += 1
                self.arrived.notify_all()
            conn.close()

    def wait_for(self, count: int, timeout: float = 5.0) -> int:
        """Wait until ``count`` connections arrived (or ``timeout`` passed); the number seen."""
        with self.arrived:
            self.arrived.wait_for(lambda: self.connections >= count, timeout)
            return self.connections

    def settled(self, window: float = 0.3) -> int:
        """The number of connections after ``window`` seconds with none arriving: an absence can only be
        observed over a window, and a connection the engine was about to make lands inside it."""
        seen = -1
        while seen != self.connections:
            seen = self.connections
            time.sleep(window)
        return seen

    def close(self) -> None:
        self.stopped.set()
        self.thread.join()
        self.sock.close()
