internal import SQLite

/// The auth database: users, sessions and login-failure counters shared by all workers.
enum AuthSchema {
    static let migrations = Migrations([
        """
        CREATE TABLE user (
            id            TEXT PRIMARY KEY,
            email         TEXT NOT NULL UNIQUE,
            name          TEXT NOT NULL,
            role          TEXT NOT NULL CHECK (role IN ('customer', 'organizer', 'admin')),
            password_hash TEXT NOT NULL,
            created_at    INTEGER NOT NULL
        );
        CREATE TABLE session (
            token_hash TEXT PRIMARY KEY,
            user_id    TEXT NOT NULL REFERENCES user(id) ON DELETE CASCADE,
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX session_by_user ON session(user_id);
        CREATE INDEX session_by_expiry ON session(expires_at);
        CREATE TABLE login_failure (
            key          TEXT PRIMARY KEY,
            failures     INTEGER NOT NULL,
            last_failure INTEGER NOT NULL
        ) WITHOUT ROWID;
        -- Ids are never reused, even after a restore of an older copy of this file.
        CREATE TABLE retired_id (id TEXT PRIMARY KEY) WITHOUT ROWID;
        """
    ])
}
