"""Drive Debian's ``wrk`` with a generated Lua script: one request or a rotation of requests, JSON stats back.

A :class:`Request` is a method, a URL path (with query string) and a body; SPARQL goes as a form-encoded POST
(``query=…``), pages as GET. The script's ``done`` callback prints one JSON line (requests, errors by kind,
latency percentiles in µs), so no text output is scraped. Latency is measured with one connection (``wrk -t1
-c1``), throughput with ``-c8`` over two threads. A run that completes too few requests is repeated longer.
"""

from __future__ import annotations

import json
import secrets
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

JSON = "application/sparql-results+json"
TURTLE = "text/turtle"
HTML = "text/html"

DONE = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRKJSON {"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,'
    .. '"write":%d,"status":%d,"timeout":%d,"p50":%d,"p90":%d,"p99":%d,"mean":%.1f,"max":%d}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean, latency.max))
end
"""


@dataclass(frozen=True)
class Request:
    """One HTTP request as wrk sends it (``path`` includes the query string)."""

    method: str
    path: str
    accept: str
    body: str = ""
    #: Make each request new to a response cache (kg keeps complete answers keyed on the raw request), so that the
    #: engine and the page builder are timed, not the cache: a SPARQL comment of its own at the end of a POSTed query
    #: (``query=…%0A%23+kgbench+T-N``), a parameter the page ignores on a GET (``…?kgbench=T-N``). Neither changes
    #: the answer.
    unique: bool = False


def sparql(endpoint: str, query: str, *, accept: str = JSON, unique: bool = False) -> Request:
    """A SPARQL protocol query as a form-encoded POST to ``endpoint`` (its path is kept, host dropped)."""
    return Request("POST", urlsplit(endpoint).path or "/", accept, urlencode({"query": query}), unique)


def get(url: str, *, accept: str = HTML, unique: bool = False) -> Request:
    parts = urlsplit(url)
    return Request("GET", (parts.path or "/") + (f"?{parts.query}" if parts.query else ""), accept, unique=unique)


def _lua_string(text: str) -> str:
    if any(c in text for c in '"\\\n\r') or not text.isascii():
        raise ValueError(f"not a plain ASCII string for Lua: {text[:60]!r}")
    return '"' + text + '"'


def lua_script(requests: list[Request], run: str = "") -> str:
    """A wrk script sending ``requests`` in rotation (each thread starts at its own offset); a unique request's tag
    starts with ``run`` (a nonce per wrk run: the tags of two runs against the same server must differ too, or the
    second run replays the first one's answers)."""
    rows = []
    for r in requests:
        headers = f'{{["Accept"] = {_lua_string(r.accept)}'
        if r.body:
            headers += ', ["Content-Type"] = "application/x-www-form-urlencoded"'
        headers += "}"
        rows.append(f"  {{{_lua_string(r.method)}, {_lua_string(r.path)}, {headers}, "
                    f"{_lua_string(r.body) if r.body else 'nil'}, {'true' if r.unique else 'false'}, "
                    f"{_lua_string('&' if '?' in r.path else '?')}}},")
    return ("local reqs = {\n" + "\n".join(rows) + "\n}\n"
            "local n = #reqs\nlocal i = 0\nlocal made = 0\n"
            "setup = function(thread) made = made + 1; thread:set('offset', math.random(0, n - 1)); "
            "thread:set('thread_no', made) end\n"
            "init = function(args) i = tonumber(offset) or 0 end\n"
            "request = function()\n  i = i + 1\n  local r = reqs[(i % n) + 1]\n  local path, body = r[2], r[4]\n"
            f"  local tag = {_lua_string(run)} .. tostring(thread_no) .. '-' .. i\n"
            "  if r[5] and body then body = body .. '%0A%23+kgbench+' .. tag\n"
            "  elseif r[5] then path = path .. r[6] .. 'kgbench=' .. tag end\n"
            "  return wrk.format(r[1], path, r[3], body)\nend\n" + DONE)


@dataclass
class WrkResult:
    """What one wrk run measured (latencies in ms)."""

    requests: int
    seconds: float
    errors: int
    p50: float
    p90: float
    p99: float
    mean: float
    connections: int
    error_kinds: dict[str, int]

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict:
        return {"requests": self.requests, "seconds": round(self.seconds, 3), "errors": self.errors,
                "p50": self.p50, "p90": self.p90, "p99": self.p99, "mean": self.mean, "rps": round(self.rate, 1),
                "connections": self.connections, "error_kinds": self.error_kinds}


def wrk_binary() -> str:
    found = shutil.which("wrk")
    if not found:
        raise RuntimeError("wrk is missing (apt-get install wrk)")
    return found


def run_wrk(base_url: str, requests: list[Request], *, connections: int = 1, duration: float = 3.0,
            min_requests: int = 5, max_duration: float = 60.0, timeout: float = 120.0) -> WrkResult:
    """``wrk`` against ``base_url`` (scheme://host:port) with ``requests`` in rotation; re-run longer (×4, up to
    ``max_duration`` s) while fewer than ``min_requests`` complete."""
    threads = min(2, connections)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(lua_script(requests, secrets.token_hex(4) + "-"))
        script = Path(handle.name)
    try:
        while True:
            command = [wrk_binary(), "-t", str(threads), "-c", str(connections), "-d", f"{duration:g}s",
                       "--timeout", f"{timeout:g}s", "-s", str(script), base_url]
            done = subprocess.run(command, capture_output=True, text=True, timeout=duration + timeout + 60)
            lines = [line for line in done.stdout.splitlines() if line.startswith("WRKJSON ")]
            if not lines:
                raise RuntimeError(f"wrk gave no result: {done.stdout[-500:]} {done.stderr[-500:]}")
            stats = json.loads(lines[-1].removeprefix("WRKJSON "))
            if stats["requests"] >= min_requests or duration >= max_duration:
                break
            duration = min(max_duration, duration * 4)
    finally:
        script.unlink(missing_ok=True)
    kinds = {k: stats[k] for k in ("connect", "read", "write", "status", "timeout") if stats[k]}
    completed = stats["requests"]
    return WrkResult(completed - stats["status"], stats["duration_us"] / 1e6, sum(kinds.values()),
                     stats["p50"] / 1000, stats["p90"] / 1000, stats["p99"] / 1000, stats["mean"] / 1000,
                     connections, kinds)
