-- Failed staff logins, counted per login name (known or not, so answers do
-- not tell which exist) and client address: an outsider who guesses from
-- elsewhere cannot lock the real user out. Each lock lasts twice the last.
CREATE TABLE login_failures (
    username_hash TEXT NOT NULL,
    client TEXT NOT NULL,
    failures INTEGER NOT NULL,
    locks INTEGER NOT NULL,
    locked_until INTEGER NOT NULL,
    last_failed_at INTEGER NOT NULL,
    PRIMARY KEY (username_hash, client)
);

-- The account-wide lock is replaced by the table above.
ALTER TABLE staff DROP COLUMN failed_attempts;
ALTER TABLE staff DROP COLUMN locked_until;

-- Sessions carry the generation they were opened in; a password change, a
-- disabling or an unlock moves it on, ending every earlier session.
ALTER TABLE staff ADD COLUMN session_generation INTEGER NOT NULL DEFAULT 0;
