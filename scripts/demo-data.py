#!/usr/bin/env python3
"""The demo's data (scripts/demo): the legacy application's database, and an independent comparison.

  demo-data.py create legacy.db        customers, orders, payments of 200 companies, with planted trash
  demo-data.py compare legacy.db new.db mapping.json [quarantine.jsonl]
                                       the legacy store seen through the mapping (re-implemented here, not
                                       Tandem's code) equals the new store, tenant by tenant; exit 1 if not

Python 3 standard library only.
"""
import datetime, decimal, json, random, re, sqlite3, sys, zoneinfo

TENANTS = 200
PRICES = ["9.90", "19.90", "29.00", "49.00", "99.00", "149.00", "249.00", "0.00"]  # the price list


def create(path):
    rnd = random.Random(16)
    db = sqlite3.connect(path)
    db.executescript("""
        PRAGMA journal_mode = WAL;
        CREATE TABLE customers (id INTEGER PRIMARY KEY, company TEXT NOT NULL, name TEXT, email TEXT, lang TEXT,
                                created TEXT, status TEXT, balance TEXT, fax TEXT);
        CREATE TABLE orders (id INTEGER PRIMARY KEY, company TEXT NOT NULL, customer_id INTEGER, placed TEXT,
                             total TEXT, state TEXT);
        CREATE TABLE payments (id INTEGER PRIMARY KEY, company TEXT NOT NULL, order_id INTEGER, paid TEXT,
                               amount TEXT, method TEXT);
    """)
    formats = ["%Y-%m-%d %H:%M:%S", "%d.%m.%Y %H:%M", "%m/%d/%Y"]  # three eras of the legacy app
    cid = oid = pid = 0
    start = datetime.datetime(2016, 1, 1)
    for t in range(TENANTS):
        company = f"co-{t:03d}"
        # Sizes vary a lot (a few big customers), and the trash sits with some companies only.
        size = 3 + (t * 7919) % 11 + (25 if t % 37 == 0 else 0)
        messy = t % 9 == 4
        for _ in range(size):
            cid += 1
            when = start + datetime.timedelta(seconds=rnd.randrange(0, 300_000_000))
            era = 0 if not messy else rnd.randrange(3)
            email = f" User{cid}@Example.com " if rnd.random() < 0.2 else f"user{cid}@example.com"
            if messy and rnd.random() < 0.15:
                email = rnd.choice(["n/a", "unknown", f"user{cid}example.com", f"user{cid}@"])
            fax = "+49 30 555 0199" if cid % 700 == 0 else None  # zombie: nobody has sent a fax since 2009
            db.execute("INSERT INTO customers VALUES (?,?,?,?,?,?,?,?,?)",
                       (cid, company, f"Customer {cid}", email, "es" if t % 4 == 1 else "en",
                        when.strftime(formats[era]), rnd.choice("AIG"), rnd.choice(PRICES), fax))
            for _ in range(rnd.randrange(1, 6)):
                oid += 1
                placed = when + datetime.timedelta(days=rnd.randrange(1, 900), seconds=rnd.randrange(86400))
                db.execute("INSERT INTO orders VALUES (?,?,?,?,?,?)",
                           (oid, company, cid, placed.strftime("%Y-%m-%d %H:%M:%S"),
                            rnd.choice(PRICES), rnd.choice(["open", "paid", "shipped"])))
                if rnd.random() < 0.7:
                    pid += 1
                    db.execute("INSERT INTO payments VALUES (?,?,?,?,?,?)",
                               (pid, company, oid, (placed + datetime.timedelta(days=2)).strftime("%Y-%m-%d %H:%M:%S"),
                                rnd.choice(PRICES), rnd.choice(["card", "sepa", "invoice"])))
    # Orphans: orders of customers deleted long ago, payments of orders that are gone.
    for k in range(12):
        oid += 1
        db.execute("INSERT INTO orders VALUES (?,?,?,?,?,?)",
                   (oid, f"co-{(k * 17) % TENANTS:03d}", 900_000 + k, f"2015-03-{k + 1:02d} 10:00:00", "9.90", "open"))
    for k in range(7):
        pid += 1
        db.execute("INSERT INTO payments VALUES (?,?,?,?,?,?)",
                   (pid, f"co-{(k * 29) % TENANTS:03d}", 800_000 + k, f"2015-04-{k + 1:02d} 10:00:00", "9.90", "card"))
    db.commit()
    counts = [db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("customers", "orders", "payments")]
    print(f"legacy.db: {counts[0]} customers, {counts[1]} orders, {counts[2]} payments of {TENANTS} companies")


# --- the mapping, re-implemented (the subset of schemas/mapping.schema.json the demo's mapping uses) ---------

def strftime_to_python(fmt):
    return fmt  # Tandem's parseTimestamp patterns are strftime patterns


def apply_transform(value, tr):
    if value is None:
        return None
    if tr == "trim":
        return value.strip()
    if tr == "lower":
        return value.lower()
    if tr == "upper":
        return value.upper()
    if tr == "emptyToNull":
        return None if value == "" else value
    if isinstance(tr, dict) and "map" in tr:
        return tr["map"].get(value, value)
    if isinstance(tr, dict) and "parseTimestamp" in tr:
        patterns = tr["parseTimestamp"]
        patterns = patterns if isinstance(patterns, list) else [patterns]
        zone = zoneinfo.ZoneInfo(tr.get("zone", "UTC"))
        for p in patterns:
            try:
                local = datetime.datetime.strptime(value.strip(), strftime_to_python(p))
            except ValueError:
                continue
            return local.replace(tzinfo=zone).astimezone(datetime.timezone.utc)
        raise ValueError(f"no pattern fits {value!r}")
    raise ValueError(f"transform {tr!r} is not re-implemented here")


def map_row(rule, row):
    """The new row for a legacy row, or None when the mapping's validation would refuse it (quarantine)."""
    out = {}
    columns = rule.get("columns", {})
    for name, value in row.items():
        spec = columns.get(name, {})
        if spec.get("drop"):
            continue
        for tr in spec.get("transforms", []):
            try:
                value = apply_transform(value, tr)
            except ValueError:
                return None
        v = spec.get("validate", {})
        if v.get("required") and value in (None, ""):
            return None
        if "regex" in v and value is not None and not re.search(v["regex"], str(value)):
            return None
        out[spec.get("rename", name)] = value
    return out


def norm(value):
    """One comparable form for a value read from either store."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    if isinstance(value, (int, float)):
        return decimal.Decimal(repr(value)).normalize()
    text = str(value)
    if re.fullmatch(r"-?\d+(\.\d+)?", text):
        return decimal.Decimal(text).normalize()
    m = re.fullmatch(r"(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d(\.\d+)?)Z?", text)
    if m:
        return datetime.datetime.fromisoformat(m.group(1) + " " + m.group(2))
    return text


def compare(legacy_path, new_path, mapping_path):
    mapping = json.load(open(mapping_path))["entities"]
    legacy = sqlite3.connect(f"file:{legacy_path}?mode=ro", uri=True)
    new = sqlite3.connect(f"file:{new_path}?mode=ro", uri=True)
    legacy.row_factory = new.row_factory = sqlite3.Row
    bad_tenants, refused, total = {}, 0, 0
    for entity, rule in mapping.items():
        target = rule.get("target", entity)
        key = rule.get("primaryKey", ["id"])
        tenant_col = rule["tenant"]
        expected = {}
        for r in legacy.execute(f'SELECT * FROM "{entity}"'):
            row = dict(r)
            mapped = map_row(rule, row)
            if mapped is None:
                refused += 1
                continue
            expected[tuple(row[k] for k in key)] = mapped
        new_tenant = rule.get("columns", {}).get(tenant_col, {}).get("rename", tenant_col)
        got = {}
        for r in new.execute(f'SELECT * FROM "{target}"'):
            row = dict(r)
            got[tuple(row[rule.get("columns", {}).get(k, {}).get("rename", k)] for k in key)] = row
        for k in expected.keys() | got.keys():
            total += 1
            a, b = expected.get(k), got.get(k)
            if a is not None and b is not None and all(norm(a[c]) == norm(b.get(c)) for c in a):
                continue
            tenant = (a or b)[tenant_col if a else new_tenant]
            what = "missing in new" if b is None else "only in new" if a is None else \
                "differs in " + ",".join(c for c in a if norm(a[c]) != norm(b.get(c)))
            bad_tenants.setdefault(tenant, []).append(f"{target} {dict(zip(key, k))}: {what}")
    if bad_tenants:
        shown = sorted(bad_tenants.items())[:5]
        print(f"independent check: {len(bad_tenants)} of {TENANTS} tenants disagree "
              f"({sum(len(v) for v in bad_tenants.values())} rows), e.g.")
        for tenant, rows in shown:
            print(f"  {tenant}: {'; '.join(rows[:3])}{' …' if len(rows) > 3 else ''}")
        return 1
    print(f"independent check: legacy (through the mapping, {refused} rows refused by it) equals new for every tenant,"
          f" {total} rows compared")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "create":
        create(sys.argv[2])
    elif len(sys.argv) == 5 and sys.argv[1] == "compare":
        sys.exit(compare(*sys.argv[2:5]))
    else:
        sys.exit(__doc__)
