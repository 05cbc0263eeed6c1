internal import SQLite

/// The auth database: users, sessions and login-failure counters shared by all workers, and
/// (since the second migration) password-reset links and the email about accounts themselves.
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
        """,
        """
        -- A reset link's token, stored only as its hash; made when the email is sent.
        CREATE TABLE password_reset (
            token_hash TEXT PRIMARY KEY,
            user_id    TEXT NOT NULL,
            expires_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX password_reset_by_user ON password_reset(user_id);
        -- Reset requests per address ("email:…") and per client ("client:…") in the current window.
        CREATE TABLE reset_request (
            key          TEXT PRIMARY KEY,
            requests     INTEGER NOT NULL,
            window_start INTEGER NOT NULL
        ) WITHOUT ROWID;
        -- Email about the account itself (reset links, notices of changes), sent by the notifier.
        CREATE TABLE account_mail (
            id              INTEGER PRIMARY KEY,
            user_id         TEXT NOT NULL,
            kind            TEXT NOT NULL CHECK (kind IN ('password_reset', 'password_changed', 'email_changed')),
            to_address      TEXT NOT NULL,
            payload         TEXT NOT NULL DEFAULT '{}',
            status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed', 'skipped')),
            attempts        INTEGER NOT NULL DEFAULT 0,
            next_attempt_at INTEGER NOT NULL,
            last_error      TEXT,
            created_at      INTEGER NOT NULL
        );
        CREATE INDEX account_mail_due ON account_mail(next_attempt_at) WHERE status = 'pending';
        CREATE INDEX account_mail_by_user ON account_mail(user_id);
        """,
        // 3: the venues of the system. A replica of the auth database thus names every venue
        // to restore, where the replica cannot be listed (sftp, S3).
        """
        CREATE TABLE venue_registry (
            venue_id   TEXT PRIMARY KEY,
            created_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        """,
    ])
}
