"""What an index file holds, read with Python's sqlite3 for the reliability scripts (crash_reindex.py,
server_stress.py): whether it passes SQLite's and FTS5's checks, and a fingerprint of its content."""

import hashlib, sqlite3


def integrity(index):
    """SQLite's integrity check and FTS5's (with rank=1: the index is also checked against its content
    table, chunks_fts being external-content over chunks). None when both pass."""
    try:
        db = sqlite3.connect(index)
        try:
            rows = [r[0] for r in db.execute("PRAGMA integrity_check")]
            if rows != ["ok"]:
                return "integrity_check: " + "; ".join(rows[:5])
            db.execute("INSERT INTO chunks_fts(chunks_fts, rank) VALUES('integrity-check', 1)")
            return None
        finally:
            db.close()
    except sqlite3.Error as e:
        return f"{type(e).__name__}: {e}"


def fingerprint(index):
    """Every document (path, content hash) and chunk (path, ordinal, headings, text): independent of row
    ids, so a clean index and an incremental one of the same corpus agree."""
    db = sqlite3.connect(index)
    try:
        h = hashlib.sha256()
        for row in db.execute("SELECT path, content_hash FROM documents ORDER BY path"):
            h.update(repr(row).encode())
        for row in db.execute("SELECT d.path, c.ordinal, c.headings, c.body FROM chunks c "
                              "JOIN documents d ON d.id = c.document_id ORDER BY d.path, c.ordinal"):
            h.update(repr(row).encode())
        documents = db.execute("SELECT count(*) FROM documents").fetchone()[0]
        return h.hexdigest()[:16], documents
    finally:
        db.close()
