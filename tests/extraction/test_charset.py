"""Charset traps of Arabic sites: undeclared cp1256 / ISO-8859-6, lying declarations."""
from crawler.extraction.decoding import declared_charset, decode_html

ARABIC_PAGE = (
    "<html><head>{meta}<title>خبر عاجل</title></head><body><p>أعلن النظام السوري أن قواته كثفت عملياتها "
    "ضد تنظيم الدولة الإسلامية بمدينة الميادين بريف دير الزور، وسط عشرات الغارات الجوية</p></body></html>"
)


def page(meta: str = "") -> str:
    return ARABIC_PAGE.format(meta=meta)


def test_cp1256_without_declaration():
    assert decode_html(page().encode("cp1256"), None) == page()


def test_iso_8859_6_without_declaration():
    assert decode_html(page().encode("iso8859-6"), "text/html") == page()


def test_utf8_declared_in_header_and_meta_but_cp1256_served():
    html = page('<meta charset="utf-8">')
    assert decode_html(html.encode("cp1256"), "text/html; charset=UTF-8") == html


def test_latin1_declared_but_cp1256_served():
    assert decode_html(page().encode("cp1256"), "text/html; charset=iso-8859-1") == page()


def test_cp1256_declared_but_utf8_served():
    assert decode_html(page().encode("utf-8"), "text/html; charset=windows-1256") == page()


def test_iso_declared_but_cp1256_served():
    assert decode_html(page().encode("cp1256"), "text/html; charset=iso-8859-6") == page()


def test_french_latin1_page_stays_latin1():
    html = "<p>Le café du marché a rouvert à Tunis après les travaux.</p>"
    assert decode_html(html.encode("latin-1"), "text/html; charset=ISO-8859-1") == html


def test_declared_charset_sources():
    assert declared_charset(b"\xef\xbb\xbf<html>", None) == "utf-8"
    assert declared_charset(b"<meta charset='windows-1256'>", None) == "cp1256"
    assert declared_charset(b"<html>", "text/html; charset=iso-8859-6") == "iso8859-6"
    assert declared_charset(b"<meta charset='no-such-charset'>", None) is None


def test_empty_and_ascii():
    assert decode_html(b"", None) == ""
    assert decode_html(b"<p>hello</p>", None) == "<p>hello</p>"
