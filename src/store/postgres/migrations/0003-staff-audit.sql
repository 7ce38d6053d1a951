-- Officials and IMSS systems (Lineamientos 10; docs/authorization.md): the four roles the
-- Buzón's authorization knows, sessions that remember who signed for a company, and an audit
-- log a particular can read by its RFC's hash.

-- Roles were notifier (1), reviewer (2), publisher (4) and admin (8); they are now issuer (1),
-- handler (2), administrator (4) and auditor (8). Publishing documents is the issuer's.
UPDATE staff SET roles = (roles & 3) | ((roles & 4) >> 2) | ((roles & 8) >> 1);

-- Who signed in for a company (from the e.firma's certificate); empty for a person.
ALTER TABLE sessions ADD COLUMN representative_rfc TEXT
    CHECK (length(representative_rfc) BETWEEN 12 AND 13);
ALTER TABLE sessions ADD COLUMN representative_curp TEXT
    CHECK (length(representative_curp) = 18);

-- Who acted, as shown to the particular: the official's name or the system's token name at the
-- time, and the session or token id (never a secret).
ALTER TABLE audit_events ADD COLUMN actor_name TEXT CHECK (length(actor_name) <= 254);
ALTER TABLE audit_events ADD COLUMN actor_ref TEXT CHECK (length(actor_ref) <= 128);
CREATE INDEX audit_events_rfc ON audit_events (rfc_hash, at);
