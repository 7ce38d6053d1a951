-- Requests for guidance or clarification a particular files when enabling the mailbox fails
-- (Lineamientos 5.9), and the answer an official of the unit gives.
CREATE TABLE clarifications (
    id INTEGER PRIMARY KEY,
    particular_id INTEGER NOT NULL REFERENCES particulars (id),
    topic TEXT NOT NULL CHECK (topic IN ('rfc', 'regpat', 'contacts', 'operation')),
    text TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 4000),
    filed_at INTEGER NOT NULL,
    unit TEXT NOT NULL CHECK (length(unit) BETWEEN 1 AND 128),
    answer TEXT CHECK (length(answer) BETWEEN 1 AND 4000),
    answered_at INTEGER,
    answered_by INTEGER REFERENCES staff (id),
    CHECK ((answer IS NULL) = (answered_at IS NULL))
);
CREATE INDEX clarifications_particular ON clarifications (particular_id, id);
CREATE INDEX clarifications_unit ON clarifications (unit, id);
