"""A Scrapy stats collector that writes the run's stats as JSON, with the crawl process's CPU added.

Used by benchmarks/crawl_cpu.py as `-s STATS_CLASS=benchmarks.cpu_stats.JsonCpuStats -s CPU_STATS_PATH=FILE`;
it imports nothing from `benchmarks/common.py`, so the crawl child can load it by that dotted name.
At `close_spider` the extraction pool has been shut down and its workers reaped (the pipelines close
first), so RUSAGE_CHILDREN is every worker's whole CPU.
"""
from __future__ import annotations

import json
import resource

from scrapy.statscollectors import MemoryStatsCollector


def cpu_ms(who: int) -> float:
    usage = resource.getrusage(who)
    return round((usage.ru_utime + usage.ru_stime) * 1e3, 1)


class JsonCpuStats(MemoryStatsCollector):
    def _persist_stats(self, stats, *args) -> None:  # Scrapy 2.19 passes only the stats
        super()._persist_stats(stats, *args)
        path = self._crawler.settings.get("CPU_STATS_PATH")
        if not path:
            return
        stats = {**stats, "cpu_ms/crawl_process": cpu_ms(resource.RUSAGE_SELF),
                 "cpu_ms/workers": cpu_ms(resource.RUSAGE_CHILDREN)}
        with open(path, "w", encoding="utf-8") as out:
            json.dump({k: v for k, v in stats.items() if isinstance(v, (int, float, str))}, out, indent=1)
