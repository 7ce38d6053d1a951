-- Contact validation (Lineamientos 5.2) and the outbox as the delivery worker needs it
-- (docs/delivery.md).

-- The validation code is kept as SHA-256(salt || code) with a random salt per contact; the
-- link key (32 random bytes) as its SHA-256. Both are zeroed once the contact is confirmed.
ALTER TABLE contacts ADD COLUMN code_salt BYTEA CHECK (code_salt IS NULL OR length(code_salt) = 32);
ALTER TABLE contacts ADD COLUMN link_hash BYTEA CHECK (link_hash IS NULL OR length(link_hash) = 32);

-- in_doubt: the claim found the previous attempt never recorded (its worker died mid-send).
-- reply_code, transcript and reference: the server's answer kept as evidence of the attempt.
ALTER TABLE outbox ADD COLUMN in_doubt BIGINT NOT NULL DEFAULT 0 CHECK (in_doubt IN (0, 1));
ALTER TABLE outbox ADD COLUMN reply_code BIGINT;
ALTER TABLE outbox ADD COLUMN transcript TEXT CHECK (length(transcript) <= 4096);
ALTER TABLE outbox ADD COLUMN reference TEXT CHECK (length(reference) <= 255);
-- The due time a message had when it was last claimed, to measure how late the worker is.
ALTER TABLE outbox ADD COLUMN claimed_due BIGINT;
CREATE INDEX contacts_pending_particular ON contacts (particular_id) WHERE state = 0;
