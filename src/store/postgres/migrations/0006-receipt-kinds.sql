-- Every receipt kind stored as itself (docs/storage.md, "Receipt kinds"): the kinds a receipt
-- or a pending mark may have are the rows of receipt_kinds, so a new kind is one INSERT and the
-- database still refuses a kind it does not know. Requests for guidance or clarification
-- (Lineamientos 5.9), kept until now under the filing kind, get their own.
CREATE TABLE receipt_kinds (
    id BIGINT PRIMARY KEY CHECK (id >= 1),
    name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 32)
);
INSERT INTO receipt_kinds (id, name) VALUES
    (1, 'contacts'), (2, 'validation'), (3, 'terms'), (4, 'filing'), (5, 'aviso'),
    (6, 'opened'), (7, 'deemed'), (8, 'estrados'), (9, 'authorization'), (10, 'clarification');

-- receipts and receipt_pending are plain tables (only notifications is partitioned, 0001): the
-- CHECK of 0001 and 0002 gives way to the foreign key in place, rows and ids untouched. Adding
-- the key checks every existing row, in this transaction.
ALTER TABLE receipts DROP CONSTRAINT receipts_kind_check;
ALTER TABLE receipts ADD CONSTRAINT receipts_kind_fkey
    FOREIGN KEY (kind) REFERENCES receipt_kinds (id);
ALTER TABLE receipt_pending DROP CONSTRAINT receipt_pending_kind_check;
ALTER TABLE receipt_pending ADD CONSTRAINT receipt_pending_kind_fkey
    FOREIGN KEY (kind) REFERENCES receipt_kinds (id);

-- The receipts of requests for guidance already issued: their cadena original names the kind
-- in its third field (docs/receipts.md section 3), right after the folio, which has no '|'.
-- Only the row's kind changes; the cadena, its sello and the Merkle leaf stay as sealed.
UPDATE receipts SET kind = 10
    WHERE kind = 4
      AND substr(cadena, 1, length(folio) + 26) = '||1|' || folio || '|solicitud_aclaracion|';
-- Marks not sealed yet: the compact JSON the evidence layer wrote names the kind.
UPDATE receipt_pending SET kind = 10
    WHERE kind = 4 AND request_json LIKE '%"kind":"solicitud\_aclaracion"%' ESCAPE '\';
