// The index file's schema, in one place. Bump `version` whenever a table, column or tokenizer changes, or
// what a reader makes of a file (6: admonition boxes no longer open sections; 7: DocBook's navigation bars
// dropped; 8: a page without an <h1> titled by its <title>, and its first heading when it repeats it; 11:
// ordered lists' items keep their numbers; 12: each document's extracted-text hash and the file a duplicate
// repeats, generated pages skipped; 13: chunk vectors; 14: anchors from an empty element just before a
// heading, a title said once in section paths; 15: consecutive definition terms, an option's aliases, name
// one entry together): an
// index with another version is rebuilt from the corpus (with a message), never misread or left stale.
//
//   meta(key, value)              corpus root, totals for BM25's average length, last index time
//   documents                     one row per source file: path relative to the corpus, title, date, url,
//                                 tags, content hash (SHA-256) of the file and of its extracted text (two
//                                 files that say the same are indexed once), size and mtime (to skip
//                                 unchanged files)
//   skipped_files                 files that could not be indexed (empty, binary, too large, generated, the
//                                 same text as another file, named in duplicate_of…), with size and mtime,
//                                 so that they are not read again until they change (or their original does)
//   chunks                        one row per chunk: document, ordinal, kind (prose/code/tableRow),
//                                 title, heading path ("A › B"), anchor, body, token count, and the
//                                 space-separated Porter stems of title, headings and body (so that
//                                 reranking reads them instead of tokenizing and stemming 100 texts a query),
//                                 and the definition-list entry (API signature, glossary term) it lies in
//   chunk_vectors                 one row per embedded chunk: its sentence vector (int8 values after a
//                                 float32 scale, see QuantizedVector) of "title › sections\nbody"; the
//                                 model and dimension are in meta (vector_model, vector_dimension), and a
//                                 chunk without a row is simply not embedded yet
//   chunks_fts                    FTS5 over chunks(title, headings, body), external content, porter stemming,
//                                 diacritics folded; default rank bm25 with titles and headings weighted 2
//   chunks_vocab                  fts5vocab 'row' view: chunks containing each term (for idf)
//   chunks_vocab_col              fts5vocab 'col' view: the same per column (idf of title and heading matches)
//   chunks_vocab_instance         fts5vocab 'instance' view: where each term occurs (a corrected word's spelling)

public enum Schema {
    public static let version: Int32 = 15

    /// The stored heading path ("A › B") as its parts, split by bytes: this runs for every candidate.
    public static func headingPath(_ stored: String) -> [String] {
        guard !stored.isEmpty else { return [] }
        let separator = Array(headingSeparator.utf8)
        var out: [String] = []
        var stored = stored
        stored.withUTF8 { bytes in
            var start = 0
            var i = 0
            while i + separator.count <= bytes.count {
                if bytes[i] == separator[0] && bytes[i..<(i + separator.count)].elementsEqual(separator) {
                    out.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self))
                    i += separator.count
                    start = i
                } else {
                    i += 1
                }
            }
            out.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start...]), as: UTF8.self))
        }
        return out
    }

    public static let bm25Weights = (title: 2.0, headings: 2.0, body: 1.0)

    public static let create = """
    CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    CREATE TABLE documents(
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL,
        date TEXT,
        url TEXT,
        tags TEXT NOT NULL DEFAULT '',
        content_hash TEXT NOT NULL,
        text_hash TEXT NOT NULL DEFAULT '',
        size INTEGER NOT NULL,
        mtime REAL NOT NULL
    );
    CREATE TABLE chunks(
        id INTEGER PRIMARY KEY,
        document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        ordinal INTEGER NOT NULL,
        kind TEXT NOT NULL,
        title TEXT NOT NULL,
        headings TEXT NOT NULL,
        anchor TEXT,
        body TEXT NOT NULL,
        token_count INTEGER NOT NULL,
        title_stems TEXT NOT NULL,
        heading_stems TEXT NOT NULL,
        body_stems TEXT NOT NULL,
        entry TEXT
    );
    CREATE INDEX chunks_by_document ON chunks(document_id);
    CREATE TABLE chunk_vectors(
        chunk_id INTEGER PRIMARY KEY REFERENCES chunks(id) ON DELETE CASCADE,
        vector BLOB NOT NULL
    );
    CREATE TABLE skipped_files(
        path TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        mtime REAL NOT NULL,
        reason TEXT NOT NULL,
        duplicate_of TEXT
    ) WITHOUT ROWID;
    CREATE VIRTUAL TABLE chunks_fts USING fts5(
        title, headings, body,
        content='chunks', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    );
    CREATE VIRTUAL TABLE chunks_vocab USING fts5vocab(chunks_fts, 'row');
    CREATE VIRTUAL TABLE chunks_vocab_col USING fts5vocab(chunks_fts, 'col');
    CREATE VIRTUAL TABLE chunks_vocab_instance USING fts5vocab(chunks_fts, 'instance');
    INSERT INTO chunks_fts(chunks_fts, rank) VALUES('rank', 'bm25(\(bm25Weights.title), \(bm25Weights.headings), \(bm25Weights.body))');
    PRAGMA user_version = \(version);
    """

    public static let drop = """
    DROP TABLE IF EXISTS chunks_vocab_instance;
    DROP TABLE IF EXISTS chunks_vocab_col;
    DROP TABLE IF EXISTS chunks_vocab;
    DROP TABLE IF EXISTS chunks_fts;
    DROP TABLE IF EXISTS skipped_files;
    DROP TABLE IF EXISTS chunk_vectors;
    DROP TABLE IF EXISTS chunks;
    DROP TABLE IF EXISTS documents;
    DROP TABLE IF EXISTS meta;
    """

    /// Separator of heading path elements in the `headings` column.
    public static let headingSeparator = " › "
}
