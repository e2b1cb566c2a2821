"""The connection limits of ``nhskg serve``: bounded connections, deadlines, bodies that must add up.

Takes sockets and raw HTTP requests; gives a server base class that admits at most
``max_connections``, and ``max_per_address`` from one address (displacing the one that has waited
longest without sending a whole request), and holds at most ``max_unread`` bytes of answers its
clients have not read yet, ``max_unread_per_address`` for one address; and a handler base class
that holds each request to its deadlines and its body to a whole ``Content-Length``. Separate
from the routes (:mod:`.server`) because these guards hold for every page alike: a slowloris
client, a flood of idle sockets or a client that never reads its answers costs nothing for long,
whatever it asks for.
"""

from __future__ import annotations

import http.client
import io
import re
import resource
import socket
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Mapping

from ..errors import echoed


_MAX_BODY = 1_000_000
#: Bytes a request's headers may have in all. The standard library bounds only each line (64 KiB)
#: and their number (100): 60 requests from one address with 6.3 MB of headers each, waiting for a
#: worker, took the server from 48 MB to 801 MB.
_MAX_HEADERS = 65_536
#: Answers this small are sent without being counted as unread: 64 connections' worth is 4 MB.
_SMALL_ANSWER = 65_536
#: An answer goes out this much at a time, so the server sees whether its client is taking it.
_PIECE = 262_144


def _default_max_connections() -> int:
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    return 512 if soft == resource.RLIM_INFINITY else max(16, min(512, (soft - 64) // 2))


_CONTENT_LENGTH = re.compile(r"[0-9]{1,12}")


class _DeadlineReader(io.RawIOBase):
    """The socket's input, with one deadline for a whole read however slowly the bytes come:
    a timeout per ``recv`` lets a slowloris client hold a thread forever, a byte at a time."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.deadline: float | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.deadline is not None:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("the request did not arrive in time")
            self.sock.settimeout(left)
        return self.sock.recv_into(buffer)


class _HeadersReader(io.BufferedIOBase):
    """The request's input while its headers are read (by line, as the standard library reads
    them): at most ``_MAX_HEADERS`` bytes of them in all, or an error it answers 431."""

    def __init__(self, rfile: io.BufferedIOBase) -> None:
        self.rfile = rfile
        self.left = _MAX_HEADERS

    def readline(self, size: int | None = -1, /) -> bytes:
        wanted = self.left + 1 if size is None or size < 0 else min(size, self.left + 1)
        line = self.rfile.readline(wanted)
        self.left -= len(line)
        if self.left < 0:
            raise http.client.HTTPException(f"the request's headers are over {_MAX_HEADERS:,} bytes in all")
        return line


@dataclass
class _Connection:
    address: str
    state: str  # idle (no whole request yet: line, headers and body) or busy (being answered)
    since: float
    evicted: bool = False


def _refusal(status: bytes, message: bytes) -> bytes:
    """A whole answer refusing a connection before any request is read."""
    return (b"HTTP/1.1 %s\r\nContent-Type: text/plain; charset=utf-8\r\nRetry-After: 1\r\nConnection: close\r\n"
            b"Content-Length: %d\r\n\r\n%s" % (status, len(message), message))


@dataclass(eq=False)
class _Unread:
    """An answer being sent: held in memory until its client has taken the last of it."""

    address: str
    size: int
    sock: socket.socket
    taken: float  # when the client last took a piece of it (or when it was made)


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:,.1f} MB"


_TOO_MANY = _refusal(b"503 Service Unavailable", b"the server has too many connections open; try again shortly\n")
_TOO_MANY_FROM_YOU = _refusal(b"429 Too Many Requests",
                              b"too many connections from your address at once; close some, or wait for their answers\n")


class BoundedServer(ThreadingHTTPServer):
    """A threading HTTP server with at most ``max_connections`` open, ``max_per_address`` of them
    from one address: a new connection past either limit displaces the one (of that address, or of
    all) that has waited longest without sending a whole request (line, headers and body), or is
    refused (429 past the address's limit, 503 past the table's) if every one is being answered.
    The subclass sets ``max_connections``, ``max_per_address``, ``connections`` (socket ->
    :class:`_Connection`), ``connections_lock``, ``evicted`` and ``refused`` before it starts listening.

    Answers waiting for their clients to read them are bounded too (:meth:`hold`): an address
    whose unread answers would pass ``max_unread_per_address`` is refused (429) instead; past
    ``max_unread`` for all addresses, the answers whose clients have gone longest without taking
    any of them are dropped (their connections closed, counted in ``dropped``). The subclass sets
    both limits, ``unread`` (an empty list) and ``dropped``."""

    max_connections: int
    max_per_address: int
    connections: dict[socket.socket, _Connection]
    connections_lock: threading.Lock
    evicted: int
    refused: int
    max_unread: int
    max_unread_per_address: int
    unread: list[_Unread]
    dropped: int

    # -- connections: bounded, the longest-idle displaced first
    def process_request(self, request: Any, client_address: Any) -> None:
        refusal = self._admit(request, str(client_address[0]))
        if refusal is None:
            super().process_request(request, client_address)
            return
        self.refused += 1
        try:
            request.setblocking(False)
            request.send(refusal)
        except OSError:
            pass
        self.shutdown_request(request)

    def _admit(self, request: socket.socket, address: str) -> bytes | None:
        """Take ``request`` into the table (displacing another if it is full): None, or the answer refusing it."""
        now = time.monotonic()
        with self.connections_lock:
            open_now = {sock: c for sock, c in self.connections.items() if not c.evicted}
            mine = {sock: c for sock, c in open_now.items() if c.address == address}
            if len(mine) >= self.max_per_address:  # it gives way to itself, never to another address
                rivals, refusal = mine, _TOO_MANY_FROM_YOU
            elif len(open_now) >= self.max_connections:
                rivals, refusal = open_now, _TOO_MANY
            else:
                rivals, refusal = {}, None
            if rivals:
                waiting = [(c.since, sock) for sock, c in rivals.items() if c.state == "idle"]
                if not waiting:
                    return refusal
                _since, victim = min(waiting, key=lambda w: w[0])
                self.connections[victim].evicted = True
                self.evicted += 1
                try:
                    victim.shutdown(socket.SHUT_RDWR)  # its thread sees the end of input and lets go
                except OSError:
                    pass
            self.connections[request] = _Connection(address, "idle", now)
        return None

    def mark(self, request: socket.socket, state: str) -> None:
        with self.connections_lock:
            connection = self.connections.get(request)
            if connection is not None:
                connection.state, connection.since = state, time.monotonic()

    # -- answers not yet read: bounded per address and in all
    def unread_refusal(self, address: str, size: int) -> str | None:
        """Why an answer of ``size`` bytes (before a query runs: the most an answer may be) may not
        be held for ``address`` now, or None if it may. An address holding nothing may always have
        one answer (each is capped on its own): only a client that has left others unread is refused."""
        with self.connections_lock:
            return self._unread_refusal(address, size)

    def _unread_refusal(self, address: str, size: int) -> str | None:
        mine = sum(held.size for held in self.unread if held.address == address)
        if not mine or mine + size <= self.max_unread_per_address:
            return None
        return (f"your address has {_megabytes(mine)} of answers it has not read yet, and one address may leave at most "
                f"{_megabytes(self.max_unread_per_address)} unread (another answer may be up to {_megabytes(size)}); "
                "read those answers, or close their connections, before asking for more")

    def hold(self, request: socket.socket, address: str, size: int) -> _Unread | str:
        """Count an answer of ``size`` bytes as held for ``request`` until :meth:`let_go`: the held
        record, or the refusal (:meth:`unread_refusal`). Past ``max_unread`` in all, the answers
        whose clients have gone longest without taking a piece are dropped until this one fits:
        a client reading its answer keeps taking pieces, one that never reads stops at once."""
        with self.connections_lock:
            refusal = self._unread_refusal(address, size)
            if refusal is not None:
                return refusal
            total = sum(held.size for held in self.unread)
            for victim in sorted(self.unread, key=lambda held: held.taken):
                if total + size <= self.max_unread:
                    break
                self.unread.remove(victim)  # its memory goes as soon as its thread sees the closed socket
                total -= victim.size
                self.dropped += 1
                try:
                    victim.sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            held = _Unread(address, size, request, time.monotonic())
            self.unread.append(held)
            return held

    def let_go(self, held: _Unread) -> None:
        with self.connections_lock:
            if held in self.unread:
                self.unread.remove(held)

    def shutdown_request(self, request: Any) -> None:
        with self.connections_lock:
            self.connections.pop(request, None)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        if isinstance(sys.exc_info()[1], OSError):
            return  # the client went away, or its socket was displaced: nothing to report
        super().handle_error(request, client_address)


class GuardedHandler(BaseHTTPRequestHandler):
    """A request handler that holds each request to deadlines (its line and headers within
    ``idle_timeout``, its body within ``body_timeout``) and reads a POST body only when one whole
    ``Content-Length`` announces it; the subclass answers in ``_dispatch(body)``."""

    server: Any

    # -- plumbing
    def setup(self) -> None:
        super().setup()
        self.rfile.close()
        self._input = _DeadlineReader(self.connection)
        self.rfile = io.BufferedReader(self._input, 65536)

    def handle_one_request(self) -> None:
        # From here the request's line and headers have idle_timeout seconds to arrive.
        self.server.mark(self.connection, "idle")
        self._input.deadline = time.monotonic() + self.server.config.idle_timeout
        super().handle_one_request()

    def parse_request(self) -> bool:
        rfile, self.rfile = self.rfile, _HeadersReader(self.rfile)
        try:
            parsed = super().parse_request()
        finally:
            self.rfile = rfile
        if not parsed:
            return False
        if self.command != "POST":  # a POST is busy once its body has come (do_POST): until then it may be displaced
            self.server.mark(self.connection, "busy")
        self._input.deadline = time.monotonic() + self.server.config.body_timeout
        if self.command in ("GET", "HEAD", "OPTIONS") and ("Transfer-Encoding" in self.headers or self.headers.get("Content-Length", "0").strip() != "0"):
            self.close_connection = True  # a body nobody reads would be taken for the next request
        return True

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # The standard library's own errors (a method no page has, a request line it cannot read) put
        # the whole request line in the status line and the page: the status line names the status
        # only (it takes latin-1 only, and no '…'), the page repeats at most 80 characters of it.
        shown = "; ".join(echoed(part) for part in (message, explain) if part)
        super().send_error(code, None, shown or None)

    def _send(self, status: int, media: str, body: bytes, extra: Mapping[str, str] | None = None) -> None:
        """Send an answer; one that is not small counts against its address's unread answers
        until the client has taken all of it, and is refused (429) if it would pass them."""
        held = None
        if self.command != "HEAD" and len(body) > _SMALL_ANSWER:
            held = self.server.hold(self.connection, self.client_address[0], len(body))
            if isinstance(held, str):
                return self._error(429, held, retry=1)
        try:
            self.connection.settimeout(self.server.config.body_timeout)  # a client that does not read is let go
            self.send_response(status)
            self.send_header("Content-Type", media)
            self.send_header("Content-Length", str(len(body)))
            if self.server.config.cors:
                self.send_header("Access-Control-Allow-Origin", self.server.config.cors)
                self.send_header("Vary", "Origin")
            if self.close_connection:
                self.send_header("Connection", "close")
            for key, value in (extra or {}).items():
                self.send_header(key, value)
            self.end_headers()
            if self.command != "HEAD":
                self._write(body, held)
        finally:
            if held is not None:
                self.server.let_go(held)

    def _write(self, body: bytes, held: _Unread | None) -> None:
        """Send ``body`` within ``body_timeout`` in all, a piece at a time, noting when the client
        took each piece (the answer dropped first when too much is held is the one longest untouched)."""
        deadline = time.monotonic() + self.server.config.body_timeout
        view = memoryview(body)
        for start in range(0, len(view), _PIECE):
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("the client did not read its answer in time")
            self.connection.settimeout(left)
            self.wfile.write(view[start:start + _PIECE])
            if held is not None:
                held.taken = time.monotonic()

    def _error(self, status: int, message: str, retry: int | None = None) -> None:
        # nosniff: a message that repeats what a client sent ('<b>...') is text, never a page
        extra = {"X-Content-Type-Options": "nosniff", **({"Retry-After": str(retry)} if retry is not None else {})}
        self._send(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"), extra)

    def _refuse_body(self, status: int, message: str) -> None:
        self.close_connection = True  # the body (if any) is not read: the connection cannot go on
        self._error(status, message)

    def do_POST(self) -> None:
        if "Transfer-Encoding" in self.headers:
            return self._refuse_body(411, "send the body with a Content-Length; chunked bodies are not read")
        lengths = {value.strip() for value in self.headers.get_all("Content-Length", [])}
        if len(lengths) > 1 or not all(_CONTENT_LENGTH.fullmatch(v) for v in lengths):
            return self._refuse_body(400, "Content-Length must be one whole number of bytes")
        length = int(lengths.pop()) if lengths else 0
        if length > _MAX_BODY:
            return self._refuse_body(413, f"request body over {_MAX_BODY} bytes")
        try:
            body = self.rfile.read(length)
        except TimeoutError:
            return self._refuse_body(408, f"the request body did not arrive within {self.server.config.body_timeout:g} s")
        if len(body) < length:  # the client closed its side early, or the connection was displaced
            self.close_connection = True
            return
        self.server.mark(self.connection, "busy")
        self._dispatch(body)

    def _dispatch(self, body: bytes | None) -> None:
        raise NotImplementedError
