"""Canonical article URLs, so that one article's URLs compare equal.

Feeds write the same URL differently: raw Arabic in the path (as the
SaudiNewsNet corpus does) or percent-encoded, upper- or lower-case hex, a
capitalised host, a default port, a fragment, tracking parameters. The
canonical form is an ASCII URI (RFC 3986 normalisation, section 6.2.2):

* scheme and host lower-cased, an internationalised host in IDNA (punycode),
  the scheme's default port and any fragment dropped, an empty path as ``/``;
* every character that must be escaped is percent-encoded as UTF-8 with
  upper-case hex, and escapes of unreserved characters (``%41`` → ``A``)
  are decoded; escapes of reserved characters (``%2F``) stay, as decoding
  them would change the URL;
* query parameters used only for tracking (``utm_*``, ``fbclid``, ...)
  dropped, the others kept in their order, exactly as written otherwise.

Dot segments and ``www.`` are left alone: servers may treat them as
different resources.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote, urlsplit, urlunsplit

# Parameters that identify a campaign or click, never the article.
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "ocid",
    }
)
TRACKING_PREFIXES = ("utm_",)
DEFAULT_PORTS = {"http": 80, "https": 443}

_ESCAPE_RE = re.compile(r"%([0-9A-Fa-f]{2})")
_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
# Characters left as they are when re-encoding a path or query: RFC 3986's
# reserved characters (their escaped and unescaped forms mean different
# things) and "%" (escapes already normalised by _ESCAPE_RE).
_KEEP = "!#$%&'()*+,/:;=?@[]"


def canonical_url(url: str | None) -> str | None:
    """The canonical form of an absolute URL; ``None`` for a blank, relative
    or malformed one (no scheme or host, a bad port)."""
    if not url or not url.strip():
        return None
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = parts.hostname
    if not scheme or not host:
        return None
    netloc = _host(host)
    if ":" in netloc:  # an IPv6 literal
        netloc = f"[{netloc}]"
    if port is not None and port != DEFAULT_PORTS.get(scheme):
        netloc = f"{netloc}:{port}"
    userinfo = parts.netloc.rpartition("@")[0] if "@" in parts.netloc else ""
    if userinfo:
        netloc = f"{_escaped(userinfo)}@{netloc}"
    path = _escaped(parts.path) or "/"
    query = "&".join(
        _escaped(parameter)
        for parameter in parts.query.split("&")
        if parameter and not _is_tracking(parameter)
    )
    return urlunsplit((scheme, netloc, path, query, ""))


def _host(host: str) -> str:
    """Lower-case host, in IDNA when it is internationalised (and valid).
    Escapes in a host can only stand for characters, so all are decoded."""
    host = unquote(host).lower()
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return quote(host, safe=_KEEP)


def _escaped(component: str) -> str:
    """``component`` with normalised escapes and every other character that
    needs one percent-encoded (UTF-8)."""
    return quote(_unescape_unreserved(component), safe=_KEEP)


def _unescape_unreserved(text: str) -> str:
    """Decode escapes of unreserved characters; upper-case the hex of the others."""
    if "%" not in text:
        return text
    return _ESCAPE_RE.sub(_unescape_one, text)


def _unescape_one(match: re.Match[str]) -> str:
    byte = int(match.group(1), 16)
    return chr(byte) if byte in _UNRESERVED else match.group(0).upper()


def _is_tracking(parameter: str) -> bool:
    name = _unescape_unreserved(parameter.partition("=")[0]).lower()
    return name in TRACKING_PARAMETERS or name.startswith(TRACKING_PREFIXES)
