"""This machine's limits, measured at the start of every benchmark run (issue 20): SQLite's
commit rate at FULL and NORMAL (bench/sqlite_commits.c), nginx serving a static file, and
nginx -> FastCGI answers of the cheapest route. Each scenario is printed as a ratio to the
limit that bounds it: shared machines move absolute figures by 2x between days, while
figures of one run move together."""
import os
import shutil
import subprocess
import tempfile

from common import run_wrk

HERE = os.path.dirname(os.path.abspath(__file__))
COMMIT_SECONDS = 3       # per synchronous mode
STATIC_PATH = "/index.html"
# No route answers with nothing: health is the cheapest (one access(2), a one-field JSON body).
FASTCGI_PATH = "/api/health"


def sqlite_commits(directory, seconds=COMMIT_SECONDS):
    """{"FULL": commits/s, "NORMAL": commits/s}: sqlite_commits.c, compiled now, on fresh WAL
    databases in `directory` (put it on the file system of the stack's data)."""
    build = tempfile.mkdtemp(prefix="booking-bench-cc-")
    try:
        program = os.path.join(build, "sqlite_commits")
        subprocess.run(["cc", "-O2", "-o", program, os.path.join(HERE, "sqlite_commits.c"), "-lsqlite3"], check=True)
        rates = {}
        for mode in ("FULL", "NORMAL"):
            database = os.path.join(directory, f"commits-{mode.lower()}.sqlite")
            out = subprocess.run([program, database, mode, str(seconds)], capture_output=True, text=True, check=True).stdout
            rates[mode] = float(out)
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(database + suffix):
                    os.unlink(database + suffix)
        return rates
    finally:
        shutil.rmtree(build, ignore_errors=True)


class Limits:
    def __init__(self, commits, static, fastcgi, connections):
        self.commits, self.static, self.fastcgi, self.connections = commits, static, fastcgi, connections

    def bound(self, sync, writes):
        """(limit/s, its name) of a scenario: writes are bounded by the commit rate of the
        stack's synchronous mode ("FULL+R" is FULL with a replica), reads by empty FastCGI answers."""
        if writes:
            mode = sync.split("+")[0]
            return self.commits[mode], f"commits/s {mode}"
        return self.fastcgi, "FastCGI/s"

    def line(self):
        return (f"limits (this run): SQLite {self.commits['FULL']:,.0f} commits/s at FULL, {self.commits['NORMAL']:,.0f} at NORMAL "
                f"(one row per BEGIN IMMEDIATE, WAL, one process, on the data's file system)\n"
                f"                   nginx static {self.static:,.0f} req/s ({STATIC_PATH}), nginx -> FastCGI {self.fastcgi:,.0f} req/s "
                f"({FASTCGI_PATH}, the cheapest route), {self.connections} connections\n"
                f"ratio: bookings and other writes to the commit rate of their synchronous mode, reads to FastCGI/s")


def measure(stack, seconds, connections):
    """The limits, on `stack` (idle otherwise) for `seconds` of wrk each."""
    commits = sqlite_commits(stack.data_dir)
    static = run_wrk(stack.url(STATIC_PATH), seconds, "", connections)["rps"]
    fastcgi = run_wrk(stack.url(FASTCGI_PATH), seconds, "", connections)["rps"]
    return Limits(commits, static, fastcgi, connections)
