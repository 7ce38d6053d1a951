-- The Merkle log's perfect subtrees above the leaves, folio sequences and receipts pending
-- their seal (docs/receipts.md, "Sealing and the store").

-- The hash of the perfect subtree of 2^level leaves whose first leaf is idx << level
-- (level >= 1; level 0 is merkle_leaves). Written once, in the transaction that appends the
-- leaf completing it, so a proof reads O(log^2 n) rows by primary key.
CREATE TABLE merkle_nodes (
    level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 63),
    idx INTEGER NOT NULL CHECK (idx >= 0),
    hash BLOB NOT NULL CHECK (length(hash) = 32),
    PRIMARY KEY (level, idx)
) WITHOUT ROWID;

-- The last folio sequence number handed out in each year of issue; updated in the receipt's
-- transaction, so a rollback returns the number and folios have no gaps.
CREATE TABLE folio_sequences (
    year INTEGER PRIMARY KEY CHECK (year BETWEEN 2000 AND 9999),
    last_seq INTEGER NOT NULL CHECK (last_seq >= 0)
);

-- An act committed whose receipt is not sealed yet: the receipt's fields as JSON. Sealing
-- deletes the row in the receipt's transaction; the worker seals what remains.
CREATE TABLE receipt_pending (
    id INTEGER PRIMARY KEY,
    kind INTEGER NOT NULL CHECK (kind BETWEEN 1 AND 9),
    subject_id INTEGER NOT NULL,
    legal_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    request_json TEXT NOT NULL CHECK (length(request_json) BETWEEN 2 AND 1048576)
);
CREATE INDEX receipt_pending_subject ON receipt_pending (kind, subject_id);
