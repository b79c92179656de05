// Fuzz target: any bytes as a .html file, through the ingest path the indexer takes (DocumentReader:
// SourceDecoder, then the HTMLReader) and the Chunker. A file is either skipped with a reason or becomes
// chunks that hold text and no NUL (SQLite would store the text cut short at one).

import FuzzSupport

FuzzSupport.run { data, size in
    FuzzSupport.ingest(FuzzSupport.bytes(data, size), as: "fuzz.html")
    return 0
}
