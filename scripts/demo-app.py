#!/usr/bin/env python3
"""The demo's simulated application (scripts/demo): a steady load of reads and writes for every company (tenant),
sent to the store Tandem's routing names (GET /v1/routes, ops/ROUTING.md), as a real application would.

  demo-app.py --legacy legacy.db --new new.db --routes http://127.0.0.1:PORT --stats app.json [--rate OPS]

It runs until SIGTERM or SIGINT, then writes its figures to --stats (JSON) and exits 0. A write a fence refuses
("tandem: tenant … writes to the new store since …", or "moving") is held, the route read again, and retried on
the store it names: the customer waited, and the wait is counted. Anything else a customer would see — a write
that could not be placed within 30 s, a failed read — is a customer-visible error, counted and its first lines
kept. Python 3 standard library only.
"""
import argparse, json, random, signal, sqlite3, sys, threading, time, urllib.request

WORKERS = 8
GIVE_UP = 30.0  # seconds a customer's write may be held before it is an error


class Routes:
    """Every tenant's route, read again when older than `ttl` or after a refusal (version only grows)."""

    def __init__(self, base, ttl=1.0):
        self.base, self.ttl, self.lock = base.rstrip("/"), ttl, threading.Lock()
        self.routes, self.version, self.fetched = {}, -1, 0.0

    def get(self, tenant, fresh=False):
        with self.lock:
            if fresh or time.monotonic() - self.fetched > self.ttl:
                with urllib.request.urlopen(self.base + "/v1/routes", timeout=5) as answer:
                    doc = json.load(answer)
                if doc["version"] >= self.version:
                    self.routes = {r["tenant"]: r for r in doc["routes"]}
                    self.version = doc["version"]
                self.fetched = time.monotonic()
            r = self.routes.get(tenant)
            return (r["reads"], r["writes"]) if r else ("legacy", "legacy")  # in no cohort: legacy


class Figures:
    def __init__(self):
        self.lock = threading.Lock()
        self.reads = self.writes = self.errors = self.fenced_writes = self.refusals = 0
        self.by_store = {"legacy": 0, "new": 0}
        self.longest_wait_ms, self.waits_ms, self.error_lines = 0.0, [], []

    def error(self, line):
        with self.lock:
            self.errors += 1
            if len(self.error_lines) < 10:
                self.error_lines.append(line)

    def as_json(self):
        waits = sorted(self.waits_ms)
        return {"reads": self.reads, "writes": self.writes, "writesByStore": self.by_store,
                "customerVisibleErrors": self.errors, "errorLines": self.error_lines,
                "fenceRefusals": self.refusals, "writesThatWaited": self.fenced_writes,
                "longestWriteWaitMs": round(self.longest_wait_ms, 1),
                "p99WriteWaitMs": round(waits[int(len(waits) * 0.99)] if waits else 0.0, 1)}


def utc_text(store):
    """Now, as the application spells a time in orders and payments (the mapping keeps that text as it is)."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())


class Worker(threading.Thread):
    def __init__(self, n, tenants, args, routes, figures, stop):
        super().__init__(daemon=True)
        self.n, self.tenants, self.args, self.routes, self.figures, self.stop = n, tenants, args, routes, figures, stop
        self.rnd = random.Random(n)
        self.next_id = 10_000_000 + n * 1_000_000  # ids this worker inserts: unique in both stores

    def run(self):
        self.db = {"legacy": sqlite3.connect(self.args.legacy, timeout=10, isolation_level=None),  # this thread's own
                   "new": sqlite3.connect(self.args.new, timeout=10, isolation_level=None)}
        pause, due = WORKERS / self.args.rate, time.monotonic()
        while not self.stop.is_set():
            tenant = self.rnd.choice(self.tenants)
            try:
                if self.rnd.random() < 0.6:
                    self.read(tenant)
                else:
                    self.write(tenant)
            except Exception as e:  # a customer saw it
                self.figures.error(f"{tenant}: {type(e).__name__}: {e}")
            due = max(due + pause, time.monotonic() - 1.0)  # a steady rate: a slow request does not lower it for long
            self.stop.wait(max(0.0, due - time.monotonic()))

    def read(self, tenant):
        reads, _ = self.routes.get(tenant)
        db = self.db[reads]
        db.execute("SELECT * FROM customers WHERE company = ? LIMIT 20", (tenant,)).fetchall()
        db.execute("SELECT * FROM orders WHERE company = ? ORDER BY id DESC LIMIT 20", (tenant,)).fetchall()
        with self.figures.lock:
            self.figures.reads += 1

    def write(self, tenant):
        started, waited, fresh, delay = time.monotonic(), False, False, 0.02
        while True:
            _, writes = self.routes.get(tenant, fresh=fresh)
            if writes != "moving":
                try:
                    self.change(self.db[writes], writes, tenant)
                    break
                except sqlite3.DatabaseError as e:
                    if "tandem:" not in str(e):
                        raise
                    with self.figures.lock:
                        self.figures.refusals += 1
            waited, fresh = True, True  # refused by a fence, or moving: hold the write, read the route again
            if time.monotonic() - started > GIVE_UP:
                raise TimeoutError(f"write held {GIVE_UP:.0f} s by fences; given up")
            time.sleep(delay)
            delay = min(delay * 2, 0.5)
        ms = (time.monotonic() - started) * 1000
        with self.figures.lock:
            self.figures.writes += 1
            self.figures.by_store[writes] += 1
            if waited:
                self.figures.fenced_writes += 1
                self.figures.waits_ms.append(ms)
                self.figures.longest_wait_ms = max(self.figures.longest_wait_ms, ms)

    def change(self, db, store, tenant):
        """One business write for a tenant, in one transaction: a new order, a payment, or an order's state."""
        db.execute("BEGIN IMMEDIATE")
        try:
            kind = self.rnd.random()
            order = db.execute("SELECT id, customer_id FROM orders WHERE company = ? AND customer_id IN"
                               " (SELECT id FROM customers WHERE company = ?) ORDER BY random() LIMIT 1",
                               (tenant, tenant)).fetchone()
            if order is None or kind < 0.3:
                customer = db.execute("SELECT id FROM customers WHERE company = ? ORDER BY random() LIMIT 1",
                                      (tenant,)).fetchone()
                if customer:
                    self.next_id += 1
                    db.execute("INSERT INTO orders (id, company, customer_id, placed, total, state) VALUES (?,?,?,?,?,?)",
                               (self.next_id, tenant, customer[0], utc_text(store), self.rnd.choice(["9.90", "19.90", "49.00"]), "open"))
            elif kind < 0.6:
                self.next_id += 1
                db.execute("INSERT INTO payments (id, company, order_id, paid, amount, method) VALUES (?,?,?,?,?,?)",
                           (self.next_id, tenant, order[0], utc_text(store), self.rnd.choice(["9.90", "19.90", "49.00"]), "card"))
            else:
                db.execute("UPDATE orders SET state = ? WHERE id = ?", (self.rnd.choice(["paid", "shipped"]), order[0]))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--legacy", required=True)
    p.add_argument("--new", required=True)
    p.add_argument("--routes", required=True)
    p.add_argument("--stats", required=True)
    p.add_argument("--rate", type=float, default=80.0, help="operations a second, all tenants together")
    args = p.parse_args()
    db = sqlite3.connect(args.legacy)
    tenants = [r[0] for r in db.execute("SELECT DISTINCT company FROM customers ORDER BY 1")]
    db.close()
    stop, figures, routes = threading.Event(), Figures(), Routes(args.routes)
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    workers = [Worker(n, tenants[n::WORKERS], args, routes, figures, stop) for n in range(WORKERS)]
    for w in workers:
        w.start()
    while not stop.is_set():
        stop.wait(0.5)
        with figures.lock, open(args.stats, "w") as f:
            json.dump(figures.as_json(), f)
    for w in workers:
        w.join(timeout=GIVE_UP + 5)
    with open(args.stats, "w") as f:
        json.dump(figures.as_json(), f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
