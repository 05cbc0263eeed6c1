#!/usr/bin/env python3
"""What batching would buy the booking path (issue 8): replays the statements of a one-call
GA booking (the hold transaction, then the confirming one, as Storage's VenueStore runs
them) against the real venue schema, and compares

  per booking, 1 process     two transactions per booking, one writer (a warm page cache)
  per booking, N processes   the same from N processes taking turns on a flock (what the
                             worker pool does: every transaction starts with a cold cache)
  batched by B, 1 process    B bookings' hold steps in one transaction, then their
                             confirmations in another (what a per-venue writer could do)

each at synchronous NORMAL and FULL. Prints bookings per second. The schema is copied from
a venue file that `booking-fcgi demo` makes, so it is the one migrations build.

    python3 bench/writer_batching.py [--seconds 3] [--processes 4] [--batch 50]
"""
import argparse
import fcntl
import multiprocessing
import os
import secrets
import sqlite3
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EVENT = "e_benchbenchbenchbench"


def venue_schema():
    """The CREATE statements of a real venue file, and its user_version."""
    data = tempfile.mkdtemp()
    subprocess.run([os.path.join(ROOT, ".build", "release", "booking-fcgi"), "demo"], env=dict(os.environ, BOOKING_DATA_DIR=data),
                   check=True, capture_output=True)
    source = sqlite3.connect(os.path.join(data, "venues", "blue-note-club.sqlite"))
    statements = [sql for (sql,) in source.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'")]
    return statements, source.execute("PRAGMA user_version").fetchone()[0]


def make_database(path, statements):
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    for sql in statements:
        db.execute(sql)
    db.execute("INSERT INTO venue (id, name, city, timezone, owner_id, created_at) VALUES ('bench', 'Bench', NULL, 'UTC', 'u', 0)")
    db.execute("INSERT INTO section (id, name, kind, capacity, position) VALUES ('field', 'Field', 'ga', 100000000, 0)")
    db.execute("""INSERT INTO event (id, title, description, starts_at, currency, max_per_customer, status, version, created_at)
                  VALUES (?, 'Bench', '', 4000000000, 'EUR', 100000000, 'scheduled', 1, 0)""", (EVENT,))
    db.execute("INSERT INTO price (event_id, section_id, amount) VALUES (?, 'field', 3000)", (EVENT,))
    db.execute("INSERT INTO ga_stock (event_id, section_id, capacity, taken) VALUES (?, 'field', 100000000, 0)", (EVENT,))
    db.close()


def open_writer(path, synchronous):
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA foreign_keys = ON")
    db.execute(f"PRAGMA synchronous = {synchronous}")
    return db


def hold_step(db, customer, now):
    """The statements of VenueStore.holdForPayment for one GA place."""
    db.execute("SELECT id, customer_id, expires_at FROM hold WHERE event_id = ? AND expires_at <= ?", (EVENT, now)).fetchall()
    db.execute("SELECT count(*) FROM hold WHERE event_id = ? AND customer_id = ?", (EVENT, customer)).fetchone()
    db.execute("""SELECT (SELECT count(*) FROM seat_claim c JOIN hold h ON h.id = c.hold_id WHERE h.event_id = ?1 AND h.customer_id = ?2)
                 + (SELECT coalesce(sum(g.quantity), 0) FROM hold_ga g JOIN hold h ON h.id = g.hold_id WHERE h.event_id = ?1 AND h.customer_id = ?2)
                 + (SELECT count(*) FROM ticket t JOIN booking b ON b.id = t.booking_id
                    WHERE b.event_id = ?1 AND b.customer_id = ?2 AND b.status = 'confirmed')""", (EVENT, customer)).fetchone()
    hold = "h_" + secrets.token_hex(10)
    db.execute("INSERT INTO hold (id, event_id, customer_id, state, total, created_at, expires_at) VALUES (?, ?, ?, 'paying', 3000, ?, ?)",
               (hold, EVENT, customer, now, now + 900))
    db.execute("UPDATE ga_stock SET taken = taken + 1 WHERE event_id = ? AND section_id = 'field' AND taken + 1 <= capacity", (EVENT,))
    db.execute("INSERT INTO hold_ga (hold_id, section_id, quantity) VALUES (?, 'field', 1)", (hold,))
    payment = "p_" + secrets.token_hex(10)
    db.execute("""INSERT INTO payment (id, hold_id, customer_id, amount, currency, state, created_at, updated_at)
                  VALUES (?, ?, ?, 3000, 'EUR', 'charging', ?, ?)""", (payment, hold, customer, now, now))
    finish_change(db, now)
    return hold, payment


def confirm_step(db, hold, payment, customer, now):
    """The statements of VenueStore.confirmPayment for that hold."""
    db.execute("""SELECT h.event_id, h.customer_id, h.state, h.total, h.created_at, h.expires_at, e.currency
                  FROM hold h JOIN event e ON e.id = h.event_id WHERE h.id = ?""", (hold,)).fetchone()
    db.execute("SELECT c.seat_id FROM seat_claim c JOIN seat s ON s.id = c.seat_id WHERE c.hold_id = ? ORDER BY s.position", (hold,)).fetchall()
    db.execute("SELECT section_id, quantity FROM hold_ga WHERE hold_id = ? ORDER BY section_id", (hold,)).fetchall()
    booking = "b_" + secrets.token_hex(10)
    db.execute("""INSERT INTO booking (id, event_id, customer_id, status, total, currency, created_at)
                  VALUES (?, ?, ?, 'confirmed', 3000, 'EUR', ?)""", (booking, EVENT, customer, now))
    db.execute("SELECT section_id, amount FROM price WHERE event_id = ?", (EVENT,)).fetchall()
    db.execute("INSERT INTO ticket (code, booking_id, event_id, section_id, seat_id, price) VALUES (?, ?, ?, 'field', NULL, 3000)",
               (secrets.token_hex(7).upper(), booking, EVENT))
    db.execute("DELETE FROM hold WHERE id = ?", (hold,))
    db.execute("UPDATE payment SET state = 'captured', booking_id = ?, provider_ref = 'ref', updated_at = ? WHERE id = ?", (booking, now, payment))
    db.execute("""INSERT INTO outbox (kind, event_id, booking_id, customer_id, payload, created_at)
                  VALUES ('booking_confirmed', ?, ?, ?, '{}', ?)""", (EVENT, booking, customer, now))
    finish_change(db, now)


def finish_change(db, now):
    db.execute("UPDATE event SET version = version + 1 WHERE id = ? RETURNING version", (EVENT,)).fetchall()
    db.execute("""SELECT g.capacity - g.taken
                   + coalesce((SELECT sum(hg.quantity) FROM hold_ga hg JOIN hold h ON h.id = hg.hold_id
                               WHERE h.event_id = ?1 AND h.expires_at <= ?2 AND hg.section_id = 'field'), 0)
                  FROM ga_stock g WHERE g.event_id = ?1 AND g.section_id = 'field'""", (EVENT, now)).fetchone()


def transaction(db, lock, synchronous, body):
    """BEGIN IMMEDIATE under the flock; at FULL the WAL is flushed after the lock (group commit)."""
    if lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
    db.execute("BEGIN IMMEDIATE")
    result = body()
    db.execute("COMMIT")
    if lock:
        fcntl.flock(lock, fcntl.LOCK_UN)
    if synchronous == "FULL":
        db_flush(db)
    return result


def db_path_of(db):
    return db.execute("PRAGMA database_list").fetchone()[2]


def db_flush(db):
    """fdatasync of the WAL, as Database.write does after releasing the lock."""
    fd = os.open(db_path_of(db) + "-wal", os.O_RDONLY)
    try:
        os.fdatasync(fd)
    finally:
        os.close(fd)


def per_booking(path, synchronous, seconds, use_lock, queue):
    # FULL is measured as the pool runs it: commit at NORMAL, flush after the lock.
    db = open_writer(path, "NORMAL")
    lock = open(path + ".lock", "a") if use_lock else None
    customer, done, deadline = "c_" + secrets.token_hex(4), 0, time.time() + seconds
    while time.time() < deadline:
        now = int(time.time())
        hold, payment = transaction(db, lock, synchronous, lambda: hold_step(db, customer, now))
        transaction(db, lock, synchronous, lambda: confirm_step(db, hold, payment, customer, now))
        done += 1
    queue.put(done)


def batched(path, synchronous, seconds, batch, queue):
    db = open_writer(path, "NORMAL")
    customers = ["c_" + secrets.token_hex(4) for _ in range(batch)]
    done, deadline = 0, time.time() + seconds
    while time.time() < deadline:
        now = int(time.time())
        holds = transaction(db, None, synchronous, lambda: [hold_step(db, c, now) for c in customers])
        transaction(db, None, synchronous, lambda: [confirm_step(db, h, p, c, now) for (h, p), c in zip(holds, customers)])
        done += batch
    queue.put(done)


def measure(statements, label, target, args, processes=1):
    directory = tempfile.mkdtemp()
    path = os.path.join(directory, "venue.sqlite")
    make_database(path, statements)
    queue = multiprocessing.Queue()
    workers = [multiprocessing.Process(target=target, args=(path,) + args + (queue,)) for _ in range(processes)]
    for w in workers:
        w.start()
    total = sum(queue.get() for _ in workers)
    for w in workers:
        w.join()
    seconds = args[1]
    print(f"{label:40} {total / seconds:9.0f} bookings/s")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--batch", type=int, default=50)
    args = parser.parse_args()
    statements, version = venue_schema()
    print(f"venue schema version {version}; {args.seconds} s each; Python's sqlite3 adds its own cost per statement")
    for sync in ("NORMAL", "FULL"):
        measure(statements, f"per booking, 1 process, {sync}", per_booking, (sync, args.seconds, False))
        measure(statements, f"per booking, {args.processes} processes, {sync}", per_booking, (sync, args.seconds, True), args.processes)
        measure(statements, f"batched by {args.batch}, 1 process, {sync}", batched, (sync, args.seconds, args.batch))


if __name__ == "__main__":
    main()
