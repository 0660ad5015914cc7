"""The crawl runtime. Scrapy finds a project's settings through `scrapy.cfg` in the working
directory, or `SCRAPY_SETTINGS_MODULE`: installed (`pip install .`) and run from any other
directory there is no scrapy.cfg, so the settings module is named here (an explicit
SCRAPY_SETTINGS_MODULE still wins)."""
import os

os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
