"""Local alert receivers on 127.0.0.1 for tests: a webhook (http.server) and an SMTP server.

    with WebhookReceiver() as hook:      # hook.url, hook.posts -> [(headers, body bytes)]
    with SmtpReceiver() as smtp:         # smtp.port, smtp.messages -> [(mail_from, rcpt_tos, data bytes)]

The SMTP server speaks just enough of RFC 5321 for `smtplib` (EHLO/HELO, MAIL, RCPT,
DATA with dot-unstuffing, RSET, NOOP, QUIT); no extra package needed.
"""
from __future__ import annotations

import socket
import socketserver
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any


class _Background:
    server: socketserver.BaseServer

    def __enter__(self) -> Any:
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)


class WebhookReceiver(_Background):
    """Records every POST; answers `status` (200 by default)."""

    def __init__(self, status: int = 200) -> None:
        self.posts: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver.posts.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"


class SmtpReceiver(_Background):
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []
        receiver = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                self._send("220 localhost test SMTP")
                sender, rcpts = "", []
                while line := self.rfile.readline():
                    verb = line[:4].upper()
                    if verb in (b"EHLO", b"HELO"):
                        self._send("250 localhost")
                    elif verb == b"MAIL":
                        sender, rcpts = _address(line), []
                        self._send("250 OK")
                    elif verb == b"RCPT":
                        rcpts.append(_address(line))
                        self._send("250 OK")
                    elif verb == b"DATA":
                        self._send("354 End data with <CR><LF>.<CR><LF>")
                        receiver.messages.append((sender, rcpts, self._data()))
                        self._send("250 OK queued")
                    elif verb == b"QUIT":
                        self._send("221 Bye")
                        return
                    else:  # RSET, NOOP
                        self._send("250 OK")

            def _data(self) -> bytes:
                lines = []
                while (line := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                    lines.append(line[1:] if line.startswith(b"..") else line)
                return b"".join(lines)

            def _send(self, text: str) -> None:
                self.wfile.write(text.encode() + b"\r\n")

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True
            address_family = socket.AF_INET

        self.server = Server(("127.0.0.1", 0), Handler)

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])


def _address(line: bytes) -> str:
    text = line.decode("utf-8", "replace")
    return text[text.find("<") + 1: text.find(">")] if "<" in text else text.split(":", 1)[-1].strip()
