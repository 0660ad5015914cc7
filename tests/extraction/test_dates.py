"""Arabic date forms: month-name families, digits, Hijri, relative, URLs and htmldate's made-up 1 January."""
from datetime import datetime, timezone

import lxml.html
import pytest

from crawler.extraction.dates import (
    date_from_url,
    parse_structured_date,
    parse_text_date,
    trusted_htmldate,
)

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("15 مارس 2024", "2024-03-15T00:00:00"),
        ("١٥ مارس ٢٠٢٤", "2024-03-15T00:00:00"),  # Eastern Arabic digits
        ("الثلاثاء 3/10/2017 م", "2017-10-03T00:00:00"),  # day/month/year with trailing م (ميلادي)
        ("3 تشرين الأول 2017", "2017-10-03T00:00:00"),  # Levantine
        ("1 كانون الثاني 2020", "2020-01-01T00:00:00"),  # a real 1 January
        ("12 أيار 2019", "2019-05-12T00:00:00"),
        ("12 جانفي 2019", "2019-01-12T00:00:00"),  # Algerian/Tunisian
        ("5 غشت 2018", "2018-08-05T00:00:00"),  # Moroccan
        ("3 شتنبر 2017", "2017-09-03T00:00:00"),
        ("20 دجنبر 2016", "2016-12-20T00:00:00"),
        ("ديسمبر 24, 2020", "2020-12-24T00:00:00"),  # month day, year (WordPress)
        ("5 رمضان 1445 هـ", "2024-03-15T00:00:00"),  # Hijri
        ("15 ذو الحجة 1444هـ", "2023-07-03T00:00:00"),
        ("21 نيسان / أبريل 2020", "2020-04-21T00:00:00"),  # Levantine double month name
        ("21 نيسان (أبريل) 2020", "2020-04-21T00:00:00"),
        ("الأحد 17 رمضان 1441 هـ الموافق 10 مايو 2020", "2020-05-10T00:00:00"),  # Gregorian beside Hijri wins
        ("دوشنبه ۲ تير ۱۳۹۹", "2020-06-22T00:00:00"),  # Solar Hijri month name, Persian digits
        ("۲۹ بهمن ۱۳۹۸", "2020-02-18T00:00:00"),
    ],
)
def test_text_dates(text, expected):
    found = parse_text_date(text, now=NOW)
    assert found is not None and found.iso() == expected and found.precision == "day"


@pytest.mark.parametrize(
    "text, expected, precision",
    [
        ("الأربعاء، 07 أكتوبر 2020 - 12:09 م", "2020-10-07T12:09:00", "minute"),  # م after a time is PM
        ("2020/12/25 - 1:59 صباحًا", "2020-12-25T01:59:00", "minute"),
        ("الأربعاء، 28 آب/اغسطس 2013، آخر تحديث 14:00 (GMT+0400)", "2013-08-28T14:00:00+04:00", "minute"),
        ("الأربعاء 19 فيفري 2020 - 08:30 مساءً", "2020-02-19T20:30:00", "minute"),  # Maghrebi month, evening
        ("الثلاثاء ٢١ نيسان / أبريل ٢٠٢٠ | ١٨:٤٥", "2020-04-21T18:45:00", "minute"),  # Eastern digits
        ("۱۳۹۹/۰۲/۲۱ - ۱۸:۵۹", "2020-05-10T18:59:00", "minute"),  # Solar Hijri in Persian digits, not year 1399
        ("2 تير 1399 - 12:09:08 ب.ظ", "2020-06-22T12:09:08", "second"),  # ب.ظ: afternoon
        ("2 تير 1399 - 10:09 ق.ظ", "2020-06-22T10:09:00", "minute"),
    ],
)
def test_text_dates_with_a_time_are_finer_than_a_day(text, expected, precision):
    found = parse_text_date(text, now=NOW)
    assert found is not None and found.iso() == expected and found.precision == precision


def test_solar_hijri_year_is_never_read_as_a_gregorian_year():
    assert parse_structured_date("۱۳۹۹/۰۲/۲۱ - ۱۸:۵۹", now=NOW).iso()[:10] == "2020-05-10"
    assert parse_text_date("1399/13/01", now=NOW) is None  # no 13th month: nothing, not year 1399


@pytest.mark.parametrize(
    "text, expected",
    [
        ("منذ ساعتين", "2024-06-01T10:00:00+00:00"),
        ("منذ 3 ساعات", "2024-06-01T09:00:00+00:00"),
        ("قبل 5 دقائق", "2024-06-01T11:55:00+00:00"),
        ("منذ يومين", "2024-05-30T12:00:00+00:00"),
        ("أمس", "2024-05-31T12:00:00+00:00"),
    ],
)
def test_relative_dates_use_fetch_time(text, expected):
    assert parse_text_date(text, now=NOW).iso() == expected


@pytest.mark.parametrize("text, precision", [("قبل 5 دقائق", "minute"), ("منذ 3 ساعات", "hour"), ("منذ يومين", "day"), ("أمس", "day")])
def test_relative_dates_say_how_precise_they_are(text, precision):
    assert parse_text_date(text, now=NOW).precision == precision


def test_relative_date_without_fetch_time_is_left_empty():
    assert parse_text_date("منذ ساعتين", now=None) is None


def test_month_only_text_is_month_precision_not_a_made_up_day():
    found = parse_text_date("مارس 2024", now=NOW)
    assert found.precision == "month" and found.iso().startswith("2024-03")


def test_historical_and_future_dates_are_rejected():
    assert parse_text_date("توفيت في 23 أبريل 1966", now=NOW) is None
    assert parse_text_date("15 مارس 2031", now=NOW) is None
    assert parse_text_date("لا تاريخ هنا", now=NOW) is None


def test_structured_dates_iso_fast_path_and_arabic_meta():
    assert parse_structured_date("2020-12-25T01:59:50+02:00").iso() == "2020-12-25T01:59:50+02:00"
    assert parse_structured_date("2024-03-15T10:00:00Z").iso() == "2024-03-15T10:00:00+00:00"
    assert parse_structured_date("2024-03-15").iso() == "2024-03-15T00:00:00"  # no offset given: none invented
    assert parse_structured_date("2024-03-15").precision == "day"
    assert parse_structured_date("2024-03-15T10:00:00Z").precision == "minute"  # `:00` seconds are padding
    assert parse_structured_date("2020-12-25T01:59:50+02:00").precision == "second"
    assert parse_structured_date("2024-03-15T10:00+03:00").precision == "minute"
    assert parse_structured_date("2024-03-15T00:00:00+03:00").precision == "day"  # a padded midnight is no time
    assert parse_structured_date("الأربعاء، 07 أكتوبر 2020 - 12:09 م").iso() == "2020-10-07T12:09:00"
    assert parse_structured_date("") is None and parse_structured_date("garbage") is None


def test_url_dates():
    assert date_from_url("http://arabic.cnn.com/2013/middle_east/8/3/syria.clashes/index.html").iso()[:10] == "2013-08-03"
    assert date_from_url("https://www.aljazeera.net/news/2017/10/3/slug").iso()[:10] == "2017-10-03"
    month = date_from_url("https://example.com/2024/03/slug")
    assert month.precision == "month"
    assert date_from_url("https://example.com/news/3126898/1/slug") is None


def test_htmldate_made_up_first_of_january_is_rejected():
    html = "<html><body><h1>عنوان</h1><p class='date'>15 مارس 2024</p><p>نص الخبر</p></body></html>"
    found = trusted_htmldate(lxml.html.fromstring(html), html, now=NOW)
    assert found is None or found.iso()[5:10] != "01-01"


def test_htmldate_real_date_is_kept():
    html = "<html><head><meta name='date' content='2024-03-15'></head><body><p>نص</p></body></html>"
    assert trusted_htmldate(lxml.html.fromstring(html), html, now=NOW).iso()[:10] == "2024-03-15"
