"""Deterministic generation of the sample site's Arabic articles from the pools in `content.toml`.

Only plain data is built here (titles, paragraphs, dates...); HTML is rendered
on request by `pages.py`, so a 3000-article site is cheap to create.
"""
from __future__ import annotations

import random
import re
import tomllib
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import cache
from pathlib import Path
from typing import Any

CONTENT_FILE = Path(__file__).with_name("content.toml")
SITE_TZ = timezone(timedelta(hours=3))  # Doha / Mecca time, like Al Jazeera
NEWEST_DATE = datetime(2017, 10, 3, 14, 20, tzinfo=SITE_TZ)
LEGACY_SECTION = "legacy"
# {name}, {name2} (a second, different draw) and {city2_en} (the English name of that draw).
# {name}, {name2} (another, different draw) and {city2_en} (the English name of that draw).
SLOT = re.compile(r"\{([a-z_]+?)(\d?)(_en)?\}")


@dataclass
class SampleArticle:
    """One generated article: the facts a correct extractor should recover from its page."""

    id: int
    section: str  # URL section name, e.g. "politics" ("legacy" for the windows-1256 archive)
    section_label: str  # Arabic section name shown on the page, e.g. "سياسة"
    path: str  # e.g. /politics/2017/10/3/advance-idlib-12
    slug_base: str  # slug without the id suffix
    title: str
    lead: str
    paragraphs: list[str]
    caption_text: str  # Arabic caption without its credit
    caption_credit: str  # agency as a reader would name it: غيتي, رويترز, أ ف ب...
    caption_mark: str  # how the credit is printed after the caption: "(غيتي)" or "- أ ف ب"
    caption_alt: str  # English agency caption in the image alt text
    image_url: str  # path on the server (rendered absolute against the server's base URL)
    source_line: str  # e.g. "المصدر : الجزيرة + وكالات"
    source_inside_body: bool  # False: the source line sits outside the body container
    authors: list[str]
    byline: str | None  # e.g. "بقلم: محمد العلي وسارة الحسيني"; None for agency copy
    published: datetime
    updated: datetime
    tags: list[str]
    tag_slugs: list[str]
    date_style: int
    dateline: str | None = None  # opening such as "القاهرة - رويترز: " (already part of paragraphs[0])
    encoding: str = "utf-8"  # "windows-1256" for the legacy section
    charset_declared: bool = True  # False: served with no charset in header or meta
    version: int = 1  # bumped by SampleSite.update_article
    slots: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def author(self) -> str | None:
        """Author names as printed in the byline, without the prefix."""
        if not self.authors:
            return None
        return " و".join(self.authors)

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)


@cache
def load_content() -> dict[str, Any]:
    with open(CONTENT_FILE, "rb") as fh:
        return tomllib.load(fh)


def site_title(name: str) -> str:
    content = load_content()
    return content["site_titles"].get(name) or content["default_site_title"].format(name=name)


def section_names() -> list[str]:
    """Regular (utf-8, current) sections, in menu order."""
    return list(load_content()["sections"])


def section_label(section: str) -> str:
    content = load_content()
    if section == LEGACY_SECTION:
        return content["legacy"]["label"]
    return content["sections"][section]["label"]


def english_name(ascii_slug: str) -> str:
    return ascii_slug.replace("-", " ").title()


class SlotFiller:
    """Fills `{slot}` templates: unnumbered slots are the article's main values, numbered ones fresh draws."""

    def __init__(self, rng: random.Random, section: dict[str, Any], main: dict[str, str]) -> None:
        self.rng = rng
        self.section = section
        self.main = main
        self.content = load_content()

    def fill(self, template: str) -> str:
        local: dict[str, str] = {}
        return SLOT.sub(lambda m: self._value(m.group(1), m.group(2), bool(m.group(3)), local), template)

    def _value(self, name: str, index: str, english: bool, local: dict[str, str]) -> str:
        if not index and name in self.main:
            return self.main[f"{name}_en" if english else name]
        key = name + index
        if key not in local:
            local[key], local[key + "_en"] = self._draw(name)
        return local[key + "_en" if english else key]

    def _draw(self, name: str) -> tuple[str, str]:
        content = self.content
        if name == "city":
            city = self._other(content["cities"], self.main.get("city"), key=lambda c: c[0])
            return city[0], english_name(city[1])
        if name == "country":
            return self._other(content["countries"], self.main.get("country"), key=lambda c: c[0])[0], ""
        pools = {
            "actor": "actors", "team": "teams", "company": "companies", "artist": "artists",
            "player": "players", "currency": "currencies",
        }
        if name in pools:
            pool = self.section.get(pools[name]) or load_content()["sections"]["politics"]["actors"]
            return self._other(pool, self.main.get(name), key=lambda v: v), ""
        return self._number(name), ""

    def _other(self, pool: list, avoid: str | None, key) -> Any:
        choices = [item for item in pool if key(item) != avoid] or pool
        return self.rng.choice(choices)

    def _number(self, name: str) -> str:
        rng = self.rng
        numbers = {
            "few": lambda: str(rng.randint(3, 9)),  # Arabic counts 3-10 take a plural noun
            "n": lambda: str(rng.randint(11, 60)),  # 11-99 take a singular one
            "pct": lambda: f"{rng.uniform(1.2, 14.8):.1f}",
            "amount": lambda: str(rng.randint(120, 950)),
            "minute": lambda: str(rng.randint(3, 88)),
            "score": lambda: "{}-{}".format(*sorted(rng.sample(range(5), 2), reverse=True)),
            "year": lambda: self.main["year"],
            "past_year": lambda: str(int(self.main["year"]) - rng.randint(2, 9)),
            "agency": lambda: rng.choice(self.content["agencies"]),
            "weekday": lambda: rng.choice(self.content["weekdays"]),
        }
        if name not in numbers:
            raise KeyError(f"content.toml uses an unknown slot {{{name}}}")
        return numbers[name]()


def main_slots(rng: random.Random, section: dict[str, Any], published: datetime) -> dict[str, str]:
    content = load_content()
    city_ar, city_ascii, country_index = rng.choice(content["cities"])
    country = content["countries"][country_index]
    slots = {
        "city": city_ar, "city_en": english_name(city_ascii), "city_ascii": city_ascii,
        "country": country[0], "country_ascii": country[1], "year": str(published.year),
    }
    for slot, pool in (("actor", "actors"), ("team", "teams"), ("company", "companies"),
                       ("artist", "artists"), ("player", "players"), ("currency", "currencies")):
        if pool in section:
            slots[slot] = rng.choice(section[pool])
    return slots


def make_paragraphs(rng: random.Random, filler: SlotFiller, section: dict[str, Any]) -> list[str]:
    """5-9 paragraphs of one or two sentences, no template used twice in one article."""
    generic = load_content()["generic"]["sentences"]
    count = rng.randint(5, 9)
    sentences = [filler.fill(t) for t in rng.sample(section["sentences"], min(len(section["sentences"]), count + 3))]
    extra = [filler.fill(t) for t in rng.sample(generic, count)]
    pool = sentences[1:] + extra
    rng.shuffle(pool)
    # Open with a section sentence, without the joining "و" that later paragraphs start with.
    opening = sentences[0][1:] if sentences[0].startswith("و") and not sentences[0].startswith("وزار") else sentences[0]
    paragraphs = [opening]
    while len(paragraphs) < count and pool:
        take = 2 if rng.random() < 0.45 and len(pool) > 1 else 1
        paragraphs.append(" ".join(pool.pop() for _ in range(take)))
    return paragraphs


def make_caption(rng: random.Random, filler: SlotFiller, section: dict[str, Any], published: datetime) -> dict[str, str]:
    content = load_content()
    arabic, english = rng.choice(section["captions"])
    shared_city2 = filler.fill("{city2}|{city2_en}").split("|")
    arabic = arabic.replace("{city2}", shared_city2[0])
    english = english.replace("{city2_en}", shared_city2[1])
    credit = rng.choice(content["credits"])
    photographer = rng.choice(content["pools"]["photographers"])
    english_text = filler.fill(english)
    alt = credit["alt"].format(
        text=english_text,
        date_en=f"{published:%B} {published.day}, {published.year}",
        photographer=photographer,
        photographer_title=photographer.title(),
    )
    return {"text": filler.fill(arabic), "credit": credit["name"], "mark": credit["mark"], "alt": alt}


def make_byline(rng: random.Random) -> tuple[list[str], str | None]:
    content = load_content()
    roll = rng.random()
    if roll < 0.2:
        return [], None  # agency copy: no byline
    authors = rng.sample(content["authors"], 2 if roll > 0.8 else 1)
    return authors, rng.choice(content["byline_prefixes"]) + " و".join(authors)


def make_article(rng: random.Random, article_id: int, section_name: str, published: datetime,
                 text_section: str | None = None) -> SampleArticle:
    """One article; `text_section` picks the text pools when they differ from the URL section (legacy)."""
    content = load_content()
    section = content["sections"][text_section or section_name]
    slots = main_slots(rng, section, published)
    filler = SlotFiller(rng, section, slots)
    title_template, slug_word = rng.choice(section["titles"])
    title = filler.fill(title_template)
    lead = filler.fill(rng.choice(section["leads"]))
    paragraphs = make_paragraphs(rng, filler, section)
    dateline = None
    if rng.random() < 0.3:
        dateline = rng.choice(content["datelines"]).format(city=slots["city"])
        paragraphs[0] = dateline + paragraphs[0]
    caption = make_caption(rng, filler, section, published)
    authors, byline = make_byline(rng)
    tag_pairs = rng.sample(section["tags"], rng.randint(1, 3)) + [[slots["country"], slots["country_ascii"]]]
    slug_base = f"{slug_word}-{slots['city_ascii']}"
    updated = published + timedelta(minutes=rng.randint(20, 400)) if rng.random() < 0.35 else published
    return SampleArticle(
        id=article_id,
        section=section_name,
        section_label=section_label(section_name),
        path=article_path(section_name, published, f"{slug_base}-{article_id}"),
        slug_base=slug_base,
        title=title,
        lead=lead,
        paragraphs=paragraphs,
        caption_text=caption["text"],
        caption_credit=caption["credit"],
        caption_mark=caption["mark"],
        caption_alt=caption["alt"],
        image_url=f"/images/{published.year}/{published.month}/{article_id}.jpg",
        source_line=rng.choice(content["source_lines"]),
        source_inside_body=rng.random() < 0.5,
        authors=authors,
        byline=byline,
        published=published,
        updated=updated,
        tags=[name for name, _ in tag_pairs],
        tag_slugs=[slug for _, slug in tag_pairs],
        date_style=rng.randrange(4),
        dateline=dateline,
        slots=slots,
    )


def article_path(prefix: str, published: datetime, slug: str) -> str:
    """Al Jazeera style: /{section}/{yyyy}/{m}/{d}/{slug}, month and day without leading zeros."""
    return f"/{prefix}/{published.year}/{published.month}/{published.day}/{slug}"


def generate_articles(rng: random.Random, n_regular: int, n_legacy: int) -> list[SampleArticle]:
    """Regular articles newest first (a few hours apart), then the legacy archive from 2009-2011."""
    names = section_names()
    sections = [names[i % len(names)] for i in range(n_regular)]
    rng.shuffle(sections)
    articles = []
    published = NEWEST_DATE
    for index, section in enumerate(sections):
        articles.append(make_article(rng, index + 1, section, published))
        published -= timedelta(minutes=rng.randint(180, 1500))
    years = load_content()["legacy"]["years"]
    for index in range(n_legacy):
        date = datetime(years[index % len(years)], rng.randint(1, 12), rng.randint(1, 28),
                        rng.randint(8, 20), rng.choice((0, 15, 30, 45)), tzinfo=SITE_TZ)
        articles.append(make_article(rng, n_regular + index + 1, LEGACY_SECTION, date, text_section=rng.choice(names)))
    return articles
