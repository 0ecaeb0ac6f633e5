-- Readers' reports, moderation and the admin area.

-- A picture's moderation state, the same on every copy (records with the
-- same content_sha256). wave counts restores: a report belongs to the wave
-- of its record when it was made, and only the current wave's reports can
-- block. wave_reports is this record's distinct reporters in that wave.
ALTER TABLE images ADD COLUMN wave INTEGER NOT NULL DEFAULT 1;
ALTER TABLE images ADD COLUMN wave_reports INTEGER NOT NULL DEFAULT 0;
ALTER TABLE images ADD COLUMN blocked_by TEXT NOT NULL DEFAULT ''
    CHECK (blocked_by IN ('', 'reports', 'moderator'));
ALTER TABLE images ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;
ALTER TABLE images ADD COLUMN last_report_at INTEGER;

-- The moderation queue starts from the pictures ever reported or blocked.
CREATE INDEX images_moderated ON images (id) WHERE reports > 0 OR status = 'blocked';

-- image_reports (0001) keeps one row per (image, reporter): reporter is a
-- keyed hash of the reader's network, never the address itself.
ALTER TABLE image_reports ADD COLUMN wave INTEGER NOT NULL DEFAULT 1;
ALTER TABLE image_reports ADD COLUMN reason TEXT NOT NULL DEFAULT ''
    CHECK (reason IN ('', 'shocking', 'sexual', 'privacy', 'misleading', 'other'));
ALTER TABLE image_reports ADD COLUMN note TEXT NOT NULL DEFAULT '';
-- "Has this reader reported any copy of the picture?"
CREATE INDEX image_reports_reporter ON image_reports (reporter, image_id);

-- The articles that show a picture, for moderators.
CREATE INDEX article_images_image ON article_images (image_id);

-- The dashboard counts fetches and failures per day over every source.
CREATE INDEX fetch_log_at ON fetch_log (at);

CREATE TABLE moderation_log (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    image_id  INTEGER NOT NULL REFERENCES images (id),
    action    TEXT    NOT NULL CHECK (action IN ('restore', 'confirm', 'block', 'auto-block')),
    moderator TEXT    NOT NULL DEFAULT '',
    note      TEXT    NOT NULL DEFAULT '',
    images    INTEGER NOT NULL DEFAULT 0,
    at        INTEGER NOT NULL
) STRICT;
CREATE INDEX moderation_log_image ON moderation_log (image_id, id DESC);

-- Per-installation secrets (the key of reporters' hashes), created once.
CREATE TABLE secrets (
    name       TEXT PRIMARY KEY,
    value      BLOB NOT NULL,
    created_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- Fixed-window hit counters shared by every web process: reports per
-- reader, login attempts per client.
CREATE TABLE rate_limits (
    bucket       TEXT    NOT NULL,
    key          TEXT    NOT NULL,
    window_start INTEGER NOT NULL,
    hits         INTEGER NOT NULL,
    PRIMARY KEY (bucket, key)
) STRICT, WITHOUT ROWID;

CREATE TABLE admins (
    name          TEXT PRIMARY KEY,
    password_hash TEXT    NOT NULL,
    updated_at    INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- id is the SHA-256 of the cookie's token, never the token.
CREATE TABLE admin_sessions (
    id         TEXT PRIMARY KEY,
    admin      TEXT    NOT NULL REFERENCES admins (name) ON DELETE CASCADE,
    csrf_token TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX admin_sessions_admin ON admin_sessions (admin);
CREATE INDEX admin_sessions_expiry ON admin_sessions (expires_at);
