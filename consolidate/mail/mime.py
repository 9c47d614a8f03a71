"""MIME out and in: messages that common mail clients show correctly, and what units send back.

Outgoing messages are built with the ``compat32`` classes because they keep parameters as
written: the attachment name goes into ``Content-Disposition`` as RFC 2231 (``filename*=utf-8''…``)
and into ``Content-Type`` as RFC 2047 (``name="=?utf-8?b?…?="``), which is what older Outlook,
Foxmail and web mail read. The newer ``email`` API refolds such headers and mangles them.

Incoming messages are decoded leniently: GBK/GB2312 encoded words, RFC 2231 names in any charset
and raw 8-bit GBK header bytes (sent by some clients) all give the right Chinese text.
"""

from __future__ import annotations

import datetime as dt
import email
import email.errors
import email.header
import email.utils
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from email import encoders
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32

from ..version import __version__

MIME_TYPES = {
    ".xlsx": ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".xlsm": ("application", "vnd.ms-excel.sheet.macroEnabled.12"),
    ".xls": ("application", "vnd.ms-excel"),
    ".ods": ("application", "vnd.oasis.opendocument.spreadsheet"),
    ".csv": ("text", "csv"),
    ".zip": ("application", "zip"),
}
_SUFFIX_BY_TYPE = {f"{main}/{sub}": suffix for suffix, (main, sub) in MIME_TYPES.items()}
# GBK and GB2312 labels are read as GB18030, their superset: a GB2312 label on GBK text is common.
_CHARSET_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030", "euc-cn": "gb18030"}
_ADDRESS_SPLIT = re.compile(r"[,;，；\s]+")
_WIRE = compat32.clone(linesep="\r\n")


@dataclass(frozen=True)
class Attachment:
    name: str
    data: bytes


def compose(
    *,
    sender: str,
    to: Sequence[str],
    to_name: str,
    subject: str,
    body: str,
    attachments: Sequence[Attachment] = (),
    reply_to: str = "",
    when: dt.datetime,
    message_id: str,
) -> bytes:
    """The message as sent over SMTP (CRLF line ends), also what ``--dry-run`` writes as .eml."""
    message = MIMEMultipart()
    message["From"] = format_address(sender)
    message["To"] = ", ".join(email.utils.formataddr((to_name, a), charset="utf-8") for a in to)
    if reply_to:
        message["Reply-To"] = format_address(reply_to)
    message["Subject"] = email.header.Header(subject, "utf-8")  # type: ignore[assignment]  # compat32 folds it
    message["Date"] = email.utils.format_datetime(when)
    message["Message-ID"] = message_id
    message["X-Mailer"] = f"consolidate {__version__}"
    message.attach(MIMEText(body, "plain", "utf-8"))
    for attachment in attachments:
        message.attach(_attachment_part(attachment))
    return message.as_bytes(policy=_WIRE)


def _attachment_part(attachment: Attachment) -> MIMEBase:
    suffix = "." + attachment.name.rsplit(".", 1)[-1].lower() if "." in attachment.name else ""
    main, sub = MIME_TYPES.get(suffix, ("application", "octet-stream"))
    part = MIMEBase(main, sub)
    part.set_payload(attachment.data)
    encoders.encode_base64(part)
    part.set_param("name", email.header.Header(attachment.name, "utf-8").encode(linesep=" "))
    part.add_header("Content-Disposition", "attachment", filename=("utf-8", "", attachment.name))
    return part


def format_address(text: str) -> str:
    """``玉环市卫生健康局 <office@x.cn>`` with the display name encoded for the header."""
    name, address = email.utils.parseaddr(text)
    return email.utils.formataddr((name, address), charset="utf-8")


def make_message_id(sender: str) -> str:
    address = email.utils.parseaddr(sender)[1]
    return email.utils.make_msgid("consolidate", domain=address.rpartition("@")[2] or None)


def split_addresses(text: str) -> list[str]:
    """The addresses in a unit's ``email`` cell (several may be separated by , ; or spaces)."""
    return [part for part in _ADDRESS_SPLIT.split(text.strip()) if part]


def is_address(text: str) -> bool:
    return re.fullmatch(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+", text) is not None


def address_of(text: str) -> str:
    return email.utils.parseaddr(text)[1].strip().lower()


# ---------------------------------------------------------------------------------------------
# Incoming


def parse(raw: bytes) -> Message:
    return email.message_from_bytes(raw, policy=compat32)


def header_text(message: Message, name: str) -> str:
    """A header decoded for display: encoded words in any charset, raw 8-bit GBK tolerated."""
    value = raw_header(message, name)
    return "" if value is None else decode_words(_unescape_8bit(value))


def raw_header(message: Message, name: str) -> str | None:
    """A header as received (8-bit bytes as surrogate escapes), before the policy replaces them."""
    wanted = name.lower()
    return next((str(v) for k, v in message.raw_items() if k.lower() == wanted), None)


def decode_words(text: str) -> str:
    """Decode RFC 2047 encoded words, reading GB2312/GBK labels as GB18030."""
    if "=?" not in text:
        return _unfold(text)
    try:
        parts = email.header.decode_header(text)
    except email.errors.HeaderParseError:
        return _unfold(text)
    out = []
    for chunk, charset in parts:
        if isinstance(chunk, str):
            out.append(chunk)
        elif charset is None:
            out.append(chunk.decode("raw-unicode-escape"))
        else:
            out.append(_decode_bytes(chunk, charset))
    return _unfold("".join(out))


def _unfold(text: str) -> str:
    return re.sub(r"\r?\n[ \t]*", " ", text).strip()


def _decode_bytes(data: bytes, charset: str | None) -> str:
    label = (charset or "").lower()
    codec = _CHARSET_ALIASES.get(label, label)
    if codec:
        try:
            return data.decode(codec)
        except (LookupError, UnicodeDecodeError):
            pass
    for fallback in ("utf-8", "gb18030"):
        try:
            return data.decode(fallback)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", "replace")


def _unescape_8bit(text: str) -> str:
    """Header bytes that were not ASCII arrive as surrogate escapes: decode them as UTF-8 or GBK."""
    if not any("\udc80" <= c <= "\udcff" for c in text):
        return text
    return _decode_bytes(text.encode("ascii", "surrogateescape"), None)


def attachment_name(part: Message) -> str:
    """The file name of an attachment as its sender saw it ('' when it has none)."""
    for header, param in (("content-disposition", "filename"), ("content-type", "name")):
        raw = raw_header(part, header)
        if raw is None:
            continue
        holder = Message()
        holder[header] = _unescape_8bit(raw)
        value = holder.get_param(param, header=header)
        if isinstance(value, tuple):
            charset, _, text = value
            decoded = _decode_bytes(text.encode("latin-1", "surrogateescape"), charset or None)
        elif isinstance(value, str):
            decoded = decode_words(email.utils.unquote(value))
        else:
            continue
        if decoded.strip():
            return decoded.strip()
    return ""


def iter_attachments(message: Message) -> Iterator[tuple[str, Message]]:
    """(file name, part) of every attached file, also inside forwarded messages."""
    for part in message.walk():
        if part.is_multipart():
            continue
        name = attachment_name(part)
        disposition = (part.get_content_disposition() or "").lower()
        if not name and disposition != "attachment":
            continue
        if not name:
            name = "attachment" + _SUFFIX_BY_TYPE.get(part.get_content_type(), "")
        yield name, part


def payload(part: Message) -> bytes:
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""
