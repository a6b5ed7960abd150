#!/usr/bin/env python3
"""Example client of Tandem's routing (ops/ROUTING.md): where to read and write one tenant now.

usage: routing-client.py http://127.0.0.1:9187 TENANT   -> prints "TENANT reads STORE writes STORE version N"
"""
import json, sys, time, urllib.parse, urllib.request

CACHE = {}        # tenant -> (route, fetched_at); a route is good for TTL seconds
TTL = 5.0

def route(base, tenant, wait_for_moving=10.0):
    cached = CACHE.get(tenant)
    if cached and time.monotonic() - cached[1] < TTL and cached[0]["writes"] != "moving":
        return cached[0]
    deadline = time.monotonic() + wait_for_moving
    delay = 0.05
    while True:
        url = base.rstrip("/") + "/v1/routes/" + urllib.parse.quote(tenant, safe="")
        with urllib.request.urlopen(url, timeout=2) as answer:
            r = json.load(answer)
        if r["writes"] != "moving":             # settled: cache it
            CACHE[tenant] = (r, time.monotonic())
            return r
        if time.monotonic() > deadline:          # still moving: hold the write, tell the caller to retry later
            raise TimeoutError(f"tenant {tenant} is still moving between stores")
        time.sleep(delay)                        # a cut-over takes milliseconds: poll briefly, with back-off
        delay = min(delay * 2, 1.0)

if __name__ == "__main__":
    r = route(sys.argv[1], sys.argv[2])
    print(f'{r["tenant"]} reads {r["reads"]} writes {r["writes"]} version {r["version"]}')
