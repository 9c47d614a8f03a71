"""The web application (Starlette): a unit's page at ``/u/<token>``, the clerk's at ``/admin/<token>``.

- A token that is not this period's opens nothing. Whoever opens it is told why, in the spec's
  language: a link of an earlier period (410: that period is over, ask for this one's), one that
  ``--new-links`` replaced (410), and anything else (404, the same page for every address, naming
  nothing of the report). A unit's token opens that unit's page, its template and its own
  feedback files only.
- An upload is read as it streams in, counted, and cut off past the size limit (and past the
  time limits: each piece of the body must come within :data:`CHUNK_WAIT` seconds, the whole of
  it within :data:`BODY_WAIT`); its name is never used for a path.
- The checks and the merges run in worker threads (and the files are read in worker processes,
  as every merge reads them), so one slow upload holds up no other.
- Every response says ``Referrer-Policy: no-referrer`` (a link on the page does not pass the
  token on), loads nothing from elsewhere (``Content-Security-Policy``) and is not cached.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import urllib.parse
from collections.abc import AsyncGenerator, Awaitable, Callable, MutableMapping
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from ..common import private_temp
from ..errors import ConsolidateError
from ..spec import Spec
from ..text import Msg, t
from .pages import admin_page, message_page, unit_page
from .tokens import REPLACED, Links
from .uploads import Desk, Outcome

CHUNK_WAIT = 30.0  # seconds a piece of an upload's body may take to come
BODY_WAIT = 600.0  # seconds the whole of it may take
FORM_ROOM = 64 * 1024  # what the form adds around the file
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

HEADERS = [
    (b"referrer-policy", b"no-referrer"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"cache-control", b"no-store"),
    (
        b"content-security-policy",
        b"default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' data:; "
        b"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    ),
]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class TooLarge(Exception):
    pass


class TooSlow(Exception):
    pass


def not_found(spec: Spec) -> Response:
    """The page of an address that opens nothing: the same for every one (it names nothing of the
    report, so that trying addresses tells nothing)."""
    lang = spec.lang
    page = message_page(spec, t("serve.closed.unknown", lang), title=t("serve.closed.title", lang))
    return HTMLResponse(page, status_code=404)


def attachment(data: bytes, name: str, media: str = XLSX) -> Response:
    ascii_name = name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    quoted = urllib.parse.quote(name)
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quoted}"
    return Response(data, media_type=media, headers={"content-disposition": disposition})


class Service:
    """What the routes need: the spec, its links, the desk that takes the uploads."""

    def __init__(self, spec: Spec, links: Links, desk: Desk, max_mb: int) -> None:
        self.spec = spec
        self.links = links
        self.desk = desk
        self.max_mb = max_mb
        self.max_bytes = max_mb * 1024 * 1024
        self._templates: dict[str, tuple[str, bytes]] = {}

    # ------------------------------------------------------------------ the unit's page

    def _unit(self, request: Request) -> str | None:
        return self.links.unit_of(str(request.path_params.get("token", "")))

    def _closed(self, request: Request) -> Response:
        """The answer to a token that opens nothing here: why, when it is one this report issued."""
        clerks = request.url.path.startswith("/admin/")
        why = self.links.why_closed(str(request.path_params.get("token", "")), "admin" if clerks else "unit")
        if why is None:
            return not_found(self.spec)
        lang = self.spec.lang
        report = self.spec.report
        ask = t("serve.closed.ask_contact", lang, contact=report.contact) if report.contact else ""
        if clerks:  # the new link is where serve runs
            key = "serve.closed.admin_replaced" if why == REPLACED else "serve.closed.admin_earlier"
            text = t(key, lang, old=why, period=report.period)
        elif why == REPLACED:
            text = t("serve.closed.replaced", lang, ask=ask)
        else:
            text = t("serve.closed.earlier", lang, old=why, period=report.period, ask=ask)
        return HTMLResponse(message_page(self.spec, text), status_code=410)

    async def unit(self, request: Request) -> Response:
        code = self._unit(request)
        if code is None:
            return self._closed(request)
        uploads = await run_in_threadpool(self.desk.uploads, code)
        wanted = request.query_params.get("upload", "")
        shown = next((o for o in uploads if o.id == wanted), None)
        html = unit_page(self.spec, self.spec.unit_map[code], request.url.path, uploads, shown, self.max_mb)
        return HTMLResponse(html)

    async def template(self, request: Request) -> Response:
        code = self._unit(request)
        if code is None:
            return self._closed(request)
        if code not in self._templates:
            self._templates[code] = await run_in_threadpool(self._make_template, code)
        name, data = self._templates[code]
        return attachment(data, name)

    def _make_template(self, code: str) -> tuple[str, bytes]:
        from ..periods import previous_values
        from ..write import write_templates

        previous = previous_values(self.spec)
        with private_temp("serve-template") as work:
            (path,) = write_templates(self.spec, work, [code], workers=1, previous=previous)
            return path.name, path.read_bytes()

    async def feedback(self, request: Request) -> Response:
        code = self._unit(request)
        if code is None:
            return self._closed(request)
        outcome = await run_in_threadpool(self.desk.upload, code, str(request.path_params.get("upload", "")))
        if outcome is None or not outcome.feedback:
            return not_found(self.spec)
        path = self.desk.feedback_file(outcome)
        try:
            data = await run_in_threadpool(path.read_bytes)
        except OSError:
            return not_found(self.spec)
        from ..write.feedback import feedback_filename

        return attachment(data, feedback_filename(self.spec, self.spec.unit_map[code]))

    async def upload(self, request: Request) -> Response:
        code = self._unit(request)
        if code is None:
            return self._closed(request)
        page = request.url.path.rsplit("/", 1)[0]
        declared = request.headers.get("content-length", "")
        limit = self.max_bytes + FORM_ROOM
        outcome: Outcome
        status = 303
        if declared.isdigit() and int(declared) > limit:
            await _drain(request, 4 * limit)
            outcome = await run_in_threadpool(
                self.desk.refuse, code, "", Msg("serve.refused.too_large", mb=self.max_mb)
            )
            status = 413
        else:
            outcome, status = await self._take(request, code, limit)
        target = f"{page}?upload={outcome.id}"
        if status != 303:
            uploads = await run_in_threadpool(self.desk.uploads, code)
            html = unit_page(self.spec, self.spec.unit_map[code], page, uploads, outcome, self.max_mb)
            return HTMLResponse(html, status_code=status)
        return RedirectResponse(target, status_code=303)

    async def _take(self, request: Request, code: str, limit: int) -> tuple[Outcome, int]:
        """Read the form as it streams in (to disk past 1 MB), then check and keep the file."""
        started = time.monotonic()
        stream = _bounded(request, limit, started)
        name = ""
        try:
            parser = MultiPartParser(request.headers, stream, max_files=1, max_fields=4)
            form = await parser.parse()
        except TooLarge:
            await _drain(request, 4 * limit)
            msg = Msg("serve.refused.too_large", mb=self.max_mb)
            return await run_in_threadpool(self.desk.refuse, code, name, msg), 413
        except TooSlow:
            return await run_in_threadpool(self.desk.refuse, code, name, Msg("serve.refused.slow")), 408
        except (MultiPartException, ValueError, KeyError, AssertionError):
            return await run_in_threadpool(self.desk.refuse, code, name, Msg("serve.refused.broken")), 400
        try:
            given = form.get("file")
            if not isinstance(given, UploadFile):
                msg = Msg("serve.refused.empty")
                return await run_in_threadpool(self.desk.refuse, code, "", msg), 400
            name = given.filename or ""
            return await run_in_threadpool(self._receive, code, given, name), 303
        finally:
            await form.close()

    def _receive(self, code: str, given: UploadFile, name: str) -> Outcome:
        with private_temp("serve-upload") as work:
            path = work / "upload"
            given.file.seek(0)
            with path.open("wb") as out:
                while chunk := given.file.read(1 << 20):
                    out.write(chunk)
            return self.desk.receive(code, path, name)

    # ------------------------------------------------------------------ the clerk's page

    async def admin(self, request: Request) -> Response:
        if not self.links.is_admin(str(request.path_params.get("token", ""))):
            return self._closed(request)
        error = ""
        result = None
        try:
            result = await run_in_threadpool(self.desk.overview)
        except ConsolidateError as exc:
            error = exc.render(self.spec.lang)
        uploads = await run_in_threadpool(self.desk.uploads)
        html = admin_page(self.spec, request.url.path, self.links, result, uploads, self.desk.returns, error=error)
        return HTMLResponse(html)

    async def summary(self, request: Request) -> Response:
        if not self.links.is_admin(str(request.path_params.get("token", ""))):
            return self._closed(request)
        try:
            name, data = await run_in_threadpool(self._summary)
        except ConsolidateError as exc:
            text = t("serve.admin.failed", self.spec.lang, error=exc.render(self.spec.lang))
            return HTMLResponse(message_page(self.spec, text), status_code=503)
        return attachment(data, name)

    def _summary(self) -> tuple[str, bytes]:
        name = f"{self.spec.report.id}-{self.spec.report.period}-summary.xlsx"
        if self.spec.lang == "zh":
            name = f"{self.spec.report.period}-汇总.xlsx"
        with private_temp("serve-summary") as work:
            path = self.desk.summary(work / "summary.xlsx")
            return name, path.read_bytes()


def _bounded(request: Request, limit: int, started: float) -> AsyncGenerator[bytes, None]:
    """The request's body, piece by piece: :class:`TooLarge` past ``limit`` bytes, :class:`TooSlow`
    when a piece does not come in time."""

    async def pieces() -> AsyncGenerator[bytes, None]:
        seen = 0
        while True:
            left = min(CHUNK_WAIT, BODY_WAIT - (time.monotonic() - started))
            if left <= 0:
                raise TooSlow
            try:
                message = await asyncio.wait_for(request.receive(), timeout=left)
            except TimeoutError:
                raise TooSlow from None
            if message["type"] == "http.disconnect":
                raise MultiPartException("disconnected")
            body = message.get("body", b"")
            seen += len(body)
            if seen > limit:
                raise TooLarge
            if body:
                yield body
            if not message.get("more_body", False):
                return

    return pieces()


async def _drain(request: Request, most: int) -> None:
    """Read and drop what is left of a refused body (up to ``most`` bytes, in the time limits), so
    that the browser sends it all and reads the answer instead of a broken connection."""
    seen = 0
    started = time.monotonic()
    with contextlib.suppress(TimeoutError, OSError, RuntimeError):
        while seen <= most and time.monotonic() - started < BODY_WAIT:
            message = await asyncio.wait_for(request.receive(), timeout=CHUNK_WAIT)
            if message["type"] != "http.request":
                return
            seen += len(message.get("body", b""))
            if not message.get("more_body", False):
                return


def secured(app: ASGIApp, crashed: Callable[[BaseException], None] | None = None) -> ASGIApp:
    """Every response with :data:`HEADERS`; an exception ends in a plain 500 (and ``crashed``),
    never a traceback."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = [
                    *(h for h in message.get("headers", []) if h[0].lower() not in {k for k, _ in HEADERS}),
                    *HEADERS,
                ]
            await send(message)

        try:
            await app(scope, receive, sending)
        except Exception as exc:
            if crashed is not None:
                crashed(exc)
            if not started:
                await PlainTextResponse("Internal Server Error", status_code=500)(scope, receive, sending)

    return wrapped


def make_app(service: Service, crashed: Callable[[BaseException], None] | None = None) -> ASGIApp:
    routes = [
        Route("/u/{token}", service.unit, methods=["GET"]),
        Route("/u/{token}/template", service.template, methods=["GET"]),
        Route("/u/{token}/upload", service.upload, methods=["POST"]),
        Route("/u/{token}/feedback/{upload}", service.feedback, methods=["GET"]),
        Route("/admin/{token}", service.admin, methods=["GET"]),
        Route("/admin/{token}/summary", service.summary, methods=["GET"]),
    ]

    async def missing(request: Request, exc: Exception) -> Response:
        return not_found(service.spec)

    app = Starlette(routes=routes, exception_handlers={404: missing, 405: missing})
    return secured(app, crashed)
