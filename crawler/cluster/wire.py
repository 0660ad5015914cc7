"""Everything that crosses Redis, as data: JSON with a closed set of types, never pickle.

Anyone who can write to the cluster's Redis can put bytes on the frontier, the stream or the run
hash; unpickling them would run their code in every node and in the writer. So what the cluster
stores is JSON, and reading it back builds only plain values and the project's own dataclasses
named in `TYPES`, each field checked against the dataclass's type hints (the schema is the
dataclasses themselves). Anything else, a pickle included, is a `WireError`: the reader logs it,
keeps the raw entry in the cluster's failed list (`crawler.cluster.failed`) and goes on.

Encoding: JSON values stand for themselves; the rest is an object with a `$t` tag: `bytes`
(base64), `blob` (bytes sent beside the JSON, see `dumps`), `tuple`, `dict` (a mapping whose keys are not all strings, or that holds `$t` itself),
or a dataclass name from `TYPES` with its fields under `f`.

scrapy-redis takes this module as `SCHEDULER_SERIALIZER` (it wants `loads`/`dumps`): a request
dict must further match `REQUEST_FIELDS`, name one of the spider's callbacks, and carry an
http(s) URL the URL policy accepts (`crawler.discovery.urlpolicy`).
"""
from __future__ import annotations

import base64
import binascii
import dataclasses
import json
import types
import typing
from functools import cache
from typing import Any, Union

from archive.fts import SearchText
from archive.warc import WarcRef
from crawler.discovery.catalog import Site
from crawler.extraction.article import Article, Caption, ExtractionHints, Source
from crawler.items import CrawledArticle, FetchedPage
from crawler.discovery.urlpolicy import UrlRefused, check_url

TAG = "$t"
# The only classes a Redis entry can become. Their constructors are dataclass __init__s (Site also
# validates its patterns): building one runs no code the entry chose.
TYPES: dict[str, type] = {cls.__name__: cls for cls in (
    Site, ExtractionHints, CrawledArticle, FetchedPage, Article, Caption, Source, SearchText, WarcRef,
)}
PICKLE_PROTOCOL_MARK = b"\x80"  # every pickle of protocol 2 and up starts with PROTO

# What a frontier entry may hold (Scrapy's Request.to_dict() keys, no `_class`: only scrapy.Request).
REQUEST_FIELDS: dict[str, Any] = {
    "url": str, "callback": str | None, "errback": str | None, "headers": dict[bytes, list[bytes]], "body": bytes,
    "cookies": dict[str, Any] | list[Any], "meta": dict[str, Any], "encoding": str, "flags": list[str],
    "cb_kwargs": dict[str, Any], "dont_filter": bool, "method": str, "priority": int,
}
# The news spider's callbacks and errbacks: the only methods a frontier entry may name.
CALLBACKS = frozenset({"parse_sitemap", "parse_feed", "parse_listing", "parse_article"})
ERRBACKS = frozenset({"discovery_failed", "article_failed"})
METHODS = frozenset({"GET", "HEAD"})


class WireError(ValueError):
    """Bytes from Redis that are not data this cluster wrote (a pickle, garbage, a wrong shape)."""


# -- encoding ---------------------------------------------------------------------------------------------------


def dumps(obj: Any, blobs: list[bytes] | None = None) -> bytes:
    """`obj` as JSON bytes; a TypeError for a value of a type the wire does not carry.

    With a `blobs` list, byte strings of BLOB_MIN bytes or more (a page's WARC records) are appended
    to it and referenced by index instead of inlined as base64: the caller sends them as fields of
    their own (a stream entry's `blob0`, `blob1`…), raw, and gives them back to `loads`."""
    return json.dumps(_encode(obj, blobs), ensure_ascii=False, separators=(",", ":")).encode()


BLOB_MIN = 1024


def _encode(value: Any, blobs: list[bytes] | None) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        if blobs is not None and len(value) >= BLOB_MIN:
            blobs.append(bytes(value))
            return {TAG: "blob", "i": len(blobs) - 1}
        return {TAG: "bytes", "b64": base64.b64encode(value).decode("ascii")}
    if isinstance(value, list):
        return [_encode(v, blobs) for v in value]
    if isinstance(value, tuple):
        return {TAG: "tuple", "items": [_encode(v, blobs) for v in value]}
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value) and TAG not in value:
            return {k: _encode(v, blobs) for k, v in value.items()}
        return {TAG: "dict", "items": [[_encode(k, blobs), _encode(v, blobs)] for k, v in value.items()]}
    name = type(value).__name__
    if TYPES.get(name) is type(value):
        return {TAG: name, "f": {f.name: _encode(getattr(value, f.name), blobs) for f in dataclasses.fields(value)}}
    raise TypeError(f"cannot send a {type(value).__qualname__} through Redis: not a wire type")


# -- decoding ---------------------------------------------------------------------------------------------------


def loads(data: bytes | str, blobs: list[bytes] | None = None) -> Any:
    """The value `dumps` encoded (with the `blobs` it set aside); a WireError for anything else (a pickle is
    refused unread)."""
    if isinstance(data, str):
        data = data.encode()
    if data[:1] == PICKLE_PROTOCOL_MARK:
        raise WireError("a pickle, refused (the cluster carries JSON only)")
    try:
        raw = json.loads(data)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise WireError(f"not JSON: {exc}") from None
    try:
        return _decode(raw, blobs or [])
    except RecursionError:
        raise WireError("nested too deep") from None


def _decode(value: Any, blobs: list[bytes]) -> Any:
    if isinstance(value, list):
        return [_decode(v, blobs) for v in value]
    if not isinstance(value, dict):
        return value
    tag = value.get(TAG)
    if tag is None:
        return {k: _decode(v, blobs) for k, v in value.items()}
    if tag == "blob":
        index = value.get("i")
        if not (type(index) is int and 0 <= index < len(blobs) and isinstance(blobs[index], bytes)):
            raise WireError(f"a blob reference without its blob: {str(index)[:20]}")
        return blobs[index]
    if tag == "bytes":
        try:
            return binascii.a2b_base64(_expect(value, "b64", str), strict_mode=True)
        except (binascii.Error, ValueError) as exc:  # ValueError: non-ASCII text
            raise WireError(f"bad base64: {exc}") from None
    if tag == "tuple":
        return tuple(_decode(v, blobs) for v in _expect(value, "items", list))
    if tag == "dict":
        pairs = _expect(value, "items", list)
        if not all(isinstance(p, list) and len(p) == 2 for p in pairs):
            raise WireError("a tagged dict's items must be [key, value] pairs")
        try:
            return {_decode(k, blobs): _decode(v, blobs) for k, v in pairs}
        except TypeError as exc:  # an unhashable key
            raise WireError(f"bad dict key: {exc}") from None
    cls = TYPES.get(tag) if isinstance(tag, str) else None
    if cls is None:
        raise WireError(f"unknown type {str(tag)[:40]!r}")
    return _build(cls, _expect(value, "f", dict), blobs)


def _expect(value: dict, key: str, kind: type) -> Any:
    found = value.get(key)
    if not isinstance(found, kind):
        raise WireError(f"{value.get(TAG)!r} wants {key!r} as {kind.__name__}")
    return found


def _build(cls: type, raw_fields: dict[str, Any], blobs: list[bytes]) -> Any:
    hints = field_hints(cls)
    unknown = set(raw_fields) - set(hints)
    if unknown:
        raise WireError(f"{cls.__name__} has no field(s) {sorted(unknown)[:5]}")
    values = {name: _decode(raw, blobs) for name, raw in raw_fields.items()}
    for name, value in values.items():
        if not checker(hints[name])(value):
            raise WireError(f"{cls.__name__}.{name}: {type(value).__name__} does not fit {hints[name]}")
    try:
        return cls(**values)
    except (TypeError, ValueError) as exc:  # a missing field, a Site with a bad pattern
        raise WireError(f"{cls.__name__}: {exc}") from None


@cache
def field_hints(cls: type) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    return {f.name: hints[f.name] for f in dataclasses.fields(cls)}


def conforms(value: Any, hint: Any) -> bool:
    """Whether a decoded value fits a type hint (the subset of typing the wire's dataclasses use)."""
    return checker(hint)(value)


@cache
def checker(hint: Any):
    """A function testing a value against `hint`, built once per hint (decoding checks every field)."""
    if hint is Any:
        return lambda value: True
    if hint is None or hint is type(None):
        return lambda value: value is None
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (Union, types.UnionType):
        options = tuple(checker(arg) for arg in args)
        return lambda value: any(fits(value) for fits in options)
    if origin is list:
        item = checker(args[0]) if args else checker(Any)
        return lambda value: isinstance(value, list) and all(item(v) for v in value)
    if origin is dict:
        key, item = (checker(args[0]), checker(args[1])) if args else (checker(Any), checker(Any))
        return lambda value: isinstance(value, dict) and all(key(k) and item(v) for k, v in value.items())
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            item = checker(args[0])
            return lambda value: isinstance(value, tuple) and all(item(v) for v in value)
        items = tuple(checker(arg) for arg in args)
        return lambda value: (isinstance(value, tuple) and len(value) == len(items)
                              and all(fits(v) for fits, v in zip(items, value)))
    if hint is float:
        return lambda value: isinstance(value, (int, float)) and not isinstance(value, bool)
    if hint is int:
        return lambda value: isinstance(value, int) and not isinstance(value, bool)
    if isinstance(hint, type):
        return lambda value: isinstance(value, hint)
    return lambda value: False


# -- frontier requests (scrapy-redis's SCHEDULER_SERIALIZER calls these two) ------------------------------------


def request_loads(data: bytes | str) -> dict[str, Any]:
    """A request dict from the frontier, checked: only the news spider's callbacks, an http(s) URL."""
    request = loads(data)
    if not isinstance(request, dict):
        raise WireError("a frontier entry must be a request object")
    unknown = set(request) - set(REQUEST_FIELDS)
    if unknown or "url" not in request:
        raise WireError(f"not a request: unknown field(s) {sorted(unknown)[:5]}" if unknown else "not a request: no url")
    for name, value in request.items():
        if not conforms(value, REQUEST_FIELDS[name]):
            raise WireError(f"request {name}: {type(value).__name__} does not fit {REQUEST_FIELDS[name]}")
    if request.get("callback") not in CALLBACKS | {None} or request.get("errback") not in ERRBACKS | {None}:
        raise WireError(f"request names a method the spider does not offer: {request.get('callback')!r}")
    if request.get("method", "GET") not in METHODS:
        raise WireError(f"request method {str(request.get('method'))[:20]!r} not allowed")
    try:
        check_url(request["url"])
    except UrlRefused as exc:
        raise WireError(f"request URL refused: {exc}") from None
    return request





class RequestSerializer:
    """The frontier's serializer (scrapy-redis's SCHEDULER_SERIALIZER wants an object with these two)."""

    loads = staticmethod(request_loads)
    dumps = staticmethod(dumps)


REQUESTS = RequestSerializer()


def stream_fields(item: Any) -> dict[str, bytes]:
    """A stream entry's fields for `item`: its JSON and, raw beside it, its large byte strings."""
    blobs: list[bytes] = []
    data = dumps(item, blobs)
    return {"item": data, "blobs": str(len(blobs)).encode(), **{f"blob{i}": blob for i, blob in enumerate(blobs)}}


def from_stream_fields(fields: dict[bytes, bytes]) -> Any:
    """The item of a stream entry `stream_fields` wrote; a WireError for any other entry."""
    try:
        count = int(fields.get(b"blobs", b"0"))
    except ValueError:
        raise WireError("a stream entry whose blob count is not a number") from None
    if not 0 <= count <= len(fields):
        raise WireError(f"a stream entry announcing {count} blobs")
    return loads(fields.get(b"item", b""), [fields.get(f"blob{i}".encode()) for i in range(count)])
