"""The links of the upload page: one unguessable token per unit and period, and one for the clerk.

Kept beside the spec in ``.consolidate/links.json`` (written atomically, as the mail journals
are), so that a restart keeps every link; ``--new-links`` replaces this period's tokens. A token
is ``secrets.token_urlsafe(16)``: 128 random bits. ``links.csv`` (unit, link) is written beside
the spec for the clerk, only when no file of that name is there that this tool did not write (the
hash of the last one written is kept in ``links.json``).

A link that no longer opens is still told apart, so that whoever opens it learns why: the tokens
of the report's earlier periods are kept with them, and of tokens ``--new-links`` replaced a hash
only (:meth:`Links.why_closed`).
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..common import atomic_output
from ..spec import Spec

STATE = Path(".consolidate")
LINKS_JSON = STATE / "links.json"
LINKS_CSV = "links.csv"
REPLACED = "replaced"  # Links.why_closed: this period's token, replaced by --new-links


def new_token() -> str:
    return secrets.token_urlsafe(16)


def spec_folder(spec: Spec) -> Path:
    """Where the report's state is kept: the spec's folder (the current one for a spec with no file)."""
    return spec.path.parent if spec.path is not None else Path(".")


def period_key(spec: Spec) -> str:
    return f"{spec.report.id}/{spec.report.period}"


@dataclass
class Links:
    """This period's tokens: ``units`` (unit code → token) and ``admin``; ``base`` the address last
    served (``http://host:port``), for the links ``remind --text`` quotes."""

    units: dict[str, str]
    admin: str
    base: str = ""
    # When this period's links were made now: the latest earlier period of the report with links
    # (the units must be sent the new ones), else "".
    follows: str = ""
    # (kind, token) of an earlier period → that period; kind: "unit" or "admin"
    earlier: dict[tuple[str, str], str] = field(default_factory=dict)
    replaced: frozenset[str] = frozenset()  # _digest of this period's tokens --new-links replaced

    def unit_of(self, token: str) -> str | None:
        """The unit whose token this is (compared in constant time), else None."""
        found = None
        for code, known in self.units.items():
            if hmac.compare_digest(known.encode(), token.encode()):
                found = code
        return found

    def is_admin(self, token: str) -> bool:
        return hmac.compare_digest(self.admin.encode(), token.encode())

    def unit_link(self, code: str, base: str | None = None) -> str:
        return f"{base if base is not None else self.base}/u/{self.units[code]}"

    def admin_link(self, base: str | None = None) -> str:
        return f"{base if base is not None else self.base}/admin/{self.admin}"

    def why_closed(self, token: str, kind: str) -> str | None:
        """Why a token of ``kind`` ("unit" or "admin") that opens nothing does not: the earlier
        period it was issued for, or ``"replaced"`` (``--new-links``); None for a token never
        issued as one of that kind (or not a token at all)."""
        found = None
        for (issued, known), period in self.earlier.items():
            if hmac.compare_digest(known.encode(), token.encode()) and issued == kind:
                found = period
        if found is None and _digest(kind, token) in self.replaced:
            found = REPLACED
        return found


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"version": 1, "periods": {}}
    if not isinstance(data, dict) or not isinstance(data.get("periods"), dict):
        return {"version": 1, "periods": {}}
    return data


def _write(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_output(path) as tmp:
        Path(tmp).write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", "utf-8")


def _valid(token: Any) -> bool:
    return isinstance(token, str) and len(token) >= 22


def _digest(kind: str, token: str) -> str:
    return hashlib.sha256(f"{kind}:{token}".encode("utf-8", "replace")).hexdigest()


def _tokens(entry: dict[str, Any]) -> list[tuple[str, str]]:
    """Every token of a period's entry with its kind: its units' ("unit") and the clerk's ("admin")."""
    units = entry.get("units")
    found = [("unit", v) for v in units.values() if _valid(v)] if isinstance(units, dict) else []
    return [*found, *([("admin", entry["admin"])] if _valid(entry.get("admin")) else [])]


def _earlier(data: dict[str, Any], spec: Spec) -> dict[tuple[str, str], str]:
    """The tokens of this report's other periods, each with its period (the latest period's
    where a token came twice)."""
    prefix = f"{spec.report.id}/"
    out: dict[tuple[str, str], str] = {}
    for key in sorted(k for k in data["periods"] if k.startswith(prefix) and k != period_key(spec)):
        entry = data["periods"][key]
        if isinstance(entry, dict):
            out.update(dict.fromkeys(_tokens(entry), key[len(prefix) :]))
    return out


def links_for(spec: Spec, *, renew: bool = False, base: str | None = None) -> Links:
    """This period's links, made (and kept) the first time; every token new with ``renew``. A unit
    added to the spec since gets its token now; ``base`` is recorded as the address served."""
    path = spec_folder(spec) / LINKS_JSON
    data = _read(path)
    old = data["periods"].get(period_key(spec))
    old = old if isinstance(old, dict) else {}
    entry: dict[str, Any] = {} if renew else old
    found = entry.get("units")
    known: dict[str, Any] = found if isinstance(found, dict) else {}
    units = {u.code: known[u.code] if _valid(known.get(u.code)) else new_token() for u in spec.units}
    admin = entry["admin"] if _valid(entry.get("admin")) else new_token()
    stored = old.get("replaced")
    replaced = [d for d in stored if isinstance(d, str)] if isinstance(stored, list) else []
    if renew:
        replaced += sorted({_digest(kind, token) for kind, token in _tokens(old)} - set(replaced))
    earlier = _earlier(data, spec)
    period = spec.report.period
    before = [p for p in earlier.values() if p < period]
    follows = max(before) if before and not _tokens(old) else ""
    links = Links(
        units,
        admin,
        base if base is not None else str(entry.get("base", "")),
        follows=follows,
        earlier=earlier,
        replaced=frozenset(replaced),
    )
    changed = {"units": units, "admin": admin, "base": links.base, "csv_sha256": old.get("csv_sha256", "")}
    if replaced:
        changed["replaced"] = replaced
    if changed != old:
        data["periods"][period_key(spec)] = changed
        _write(path, data)
    return links


def saved_links(spec: Spec) -> dict[str, str]:
    """unit code → its link, when ``serve`` has issued this period's links (else empty)."""
    data = _read(spec_folder(spec) / LINKS_JSON)
    entry = data["periods"].get(period_key(spec))
    if not isinstance(entry, dict) or not entry.get("base") or not isinstance(entry.get("units"), dict):
        return {}
    return {
        u.code: f"{entry['base']}/u/{entry['units'][u.code]}" for u in spec.units if _valid(entry["units"].get(u.code))
    }


def links_csv(spec: Spec, links: Links) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["unit", "link"])
    for unit in spec.units:
        writer.writerow([unit.name, links.unit_link(unit.code)])
    return "\ufeff" + out.getvalue()  # with a BOM: Excel opens it as UTF-8


def write_links_csv(spec: Spec, links: Links) -> Path | None:
    """``links.csv`` beside the spec; None when a file of that name is there that is not ours
    (not the one last written here), which is left as it is."""
    folder = spec_folder(spec)
    path = folder / LINKS_CSV
    json_path = folder / LINKS_JSON
    data = _read(json_path)
    ours = {e.get("csv_sha256") for e in data["periods"].values() if isinstance(e, dict)} - {"", None}
    if path.exists():
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            return None
        if digest not in ours:
            return None
    text = links_csv(spec, links).encode("utf-8")
    with atomic_output(path) as tmp:
        Path(tmp).write_bytes(text)
    entry = data["periods"].setdefault(period_key(spec), {})
    entry["csv_sha256"] = hashlib.sha256(text).hexdigest()
    _write(json_path, data)
    return path
