-- PostgreSQL only (identifier columns compare bytewise): SQLite compares
-- text bytewise (BINARY) already.
SELECT 1;
