"""A ``--scheduler`` address where something other than Dask answers (session 19).

A web server on the address (or the dashboard's port given for the scheduler's) made
``distributed`` read the HTTP reply as message frames: "unexpected MemoryError ... This is a
bug in solidna", exit 70. It is now an InvalidOptionError that says what answered and how to
start a scheduler. The server here is a local socket that answers every connection with an HTTP
400, as a web server does to Dask's handshake.
"""

from __future__ import annotations

import socket
import threading

import pytest

from solidna._dask import dask_client
from solidna.errors import InvalidOptionError


def _http_400_server() -> tuple[socket.socket, int]:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)

    def answer() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:  # closed by the test
                return
            with conn:
                try:
                    conn.recv(4096)
                    conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n" * 64)
                except OSError:
                    pass

    threading.Thread(target=answer, daemon=True).start()
    return server, server.getsockname()[1]


def test_an_address_that_is_not_a_dask_scheduler_is_named() -> None:
    server, port = _http_400_server()
    try:
        with pytest.raises(InvalidOptionError, match="answers, but not as a Dask scheduler"):
            with dask_client(f"tcp://127.0.0.1:{port}", None):
                pass
    finally:
        server.close()
