/* SQLite's commit rate on this machine: one small row per BEGIN IMMEDIATE transaction into a
 * WAL database, one process, for a bounded time. The benchmark's bound for bookings
 * (bench/limits.py). In C rather than a subcommand of booking-fcgi, so that it measures
 * SQLite and the disk alone, with none of the app's code, and builds in a second.
 *
 *     sqlite_commits DATABASE FULL|NORMAL SECONDS    -> prints commits per second
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void must(sqlite3 *db, int rc, const char *what) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        fprintf(stderr, "sqlite_commits: %s: %s\n", what, sqlite3_errmsg(db));
        exit(1);
    }
}

static void step(sqlite3 *db, sqlite3_stmt *statement, const char *what) {
    must(db, sqlite3_step(statement), what);
    sqlite3_reset(statement);
}

int main(int argc, char **argv) {
    if (argc != 4 || (strcmp(argv[2], "FULL") != 0 && strcmp(argv[2], "NORMAL") != 0) || atof(argv[3]) <= 0) {
        fprintf(stderr, "usage: sqlite_commits DATABASE FULL|NORMAL SECONDS\n");
        return 64;
    }
    sqlite3 *db;
    must(db, sqlite3_open(argv[1], &db), "open");
    char pragmas[200];
    snprintf(pragmas, sizeof pragmas, "PRAGMA journal_mode = WAL; PRAGMA synchronous = %s;", argv[2]);
    must(db, sqlite3_exec(db, pragmas, NULL, NULL, NULL), "pragmas");
    must(db, sqlite3_exec(db, "CREATE TABLE IF NOT EXISTS row (id INTEGER PRIMARY KEY, at REAL NOT NULL, note TEXT NOT NULL)",
                          NULL, NULL, NULL), "create");
    sqlite3_stmt *begin, *insert, *commit;
    must(db, sqlite3_prepare_v2(db, "BEGIN IMMEDIATE", -1, &begin, NULL), "prepare begin");
    must(db, sqlite3_prepare_v2(db, "INSERT INTO row (at, note) VALUES (?, 'a small row')", -1, &insert, NULL), "prepare insert");
    must(db, sqlite3_prepare_v2(db, "COMMIT", -1, &commit, NULL), "prepare commit");
    double start = now(), deadline = start + atof(argv[3]), t = start;
    long commits = 0;
    while (t < deadline) {
        step(db, begin, "begin");
        sqlite3_bind_double(insert, 1, t);
        step(db, insert, "insert");
        step(db, commit, "commit");
        commits++;
        t = now();
    }
    printf("%.0f\n", commits / (t - start));
    sqlite3_finalize(begin);
    sqlite3_finalize(insert);
    sqlite3_finalize(commit);
    return sqlite3_close(db) == SQLITE_OK ? 0 : 1;
}
