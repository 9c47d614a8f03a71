"""Encrypted workbooks opened with msoffcrypto-tool, with the passwords the clerk gave."""

from __future__ import annotations

import io
from collections.abc import Sequence

from ..text import Msg
from .sources import Unreadable

# Excel encrypts "read-only recommended" .xls files with this well-known password.
DEFAULT_PASSWORDS = ("VelvetSweatshop",)


def decrypt(data: bytes, passwords: Sequence[str]) -> bytes:
    """The decrypted file; :class:`Unreadable` when no password opens it."""
    import msoffcrypto

    for password in [*passwords, *DEFAULT_PASSWORDS]:
        try:
            office = msoffcrypto.OfficeFile(io.BytesIO(data))
            office.load_key(password=password, verify_password=True)
            out = io.BytesIO()
            office.decrypt(out)
        except Exception:
            continue
        return out.getvalue()
    if passwords:
        raise Unreadable(Msg("read.wrong_password"))
    raise Unreadable(Msg("read.password_needed"))
