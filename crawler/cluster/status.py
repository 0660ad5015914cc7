"""`cluster_status`: what the cluster is doing, read from Redis only (twin of `cluster status`)."""
from __future__ import annotations

import json
import time
from collections import Counter
from typing import Any

from crawler.cluster import wire
from crawler.cluster.keys import DEFAULT_PREFIX, Keys
from crawler.cluster.redis_server import connect
from crawler.cluster.state import current_run

FRONTIER_SAMPLE = 10_000  # requests decoded to count the frontier per site


def frontier_sites(client, keys: Keys) -> tuple[dict[str, int], bool]:
    """Requests waiting per site (from the first FRONTIER_SAMPLE entries; True when that is all)."""
    per_site: Counter = Counter()
    entries = client.zrange(keys.frontier, 0, FRONTIER_SAMPLE - 1)
    for data in entries:
        try:
            site = (wire.request_loads(data).get("cb_kwargs") or {}).get("site")
        except wire.WireError:
            site = None  # not a request: the node that pops it sets it aside
        per_site[getattr(site, "name", "?")] += 1
    return dict(per_site), len(entries) < FRONTIER_SAMPLE


def cluster_status(redis_url: str, prefix: str = DEFAULT_PREFIX) -> dict[str, Any]:
    client, keys = connect(redis_url), Keys(prefix)
    run = current_run(client, keys)
    per_site, complete = frontier_sites(client, keys)
    nodes = {}
    for raw in sorted(client.smembers(keys.nodes)):
        node = raw.decode()
        nodes[node] = {"alive": bool(client.exists(keys.alive(node))), "in_flight": client.hlen(keys.inflight(node))}
    stream = {"length": client.xlen(keys.stream), "pending": 0, "lag": 0}
    for group in client.xinfo_groups(keys.stream) if client.exists(keys.stream) else []:
        if group["name"] in (keys.group, keys.group.encode()):
            stream["pending"], stream["lag"] = group["pending"], group.get("lag") or 0
    writer = client.get(keys.writer)
    last = None
    if run is None:
        raw = client.get(keys.last_result)
        last = json.loads(raw) if raw else None
    return {
        "run": None if run is None else {
            "id": run.id, "status": run.status, "sites": [s.name for s in run.sites],
            "seconds": round(time.time() - run.started, 1), "idle_seconds": round(run.idle_seconds(time.time()), 1)},
        "last_run": last,
        "frontier": {"total": client.zcard(keys.frontier), "per_site": per_site, "per_site_complete": complete},
        "nodes": nodes,
        "nodes_alive": sum(n["alive"] for n in nodes.values()),
        "stream": stream,
        "writer": writer.decode() if writer else None,
    }


def format_status(status: dict[str, Any]) -> str:
    run = status["run"]
    lines = [f"run: {run['id']} {run['status']} [{','.join(run['sites'])}] {run['seconds']} s" if run
             else "run: none open" + (f" (last: run {status['last_run']['run_id']} {status['last_run']['status']})"
                                      if status["last_run"] else "")]
    frontier = status["frontier"]
    sites = ", ".join(f"{site} {n}" for site, n in sorted(frontier["per_site"].items())) or "-"
    lines.append(f"frontier: {frontier['total']} requests ({sites}{'' if frontier['per_site_complete'] else ', sampled'})")
    lines.append(f"nodes: {status['nodes_alive']} alive")
    for node, info in status["nodes"].items():
        lines.append(f"  {node}: {'alive' if info['alive'] else 'DEAD'}, {info['in_flight']} in flight")
    stream = status["stream"]
    lines.append(f"stream: {stream['length']} entries, {stream['pending']} being written, lag {stream['lag']}")
    lines.append(f"writer: {status['writer'] or 'none'}")
    return "\n".join(lines)
