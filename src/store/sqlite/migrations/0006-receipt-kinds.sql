-- Every receipt kind stored as itself (docs/storage.md, "Receipt kinds"): the kinds a receipt
-- or a pending mark may have are the rows of receipt_kinds, so a new kind is one INSERT and the
-- database still refuses a kind it does not know. Requests for guidance or clarification
-- (Lineamientos 5.9), kept until now under the filing kind, get their own.
CREATE TABLE receipt_kinds (
    id INTEGER PRIMARY KEY CHECK (id >= 1),
    name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 32)
);
INSERT INTO receipt_kinds (id, name) VALUES
    (1, 'contacts'), (2, 'validation'), (3, 'terms'), (4, 'filing'), (5, 'aviso'),
    (6, 'opened'), (7, 'deemed'), (8, 'estrados'), (9, 'authorization'), (10, 'clarification');

-- SQLite cannot alter a CHECK: receipts and receipt_pending are rebuilt as
-- https://sqlite.org/lang_altertable.html section 7 says (create the new table, copy, drop
-- the old, rename, recreate the indexes). The runner turned foreign keys off before this
-- transaction and runs PRAGMA foreign_key_check before its commit (src/store/sqlite/driver.c);
-- merkle_leaves refers to receipts by name and finds the new table under it. Ids are copied,
-- so every leaf still points at its receipt. Neither table has triggers or views.
CREATE TABLE receipts_new (
    id INTEGER PRIMARY KEY,
    folio TEXT NOT NULL UNIQUE CHECK (length(folio) BETWEEN 1 AND 40),
    kind INTEGER NOT NULL REFERENCES receipt_kinds (id),
    rfc TEXT NOT NULL CHECK (length(rfc) BETWEEN 12 AND 13),
    subject_id INTEGER NOT NULL,
    issued_at INTEGER NOT NULL,
    legal_at INTEGER NOT NULL,
    cadena TEXT NOT NULL CHECK (length(cadena) BETWEEN 1 AND 1048576),
    sello TEXT NOT NULL CHECK (length(sello) BETWEEN 1 AND 1024),
    cert_number TEXT NOT NULL CHECK (length(cert_number) BETWEEN 1 AND 20),
    leaf_index INTEGER UNIQUE
);
INSERT INTO receipts_new (id, folio, kind, rfc, subject_id, issued_at, legal_at, cadena, sello,
                          cert_number, leaf_index)
    SELECT id, folio, kind, rfc, subject_id, issued_at, legal_at, cadena, sello, cert_number,
           leaf_index
    FROM receipts;
DROP TABLE receipts;
ALTER TABLE receipts_new RENAME TO receipts;
CREATE INDEX receipts_subject ON receipts (kind, subject_id);

CREATE TABLE receipt_pending_new (
    id INTEGER PRIMARY KEY,
    kind INTEGER NOT NULL REFERENCES receipt_kinds (id),
    subject_id INTEGER NOT NULL,
    legal_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    request_json TEXT NOT NULL CHECK (length(request_json) BETWEEN 2 AND 1048576)
);
INSERT INTO receipt_pending_new (id, kind, subject_id, legal_at, created_at, request_json)
    SELECT id, kind, subject_id, legal_at, created_at, request_json FROM receipt_pending;
DROP TABLE receipt_pending;
ALTER TABLE receipt_pending_new RENAME TO receipt_pending;
CREATE INDEX receipt_pending_subject ON receipt_pending (kind, subject_id);

-- The receipts of requests for guidance already issued: their cadena original names the kind
-- in its third field (docs/receipts.md section 3), right after the folio, which has no '|'.
-- Only the row's kind changes; the cadena, its sello and the Merkle leaf stay as sealed.
UPDATE receipts SET kind = 10
    WHERE kind = 4
      AND substr(cadena, 1, length(folio) + 26) = '||1|' || folio || '|solicitud_aclaracion|';
-- Marks not sealed yet: the compact JSON the evidence layer wrote names the kind.
UPDATE receipt_pending SET kind = 10
    WHERE kind = 4 AND request_json LIKE '%"kind":"solicitud\_aclaracion"%' ESCAPE '\';
