-- 0001-initial: the whole domain of design.md section 5 (docs/storage.md).
-- Instants are INTEGER microseconds since the epoch, UTC; civil dates INTEGER YYYYMMDD.
-- Every text column carries its length limit, so that bad input is refused, never stored.

CREATE TABLE staff (
    id INTEGER PRIMARY KEY,
    rfc TEXT NOT NULL UNIQUE CHECK (length(rfc) BETWEEN 12 AND 13),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 254),
    roles INTEGER NOT NULL CHECK (roles >= 0),
    unit TEXT NOT NULL CHECK (length(unit) <= 128),
    active INTEGER NOT NULL CHECK (active IN (0, 1)),
    created_at INTEGER NOT NULL
);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    token_hash BLOB NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 128),
    scopes INTEGER NOT NULL CHECK (scopes >= 0),
    staff_id INTEGER REFERENCES staff (id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    revoked_at INTEGER
);

CREATE TABLE particulars (
    id INTEGER PRIMARY KEY,
    rfc TEXT NOT NULL UNIQUE CHECK (length(rfc) BETWEEN 12 AND 13),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 254),
    kind INTEGER NOT NULL CHECK (kind IN (1, 2)),
    legal_zone TEXT NOT NULL CHECK (length(legal_zone) BETWEEN 1 AND 64),
    mailbox_state INTEGER NOT NULL CHECK (mailbox_state BETWEEN 0 AND 4),
    enabled_at INTEGER,
    enable_deadline INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE regpats (
    regpat TEXT PRIMARY KEY CHECK (length(regpat) = 11),
    particular_id INTEGER NOT NULL REFERENCES particulars (id),
    added_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX regpats_particular ON regpats (particular_id);

CREATE TABLE contacts (
    id INTEGER PRIMARY KEY,
    particular_id INTEGER NOT NULL REFERENCES particulars (id),
    regpat TEXT REFERENCES regpats (regpat),
    kind INTEGER NOT NULL CHECK (kind IN (1, 2)),
    address TEXT NOT NULL CHECK (length(address) BETWEEN 3 AND 254),
    state INTEGER NOT NULL CHECK (state BETWEEN 0 AND 2),
    registered_at INTEGER NOT NULL,
    deadline INTEGER NOT NULL,
    confirmed_at INTEGER,
    code_hash BLOB NOT NULL CHECK (length(code_hash) = 32),
    attempts INTEGER NOT NULL CHECK (attempts >= 0)
);
CREATE INDEX contacts_particular ON contacts (particular_id);
CREATE INDEX contacts_pending ON contacts (deadline) WHERE state = 0;
-- Lineamientos 5.1: one mobile per RFC (or registro patronal); an address once.
CREATE UNIQUE INDEX contacts_one_mobile ON contacts (particular_id, coalesce(regpat, ''))
    WHERE kind = 2 AND state <> 2;
CREATE UNIQUE INDEX contacts_address_once
    ON contacts (particular_id, coalesce(regpat, ''), address) WHERE state <> 2;

CREATE TABLE terms_acceptances (
    id INTEGER PRIMARY KEY,
    particular_id INTEGER NOT NULL REFERENCES particulars (id),
    version TEXT NOT NULL CHECK (length(version) BETWEEN 1 AND 16),
    signed_at INTEGER NOT NULL,
    cert_number TEXT NOT NULL CHECK (length(cert_number) BETWEEN 1 AND 20),
    signature TEXT NOT NULL CHECK (length(signature) BETWEEN 1 AND 1024)
);
CREATE INDEX terms_particular ON terms_acceptances (particular_id, signed_at);

-- Content lives in files named by the hash (src/store/sqlite/blob.c); this is the index.
CREATE TABLE blobs (
    sha256 BLOB PRIMARY KEY CHECK (length(sha256) = 32),
    size INTEGER NOT NULL CHECK (size >= 0),
    media_type TEXT NOT NULL CHECK (length(media_type) <= 127),
    created_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE filings (
    id INTEGER PRIMARY KEY,
    particular_id INTEGER NOT NULL REFERENCES particulars (id),
    service_code TEXT NOT NULL CHECK (length(service_code) BETWEEN 1 AND 16),
    fields_json TEXT NOT NULL CHECK (length(fields_json) <= 1048576),
    signature TEXT NOT NULL CHECK (length(signature) BETWEEN 1 AND 1024),
    cert_number TEXT NOT NULL CHECK (length(cert_number) BETWEEN 1 AND 20),
    received_at INTEGER NOT NULL,
    legal_received_at INTEGER NOT NULL,
    state INTEGER NOT NULL CHECK (state BETWEEN 0 AND 3)
);
CREATE INDEX filings_particular ON filings (particular_id, id);

CREATE TABLE filing_attachments (
    filing_id INTEGER NOT NULL REFERENCES filings (id),
    ordinal INTEGER NOT NULL CHECK (ordinal BETWEEN 0 AND 999),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
    media_type TEXT NOT NULL CHECK (length(media_type) <= 127),
    size INTEGER NOT NULL CHECK (size >= 0),
    sha256 BLOB NOT NULL REFERENCES blobs (sha256),
    PRIMARY KEY (filing_id, ordinal)
) WITHOUT ROWID;

CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    created_at INTEGER NOT NULL,
    particular_id INTEGER NOT NULL REFERENCES particulars (id),
    type_code TEXT NOT NULL CHECK (length(type_code) BETWEEN 1 AND 16),
    issuer_staff_id INTEGER REFERENCES staff (id),
    subject TEXT NOT NULL CHECK (length(subject) <= 200),
    document_sha256 BLOB NOT NULL REFERENCES blobs (sha256),
    state INTEGER NOT NULL CHECK (state BETWEEN 0 AND 4),
    aviso_sent_at INTEGER,
    window_ends_at INTEGER,
    opened_at INTEGER,
    deemed_at INTEGER,
    notified_at INTEGER,
    effective_date INTEGER,
    response_deadline INTEGER,
    UNIQUE (id, created_at)
);
-- The mailbox page: one recipient's newest first.
CREATE INDEX notifications_mailbox ON notifications (particular_id, created_at DESC, id DESC);
-- Lineamientos 7.5: the worker's queue of windows that ended unopened.
CREATE INDEX notifications_due ON notifications (window_ends_at) WHERE state = 1;

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE CHECK (length(idempotency_key) BETWEEN 1 AND 128),
    channel INTEGER NOT NULL CHECK (channel IN (1, 2)),
    address TEXT NOT NULL CHECK (length(address) BETWEEN 3 AND 254),
    payload TEXT NOT NULL CHECK (length(payload) <= 1048576),
    state INTEGER NOT NULL CHECK (state BETWEEN 0 AND 3),
    attempts INTEGER NOT NULL CHECK (attempts >= 0),
    next_attempt_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    sent_at INTEGER,
    provider_reply TEXT CHECK (length(provider_reply) <= 512)
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE state IN (0, 1);

CREATE TABLE avisos (
    id INTEGER PRIMARY KEY,
    notification_id INTEGER NOT NULL,
    notification_created_at INTEGER NOT NULL,
    contact_id INTEGER NOT NULL REFERENCES contacts (id),
    outbox_id INTEGER REFERENCES outbox (id),
    created_at INTEGER NOT NULL,
    sent_at INTEGER,
    provider_reply TEXT CHECK (length(provider_reply) <= 512),
    FOREIGN KEY (notification_id, notification_created_at)
        REFERENCES notifications (id, created_at)
);
CREATE INDEX avisos_notification ON avisos (notification_id);

CREATE TABLE estrados (
    id INTEGER PRIMARY KEY,
    notification_id INTEGER NOT NULL,
    notification_created_at INTEGER NOT NULL,
    reason TEXT NOT NULL CHECK (length(reason) <= 200),
    published_at INTEGER NOT NULL,
    withdrawn_at INTEGER,
    notified_date INTEGER,
    FOREIGN KEY (notification_id, notification_created_at)
        REFERENCES notifications (id, created_at)
);
CREATE INDEX estrados_published ON estrados (published_at);

CREATE TABLE communications (
    id INTEGER PRIMARY KEY,
    audience INTEGER NOT NULL CHECK (audience BETWEEN 1 AND 3),
    segment TEXT CHECK (length(segment) <= 128),
    particular_id INTEGER REFERENCES particulars (id),
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    body TEXT NOT NULL CHECK (length(body) <= 1048576),
    author_staff_id INTEGER REFERENCES staff (id),
    published_at INTEGER NOT NULL,
    CHECK ((audience = 3) = (particular_id IS NOT NULL)),
    CHECK ((audience = 2) = (segment IS NOT NULL))
);
CREATE INDEX communications_published ON communications (audience, published_at);
CREATE INDEX communications_particular ON communications (particular_id, published_at)
    WHERE particular_id IS NOT NULL;

CREATE TABLE communication_reads (
    communication_id INTEGER NOT NULL REFERENCES communications (id),
    particular_id INTEGER NOT NULL REFERENCES particulars (id),
    read_at INTEGER NOT NULL,
    PRIMARY KEY (communication_id, particular_id)
) WITHOUT ROWID;

CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    particular_id INTEGER NOT NULL REFERENCES particulars (id),
    catalogue_code TEXT NOT NULL CHECK (length(catalogue_code) BETWEEN 1 AND 16),
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    media_type TEXT NOT NULL CHECK (length(media_type) <= 127),
    sha256 BLOB NOT NULL REFERENCES blobs (sha256),
    published_at INTEGER NOT NULL,
    expires_at INTEGER
);
CREATE INDEX documents_particular ON documents (particular_id, published_at);

CREATE TABLE authorizations (
    id INTEGER PRIMARY KEY,
    particular_id INTEGER NOT NULL REFERENCES particulars (id),
    kind INTEGER NOT NULL CHECK (kind BETWEEN 1 AND 3),
    grantee_rfc TEXT CHECK (length(grantee_rfc) BETWEEN 12 AND 13),
    granted_at INTEGER NOT NULL,
    revoked_at INTEGER
);
CREATE INDEX authorizations_particular ON authorizations (particular_id);
CREATE INDEX authorizations_grantee ON authorizations (grantee_rfc) WHERE revoked_at IS NULL;

CREATE TABLE receipts (
    id INTEGER PRIMARY KEY,
    folio TEXT NOT NULL UNIQUE CHECK (length(folio) BETWEEN 1 AND 40),
    kind INTEGER NOT NULL CHECK (kind BETWEEN 1 AND 9),
    rfc TEXT NOT NULL CHECK (length(rfc) BETWEEN 12 AND 13),
    subject_id INTEGER NOT NULL,
    issued_at INTEGER NOT NULL,
    legal_at INTEGER NOT NULL,
    cadena TEXT NOT NULL CHECK (length(cadena) BETWEEN 1 AND 1048576),
    sello TEXT NOT NULL CHECK (length(sello) BETWEEN 1 AND 1024),
    cert_number TEXT NOT NULL CHECK (length(cert_number) BETWEEN 1 AND 20),
    leaf_index INTEGER UNIQUE
);
CREATE INDEX receipts_subject ON receipts (kind, subject_id);

-- The Merkle log (RFC 9162): dense leaf indexes, appended under the one merkle_state row.
CREATE TABLE merkle_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    size INTEGER NOT NULL CHECK (size >= 0)
);
INSERT INTO merkle_state (id, size) VALUES (1, 0);

CREATE TABLE merkle_leaves (
    idx INTEGER PRIMARY KEY CHECK (idx >= 0),
    leaf_hash BLOB NOT NULL CHECK (length(leaf_hash) = 32),
    receipt_id INTEGER REFERENCES receipts (id)
);

CREATE TABLE tree_heads (
    tree_size INTEGER PRIMARY KEY CHECK (tree_size >= 0),
    root_hash BLOB NOT NULL CHECK (length(root_hash) = 32),
    signed_at INTEGER NOT NULL,
    signature TEXT NOT NULL CHECK (length(signature) BETWEEN 1 AND 1024),
    cert_number TEXT NOT NULL CHECK (length(cert_number) BETWEEN 1 AND 20)
);

CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor_kind INTEGER NOT NULL CHECK (actor_kind BETWEEN 0 AND 3),
    actor_id INTEGER,
    action TEXT NOT NULL CHECK (length(action) BETWEEN 1 AND 128),
    subject TEXT NOT NULL CHECK (length(subject) <= 128),
    rfc_hash TEXT CHECK (length(rfc_hash) = 16),
    request_id TEXT CHECK (length(request_id) <= 128),
    detail_json TEXT CHECK (length(detail_json) <= 1048576)
);
CREATE INDEX audit_events_at ON audit_events (at);

CREATE TABLE calendar_days (
    date INTEGER PRIMARY KEY CHECK (date BETWEEN 19000101 AND 99991231),
    reason TEXT NOT NULL CHECK (length(reason) BETWEEN 1 AND 200),
    declared_at INTEGER NOT NULL,
    declared_by INTEGER REFERENCES staff (id)
);

CREATE TABLE login_challenges (
    nonce_hash BLOB PRIMARY KEY CHECK (length(nonce_hash) = 32),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
) WITHOUT ROWID;
CREATE INDEX login_challenges_expiry ON login_challenges (expires_at);

CREATE TABLE sessions (
    token_hash BLOB PRIMARY KEY CHECK (length(token_hash) = 32),
    subject_kind INTEGER NOT NULL CHECK (subject_kind IN (1, 2)),
    subject_id INTEGER NOT NULL,
    rfc TEXT NOT NULL CHECK (length(rfc) BETWEEN 12 AND 13),
    cert_number TEXT CHECK (length(cert_number) <= 20),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_expiry ON sessions (expires_at);
