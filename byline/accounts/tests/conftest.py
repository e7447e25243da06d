"""A real SMTP server on 127.0.0.1 (aiosmtpd) for the tests where mail is the feature."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller


@dataclass
class SmtpHandler:
    """Accepts every message, or refuses each recipient with `refuse` (e.g. "550 ...")."""

    refuse: str | None = None
    messages: list = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content.decode("utf-8", "replace"))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    """A free port in this area's range (8500-8599), spread over the xdist workers."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    start = 8500 + (int(worker.removeprefix("gw") or 0) * 10) % 100
    for port in [*range(start, 8600), *range(8500, start)]:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 8500-8599 for the test SMTP server")


def _serve(settings, handler: SmtpHandler):
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    return controller


@pytest.fixture
def smtp_accepting(settings):
    handler = SmtpHandler()
    controller = _serve(settings, handler)
    yield handler
    controller.stop()


@pytest.fixture
def smtp_refusing(settings):
    handler = SmtpHandler(refuse="550 5.1.1 Mailbox unavailable")
    controller = _serve(settings, handler)
    yield handler
    controller.stop()
