"""``consolidate serve``: the upload page (see :mod:`consolidate.serve`). Starlette and uvicorn are
imported inside the command only, so that ``--help`` and every other command start without them."""

from __future__ import annotations

import re
import socket
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import InputError
from ..text import Msg
from .app import crash_log, err_console, guarded, msg, say, state

if TYPE_CHECKING:
    from ..serve.tokens import Links
    from ..serve.uploads import Outcome
    from ..spec import Spec

ANY_HOST = ("0.0.0.0", "::", "")


def serve(
    spec: Annotated[Path, typer.Argument()] = Path("."),
    returns: Annotated[Path, typer.Option("--returns", "-r")] = Path("returns"),
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port")] = 8765,
    new_links: Annotated[bool, typer.Option("--new-links")] = False,
    max_mb: Annotated[int, typer.Option("--max-mb")] = 20,
    address: Annotated[str | None, typer.Option("--address")] = None,
) -> None:
    from ..serve.tokens import links_for, write_links_csv
    from ..spec import load_spec

    with guarded():
        loaded = load_spec(spec)
        if returns.exists() and not returns.is_dir():
            raise InputError(Msg("cli.serve_returns_is_file", path=returns))
        if not 1 <= max_mb <= 500:
            raise InputError(Msg("cli.serve_max_mb", value=max_mb))
        if address is not None:
            _address(address, port)  # a wrong one stops the command before the port is taken
        listening = _bind(host, port)
        addresses = _addresses(host, listening.getsockname()[1])
        base = _address(address, listening.getsockname()[1]) if address is not None else addresses[0]
        links = links_for(loaded, renew=new_links, base=base)
        say(msg("serve_listening", address=f"{host or '0.0.0.0'}:{listening.getsockname()[1]}"), "green")
        if host in ANY_HOST:
            say(msg("serve_open_to", addresses="  ".join(addresses)))
        elif host in ("127.0.0.1", "localhost", "::1"):
            say(msg("serve_local_only"), "yellow")
        if new_links:
            say(msg("serve_new_links"), "yellow")
        elif links.follows:
            say(msg("serve_links_follow", period=loaded.report.period, old=links.follows), "yellow")
        say(msg("serve_links"))
        for unit in loaded.units:
            say(f"  {unit.name}  {links.unit_link(unit.code)}")
        written = write_links_csv(loaded, links)
        csv_path = loaded.path.parent / "links.csv" if loaded.path is not None else Path("links.csv")
        if written is not None:
            say(msg("serve_links_file", file=written))
        else:
            say(msg("serve_links_not_ours", file=csv_path), "yellow")
        say(msg("serve_admin", link=links.admin_link()), "bold")
        say(msg("serve_stop"))
        _run(loaded, links, returns, max_mb, listening)
    say(msg("serve_stopped"), "green")
    raise typer.Exit(0)


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host or "0.0.0.0", port))
        sock.listen(128)
    except (OSError, OverflowError) as exc:
        sock.close()
        error = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise InputError(Msg("cli.serve_port_taken", host=host, port=port, error=error)) from None
    sock.set_inheritable(True)
    return sock


_ADDRESS = re.compile(r"(?:(https?)://)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::([0-9]{1,5}))?/?")


def _address(given: str, port: int) -> str:
    """``--address``: where the units reach this computer, as the links carry it: a name or an
    address (``192.168.1.20``, ``hwj-pc``), with the scheme and port added when not given."""
    match = _ADDRESS.fullmatch(given.strip())
    if match is None or (match[3] is not None and not 0 < int(match[3]) < 65536):
        raise InputError(Msg("cli.serve_bad_address", value=given))
    return f"{match[1] or 'http'}://{match[2]}:{match[3] or port}"


def _addresses(host: str, port: int) -> list[str]:
    """The addresses the page is reached at: the host given, or (any host) this computer's
    network addresses, the one its traffic leaves by first."""
    if host not in ANY_HOST:
        shown = f"[{host}]" if ":" in host else host
        return [f"http://{shown}:{port}"]
    found: list[str] = []
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("10.255.255.255", 1))  # no packet is sent: only the route is looked up
            found.append(probe.getsockname()[0])
    except OSError:
        pass
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.append(str(info[4][0]))
    except OSError:
        pass
    ips = [ip for ip in dict.fromkeys(found) if not ip.startswith("127.")] or ["127.0.0.1"]
    return [f"http://{ip}:{port}" for ip in ips]


def _told(spec: Spec) -> Callable[[Outcome], None]:
    def told(outcome: Outcome) -> None:
        unit = spec.unit_map[outcome.unit].name
        when = outcome.time[11:19]
        if outcome.status == "refused":
            say(msg("serve_refused", time=when, unit=unit, reason=outcome.reason), "yellow")
        else:
            shown = outcome.name or "-"
            say(msg("serve_uploaded", time=when, unit=unit, file=shown, result=outcome.result_text(state.lang)))

    return told


def _crashed(exc: BaseException) -> None:
    log = crash_log(exc)
    err_console().print(
        msg("serve_crash", error=f"{type(exc).__name__}: {exc}", log=log or "-"), style="red", markup=False
    )


def _run(spec: Spec, links: Links, returns: Path, max_mb: int, listening: socket.socket) -> None:
    import uvicorn

    from ..serve.app import Service, make_app
    from ..serve.uploads import Desk

    desk = Desk(spec, returns, told=_told(spec))
    app = make_app(Service(spec, links, desk, max_mb), crashed=_crashed)
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        lifespan="off",
        timeout_keep_alive=5,
        timeout_graceful_shutdown=5,
        limit_concurrency=200,
        server_header=False,
        date_header=False,
    )
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[listening])
    except KeyboardInterrupt:
        pass
    finally:
        listening.close()


COMMANDS = (serve,)
