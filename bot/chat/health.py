"""Health and metrics over HTTP: /healthz for container checks, /metrics for Prometheus.

Served by aiohttp in the bot's own event loop, only when HEALTH_PORT is set. A port that cannot be
bound is logged in one sentence and the bot goes on serving Discord without it: Discord users keep
their bot, and the health check that then fails (or Prometheus's `up == 0`) tells the operator.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    from bot.chat.client import MeetingBot

log = logging.getLogger(__name__)

STORE_TIMEOUT = 2.0  # seconds the database check may take before the bot counts as unhealthy


@dataclass(frozen=True)
class Health:
    """The outcome of the health checks: healthy or not, and one line per check."""

    ok: bool
    lines: tuple[str, ...]

    def text(self) -> str:
        """The plain-text body of /healthz: "ok" or "unavailable", then each check."""
        return "\n".join(("ok" if self.ok else "unavailable", *self.lines)) + "\n"


class HealthServer:
    """The HTTP endpoints of one bot; `start` binds, `stop` releases."""

    def __init__(self, bot: MeetingBot, host: str, port: int) -> None:
        self.bot = bot
        self.host, self.requested_port = host, port
        self._runner: web.AppRunner | None = None
        self._ping: asyncio.Future[None] | None = None  # at most one database check in flight

    @property
    def port(self) -> int | None:
        """The port listened on (the chosen one when HEALTH_PORT=0), or None when not listening."""
        if self._runner is None or not self._runner.addresses:
            return None
        return int(self._runner.addresses[0][1])

    async def start(self) -> bool:
        """Listen on host:port; False (and one log line) when the address cannot be bound."""
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/metrics", self._metrics)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        try:
            await web.TCPSite(runner, self.host, self.requested_port).start()
        except OSError as exc:
            await runner.cleanup()
            log.error(
                "cannot serve /healthz and /metrics on %s:%d (%s); serving Discord without them",
                self.host,
                self.requested_port,
                exc.strerror or exc,
            )
            return False
        self._runner = runner
        log.info("serving /healthz and /metrics on http://%s:%d", self.host, self.port)
        return True

    async def stop(self) -> None:
        """Stop listening (open requests are finished or dropped by aiohttp)."""
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def check(self) -> Health:
        """Gateway connected, index loaded, store reachable (within STORE_TIMEOUT)."""
        bot = self.bot
        checks: list[tuple[bool, str]] = []
        if bot.is_closed():
            checks.append((False, "gateway: closed"))
        elif not bot.is_ready():
            checks.append((False, "gateway: not connected yet"))
        else:
            down = sorted(i for i, shard in bot.shards.items() if shard.is_closed())
            if down:
                checks.append((False, f"gateway: shard(s) {', '.join(map(str, down))} disconnected"))
            else:
                checks.append((True, "gateway: connected"))
        chunks = bot.answers.answerer.index.manifest.chunks
        checks.append((chunks > 0, f"index: {chunks} passages"))
        checks.append(await self._check_store())
        return Health(all(ok for ok, _ in checks), tuple(line for _, line in checks))

    async def _check_store(self) -> tuple[bool, str]:
        """One cheap query on a worker thread; a check still running from before is awaited, not doubled."""
        if self._ping is None or self._ping.done():
            self._ping = asyncio.ensure_future(asyncio.to_thread(self.bot.store.ping))
            # A check that ends after its caller gave up is read here, so asyncio never warns about it.
            self._ping.add_done_callback(lambda f: f.cancelled() or f.exception())
        try:
            await asyncio.wait_for(asyncio.shield(self._ping), STORE_TIMEOUT)
        except TimeoutError:
            return False, f"store: no answer within {STORE_TIMEOUT:g} s"
        except Exception as exc:  # StoreError is one sentence; anything else is named
            return False, f"store: {exc}" if str(exc) else f"store: {type(exc).__name__}"
        return True, "store: reachable"

    async def _healthz(self, request: web.Request) -> web.Response:
        """200 and "ok" when healthy, else 503 and the failing checks."""
        try:
            health = await self.check()
        except Exception as exc:  # a check that breaks is a failed check, not a 500 with a traceback
            log.exception("the health check failed")
            health = Health(False, (f"check failed: {type(exc).__name__}",))
        return web.Response(status=200 if health.ok else 503, text=health.text())

    async def _metrics(self, request: web.Request) -> web.Response:
        """The bot's metrics in Prometheus's text format."""
        body, content_type = self.bot.metrics.exposition()
        return web.Response(body=body, headers={"Content-Type": content_type})
