"""Compose the gold pages named `FAMILY--g-SLUG` from article specs (run by hand; tests never import it).

    python tests/gold/compose.py        # rewrites tests/gold/pages/FAMILY--g-*.html and tests/gold/FAMILY--g-*.json

Each markup family has one renderer that lays an article out the way that CMS renders an article page
(head metas and JSON-LD as that CMS emits them, header and nav, breadcrumbs, the article with its
images, captions, bylines, dates and source lines, share bars, related-story cards, most-read, ads,
comments, footer with tagline). The gold beside each page is written from the article as a reader sees
it: the visible title, the body's first, middle and last sentences, the boilerplate the page shows
(related titles, most-read, tagline, comments, caption text that must stay out of the body), the date,
every caption of the article's own images with its printed credit, the sources and the people who
signed it. Nothing here reads our extractor: the gold is what the page says, not what we return.
The article texts are written for these pages; names of people are invented.
"""
from __future__ import annotations

import html
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PAGES = HERE / "pages"
sys.path.insert(0, str(HERE))

from compose_articles import ARTICLES  # noqa: E402


def e(text: str) -> str:
    return html.escape(text, quote=True)


def ld(obj) -> str:
    return '<script type="application/ld+json">' + json.dumps(obj, ensure_ascii=False) + "</script>"


def shown(img: dict) -> str:
    """The caption line as printed under the image: text and credit in the page's own form."""
    text, form = img.get("text"), img.get("form", "paren")
    credit = img.get("credit_shown") or img.get("credit")
    if not credit or form == "apart":
        return text or ""
    if not text:
        return credit if form != "photo" else f"تصوير: {credit}"
    return {
        "paren": f"{text} ({credit})",
        "dash": f"{text} - {credit}",
        "slash": f"{text} / {credit}",
        "photo": f"{text}. تصوير: {credit}",
        "colon": f"{text} | {credit}",
    }[form]


def paragraphs(a: dict, p: str = "<p>{}</p>", h: str = "<h2>{}</h2>", inline=None) -> str:
    """The body paragraphs; `## ` marks a subheading; `inline(img)` renders images placed after a paragraph."""
    out = []
    for i, para in enumerate(a["paras"]):
        text = para
        if i == 0 and a.get("dateline"):
            text = f"{a['dateline']} {text}"
        out.append(h.format(e(text[3:])) if text.startswith("## ") else p.format(e(text)))
        for img in a.get("images", []):
            if img.get("where") == i and inline:
                out.append(inline(img))
        if a.get("read_also") and i == a["read_also"]["after"]:
            out.append(a["read_also"]["html"](a))
    return "\n".join(out)


def lead_images(a):
    return [i for i in a.get("images", []) if i.get("where") == "lead"]


def head_common(a: dict, site: str, extra: str = "", title_sep: str = " - ") -> str:
    imgs = all_images(a)
    og_image = imgs[0]["src"] if imgs else a.get("og_image", "")
    alt = f'<meta property="og:image:alt" content="{e(a["og_image_alt"])}">' if a.get("og_image_alt") else ""
    return f"""<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(a['title'])}{title_sep}{e(site)}</title>
<meta name="description" content="{e(a.get('lead') or a['paras'][0][:150])}">
<link rel="canonical" href="{e(a['url'])}">
<meta property="og:locale" content="ar_AR">
<meta property="og:type" content="article">
<meta property="og:title" content="{e(a['title'])}">
<meta property="og:description" content="{e(a.get('lead') or a['paras'][0][:150])}">
<meta property="og:url" content="{e(a['url'])}">
<meta property="og:site_name" content="{e(site)}">
<meta property="og:image" content="{e(og_image)}">
{alt}
<meta name="twitter:card" content="summary_large_image">
{extra}"""


def all_images(a: dict) -> list[dict]:
    """The article's own images, galleries and carousels opened up."""
    out = []
    for i in a.get("images", []):
        out += i.get("gallery") or i.get("carousel") or [i]
    return out


# One menu entry of each family's navigation bar, as the renderer prints it: nav must stay out of the body.
NAV = {
    "wordpress": "اتصل بنا", "wp-jannah": "محليات", "wp-newspaper": "آراء", "drupal": "أخبار دولية", "eg-youm7": "سياسة",
    "eg-masrawy": "فيديو", "eg-akhbarelyom": "أخبار مصر", "gulf-albayan": "عربي ودولي", "sa-okaz": "ثقافة وفن",
    "levant-annahar": "العالم العربي", "maghreb-hespress": "جهات", "intl-bbc": "علوم وتكنولوجيا", "intl-skynews": "البث المباشر",
    "aljazeera": "سياسة", "amp": "فيديو", "intl-cnn": "علوم وتكنولوجيا", "ir-khabaronline": "ورزشی", "ir-yjc": "ورزشی",
    "ir-aryanews": "صفحه اصلی",
}


def gold_for(a: dict) -> dict:
    body = [p for p in a["paras"][a.get("paras_include_from", 0):] if not p.startswith("## ")]

    def words(text: str, n: int, tail: bool = False) -> str:
        ws = text.split()
        return " ".join(ws[-n:] if tail else ws[:n]).rstrip("،.:")

    middle = body[len(body) // 2]
    include = [words(body[0], 9), words(middle, 9), words(body[-1], 8, tail=True)]
    exclude = list(a.get("related", [])[:2]) + list(a.get("most_read", [])[:1]) + [a["tagline"]]
    exclude += [c[1] for c in a.get("comments", [])[:1]]
    in_text = " ".join(a["paras"])  # a caption that repeats a phrase of the article (a name) is no boilerplate to exclude
    exclude += [i["text"] for i in all_images(a) if i.get("text") and not i.get("alt_only") and i["text"] not in in_text][:2]
    exclude += a.get("exclude", []) + [NAV[a["family"]]]
    # A caption is text a reader sees by the image: an image whose words are only in its alt/title
    # attributes (`alt_only`) has none; the gold names it under `not_captions` with the reason.
    captions = [
        {"text": i.get("text"), "credit": i.get("credit")} for i in all_images(a)
        if (i.get("text") or i.get("credit")) and not i.get("alt_only")
    ]
    not_captions = [{"text": i["text"], "why": "only in the img's alt and title attributes: not shown to a reader"}
                    for i in all_images(a) if i.get("alt_only") and i.get("text")]
    gold = {
        "file": f"gold/pages/{a['family']}--g-{a['slug']}.html",
        "url": a["url"],
        "family": a["family"],
        "real": False,
        "language": a.get("language", "ar"),
        "title": a["title"],
        "must_include": include,
        "must_exclude": exclude,
        "published": a["date"][:10],
        "captions": captions,
        "sources": a.get("sources", []),
        "authors": a.get("authors", []),
    }
    if not_captions:
        gold["not_captions"] = not_captions
    if a.get("content_type"):
        gold["content_type"] = a["content_type"]
    if a.get("notes"):
        gold["notes"] = a["notes"]
    return gold


def check(a: dict, page: str, gold: dict) -> None:
    """Every gold string is on the page (visible text or metadata), so the gold can fail honestly."""
    flat = html.unescape(re.sub(r"<[^>]+>", " ", page))
    flat = re.sub(r"\s+", " ", flat)
    for s in gold["must_include"] + gold["must_exclude"] + [gold["title"]] + gold["authors"]:
        if re.sub(r"\s+", " ", s) not in flat:
            raise SystemExit(f"{a['slug']}: {s!r} is not on the page")
    article_text = " ".join([a.get("lead") or "", a.get("dateline") or ""] + a["paras"])
    for s in gold["must_exclude"]:
        if s in article_text:
            raise SystemExit(f"{a['slug']}: must-exclude {s!r} is part of the article itself")
    for c in gold["captions"]:
        if c["text"] and c["text"] not in html.unescape(page):
            raise SystemExit(f"{a['slug']}: caption {c['text']!r} is not on the page")


def main() -> None:
    from compose_families import RENDERERS

    for old in PAGES.glob("*--g-*.html"):
        old.unlink()
    for old in HERE.glob("*--g-*.json"):
        old.unlink()
    for a in ARTICLES:
        page = RENDERERS[a["family"]](a)
        gold = gold_for(a)
        check(a, page, gold)
        name = f"{a['family']}--g-{a['slug']}"
        data = page.encode(a.get("encoding", "utf-8"))
        (PAGES / f"{name}.html").write_bytes(data)
        (HERE / f"{name}.json").write_text(json.dumps(gold, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(ARTICLES)} pages composed")


if __name__ == "__main__":
    main()
