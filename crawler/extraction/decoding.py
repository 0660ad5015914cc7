"""From fetched bytes to a parsed tree: refuse what is not HTML, decode surviving the charset traps of Arabic sites, parse.

Old Arabic sites serve windows-1256 or ISO-8859-6 with no declaration, or declare
utf-8 while serving cp1256. The declared (or sniffed) encoding is tried first; when
it leaves replacement characters, or a single-byte declaration hides valid UTF-8,
the candidates are scored by how much real Arabic they produce.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import lxml.html
from lxml import etree

from crawler.text.arabic import ARABIC_LETTER
from crawler.extraction.article import NotAnArticle

# Latin-1 accented letters: what ISO-8859-6 Arabic turns into when read as cp1256.
LATIN_ACCENTED = re.compile("[\u00c0-\u00ff]")
# Runs of them: Arabic read as a Latin charset (French words rarely have three accents in a row).
MOJIBAKE_RUN = re.compile("[\u00c0-\u00ff]{3,}")
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
FALLBACKS = ("utf-8", "cp1256", "iso8859-6")
# Share of U+FFFD among non-ASCII characters above which the declared charset is not believed.
MAX_REPLACEMENT_SHARE = 0.01
BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def codec_name(label: str | None) -> str | None:
    """Python codec name for a charset label, or None when unknown."""
    if not label:
        return None
    try:
        return codecs.lookup(label.strip().lower()).name
    except LookupError:
        return None


def declared_charset(data: bytes, content_type: str | None) -> str | None:
    """The charset the response claims: BOM, then HTTP header, then <meta> in the first 4 KiB."""
    for bom, name in BOMS:
        if data.startswith(bom):
            return name
    if content_type:
        match = HEADER_CHARSET.search(content_type)
        if match and codec_name(match.group(1)):
            return codec_name(match.group(1))
    match = META_CHARSET.search(data[:4096])
    return codec_name(match.group(1).decode("ascii", "ignore")) if match else None


def arabic_score(text: str) -> int:
    """Arabic letters minus the marks of a wrong guess (replacement chars, Latin-1 accents)."""
    return (
        len(ARABIC_LETTER.findall(text))
        - len(LATIN_ACCENTED.findall(text))
        - 2 * text.count("\ufffd")
    )


def replacement_share(text: str) -> float:
    replaced = text.count("\ufffd")
    if not replaced:
        return 0.0
    non_ascii = len(text) - len(text.encode("ascii", "ignore"))  # counted in C, not per character
    return replaced / non_ascii


def looks_like_mojibake(text: str) -> bool:
    """Arabic bytes decoded with a Latin single-byte charset."""
    runs = len(MOJIBAKE_RUN.findall(text))
    return runs > 2 and runs * 3 > len(ARABIC_LETTER.findall(text))


def strict_utf8(data: bytes) -> str | None:
    """The text when `data` is valid UTF-8, else None (one decode serves as test and result)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def may_hold_mojibake(data: bytes, encoding: str) -> bool:
    """False when the decoded text cannot contain U+00C0-U+00FF: in UTF-8 those are C3 80-BF, so bytes
    without C3 spare the regex scan of `looks_like_mojibake` over the whole page."""
    return encoding != "utf-8" or b"\xc3" in data


@dataclass(frozen=True)
class DecodedPage:
    """A page's text, and its UTF-8 bytes when they are the response's own (None when decoding changed
    anything): the parser then reads those instead of encoding 100 kB of text back."""

    text: str
    utf8: bytes | None = None


def without_boms(data: bytes) -> bytes:
    """`data` without the leading UTF-8 byte order marks `str.lstrip("\ufeff")` takes off its text."""
    while data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    return data


def decode_html(data: bytes, content_type: str | None) -> str:
    """Decode page bytes to str, correcting missing or lying charset declarations."""
    return decode_page(data, content_type).text


def decode_page(data: bytes, content_type: str | None) -> DecodedPage:
    """`decode_html`, keeping the bytes when they are exactly the text's UTF-8."""
    if not data:
        return DecodedPage("")
    declared = declared_charset(data, content_type)
    if declared and declared.startswith("utf-16"):
        return DecodedPage(data.decode(declared, errors="replace").lstrip("\ufeff"))
    if data.isascii():
        return DecodedPage(data.decode("ascii"), data)
    if declared != "utf-8":
        utf8 = strict_utf8(data)
        if utf8 is not None:
            # Valid multi-byte UTF-8 is almost never produced by chance: believe it over any label.
            return DecodedPage(utf8.lstrip("\ufeff"), without_boms(data))
    if declared and declared not in FALLBACKS[1:]:
        text = data.decode(declared, errors="replace")
        mojibake = may_hold_mojibake(data, declared) and looks_like_mojibake(text)
        if replacement_share(text) <= MAX_REPLACEMENT_SHARE and not mojibake:
            # utf-8 that decoded without a replacement character is the bytes' exact text
            exact = declared == "utf-8" and "\ufffd" not in text
            return DecodedPage(text.lstrip("\ufeff"), without_boms(data) if exact else None)
    # Declared first, so that it wins ties (a French page declared latin-1 stays latin-1).
    names = dict.fromkeys([declared, *FALLBACKS] if declared else FALLBACKS)
    candidates = [data.decode(name, errors="replace") for name in names]
    return DecodedPage(max(candidates, key=arabic_score).lstrip("\ufeff"))


BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b", b"RIFF", b"\x00\x00\x01\x00", b"OggS", b"ID3")
NON_HTML_TYPES = re.compile(r"^(image|audio|video|font)/|^application/(pdf|zip|octet-stream|gzip|x-)", re.I)
FEED_TYPES = re.compile(r"^(application/(rss|atom)\+xml|application/xml|text/xml)", re.I)
# Bytes 0-8 and 14-31: control characters that text (even UTF-16's ASCII half) does not contain.
BINARY_CONTROL_BYTES = bytes(b for b in range(32) if b < 9 or 13 < b)
# Control characters (not tab/newline/CR) libxml2 rejects; in UTF-8 they are single bytes.
XML_ILLEGAL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 13))
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")
MARKUP_START = re.compile(r"<(html|body|p|div|head|article|title)\b", re.I)
FEED_START = re.compile(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(rss|feed|urlset|sitemapindex|rdf:RDF)\b", re.S)


def check_bytes(html: bytes, content_type: str | None) -> None:
    if not html or not html.strip():
        raise NotAnArticle("empty response")
    if html.lstrip().startswith(BINARY_MAGIC):
        raise NotAnArticle("binary content (file signature), not HTML")
    head = html[:4096]
    controls = len(head) - len(head.translate(None, BINARY_CONTROL_BYTES))
    if controls > len(head) // 100:
        raise NotAnArticle("binary content (control bytes), not HTML")
    if content_type and NON_HTML_TYPES.search(content_type.strip()) and b"<" not in head:
        raise NotAnArticle(f"content type {content_type.split(';')[0]} is not HTML")
    if FEED_START.match(head) or (content_type and FEED_TYPES.match(content_type.strip()) and b"<html" not in head.lower()):
        raise NotAnArticle("a feed or sitemap (XML), not an article page")


def parse_tree(text: str, utf8: bytes | None = None):
    """Parse once, tolerant of deep nesting and of encoding declarations inside a str; `utf8`, when given,
    is `text` encoded (`DecodedPage.utf8`), read as it is."""
    if "<" not in text[:4096] or not MARKUP_START.search(text, 0, 200000):
        raise NotAnArticle("not HTML: no markup found")
    if utf8 is None or XML_DECLARATION.match(text):
        utf8 = XML_DECLARATION.sub("", text).encode("utf-8", "replace")
    # Dropping control bytes after encoding equals dropping the characters before: faster on bytes.
    data = utf8.translate(None, XML_ILLEGAL_BYTES)
    tree, too_deep = _parse(data)
    if too_deep:
        # libxml2 drops everything below depth 2048 (even with huge_tree): flatten the wrapper runs and parse again.
        tree, _ = _parse(flatten_wrapper_runs(data))
    if tree is None or tree.find("body") is None:
        raise NotAnArticle("unparseable HTML: no body")
    return tree


# Every element proxy lxml.html creates goes through HtmlElementClassLookup, a Python `lookup` call that
# only picks the form-field classes (FormElement, InputElement...) nothing here uses: ~850 calls a page
# in our passes and as many again in trafilatura's on the same tree. The C default lookup gives every
# element the plain HtmlElement (all of lxml.html's methods, and what trafilatura accepts as a tree).
HTML_CLASSES = etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment, pi=lxml.html.HtmlProcessingInstruction,
    entity=lxml.html.HtmlEntity,
)


def _parse(data: bytes):
    """(tree, whether libxml2 hit its nesting limit and dropped the content below it)."""
    parser = lxml.html.HTMLParser(encoding="utf-8", huge_tree=True, remove_comments=True, remove_pis=True)
    parser.set_element_class_lookup(HTML_CLASSES)
    try:
        tree = lxml.html.document_fromstring(data, parser=parser)
    except (etree.ParserError, ValueError, etree.XMLSyntaxError) as exc:
        raise NotAnArticle(f"unparseable HTML: {exc}") from exc
    return tree, any("Excessive depth" in error.message for error in parser.error_log)


# Runs of opening (or closing) tags with nothing but whitespace between them: wrappers that carry no text.
WRAPPER_OPEN_RUN = re.compile(rb"(?:<[a-zA-Z][\w-]*(?:\s[^<>]*)?>\s*){%d,}" % 32)
WRAPPER_CLOSE_RUN = re.compile(rb"(?:</[a-zA-Z][\w-]*\s*>\s*){%d,}" % 32)
LAST_OPEN_TAG = re.compile(rb"<[a-zA-Z][\w-]*(?:\s[^<>]*)?>\s*$")
FIRST_CLOSE_TAG = re.compile(rb"^</[a-zA-Z][\w-]*\s*>")


def flatten_wrapper_runs(data: bytes) -> bytes:
    """Keep only the innermost tag of each long run of nested wrappers (and the first of each run of
    closing tags, its partner): the text keeps its nearest container, the page loses its empty depth."""
    data = WRAPPER_OPEN_RUN.sub(lambda m: LAST_OPEN_TAG.search(m.group(0)).group(0), data)
    return WRAPPER_CLOSE_RUN.sub(lambda m: FIRST_CLOSE_TAG.match(m.group(0)).group(0), data)

