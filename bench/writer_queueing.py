#!/usr/bin/env python3
"""How writers from several processes queue for one SQLite file: SQLite's busy handler
alone versus an exclusive flock around each BEGIN IMMEDIATE transaction (what Storage's
WriteLock does). Prints commits per process and the worst wait for the write lock.

    python3 bench/writer_queueing.py [--processes 4] [--seconds 5]
"""
import argparse
import fcntl
import multiprocessing
import os
import sqlite3
import tempfile
import time


def writer(path, use_flock, seconds, queue):
    db = sqlite3.connect(path, timeout=30, isolation_level=None)
    db.execute("PRAGMA synchronous = NORMAL")
    lock = open(path + ".lock", "a") if use_flock else None
    commits, worst = 0, 0.0
    deadline = time.time() + seconds
    while time.time() < deadline:
        start = time.perf_counter()
        if lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
        db.execute("BEGIN IMMEDIATE")
        worst = max(worst, time.perf_counter() - start)
        db.execute("INSERT INTO t (v) VALUES (?)", (os.getpid(),))
        db.execute("COMMIT")
        if lock:
            fcntl.flock(lock, fcntl.LOCK_UN)
        commits += 1
    queue.put((commits, worst))


def run(use_flock, processes, seconds):
    directory = tempfile.mkdtemp()
    path = os.path.join(directory, "w.sqlite")
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)")
    db.close()
    queue = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=writer, args=(path, use_flock, seconds, queue)) for _ in range(processes)]
    for p in procs:
        p.start()
    results = [queue.get() for _ in procs]
    for p in procs:
        p.join()
    commits = sorted(c for c, _ in results)
    worst = max(w for _, w in results)
    name = "flock + BEGIN IMMEDIATE" if use_flock else "busy handler only"
    print(f"{name:26} total {sum(commits) / seconds:8.0f} commits/s   per process {commits}   worst wait {worst * 1000:8.1f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=5)
    args = parser.parse_args()
    run(False, args.processes, args.seconds)
    run(True, args.processes, args.seconds)
