"""An HTTP transport whose every attempt ends by a deadline, however the receiver behaves.

httpx's timeouts bound each network operation, not a whole request: a receiver that sends
its answer a byte every few seconds would hold a delivery worker for hours, and outlive
the delivery's lease (so another instance would send the event again). Here every
connection carries a deadline, `total` seconds from when it was opened, and each read and
write may only wait for what is left of it. Connections are never reused, so each attempt
gets a fresh deadline.

httpx offers no way to hand its pool a network backend, so the transport's pool is
replaced by an httpcore pool that has one (`_pool` is what `HTTPTransport.handle_request`
uses; the slow-receiver test in tests/webhooks fails if that ever changes).
"""

import ssl
import time
import typing

import httpcore
import httpx


class DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream, deadline: float) -> None:
        self.inner = inner
        self.deadline = deadline

    def _left(self, timeout: float | None) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise httpcore.ReadTimeout("The attempt took longer than its time limit.")
        return left if timeout is None else min(timeout, left)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.inner.read(max_bytes, self._left(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.inner.write(buffer, self._left(timeout))

    def close(self) -> None:
        self.inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        wrapped = self.inner.start_tls(ssl_context, server_hostname, self._left(timeout))
        return DeadlineStream(wrapped, self.deadline)

    def get_extra_info(self, info: str) -> typing.Any:
        return self.inner.get_extra_info(info)


class DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self, total: float) -> None:
        self.inner = httpcore.SyncBackend()
        self.total = total

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        deadline = time.monotonic() + self.total
        stream = self.inner.connect_tcp(host, port, timeout, local_address, socket_options)
        return DeadlineStream(stream, deadline)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:  # pragma: no cover - callbacks are URLs, never sockets
        raise httpcore.ConnectError("Unix sockets are not used for webhooks.")

    def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds)


class DeadlineTransport(httpx.HTTPTransport):
    """Plain HTTP/1.1 with certificate checks, no proxies, no reuse, a deadline per attempt."""

    def __init__(self, total: float) -> None:
        super().__init__(trust_env=False)
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=10,
            max_keepalive_connections=0,
            network_backend=DeadlineBackend(total),
        )
