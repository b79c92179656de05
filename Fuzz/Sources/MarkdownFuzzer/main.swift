// Fuzz target: any bytes as a .md file, through the ingest path the indexer takes (DocumentReader:
// SourceDecoder, then the MarkdownReader) and the Chunker. A file is either skipped with a reason or becomes
// chunks that hold text and no NUL (SQLite would store the text cut short at one).

import AskDocsCore
import AskDocsIngest
import Foundation
import FuzzSupport

func fuzzMarkdown(_ input: Data) {
    let document: Document
    do {
        document = try DocumentReader.read(input, source: "fuzz.md")
    } catch {
        return
    }
    let chunks = Chunker().chunks(of: document)
    for (i, chunk) in chunks.enumerated() {
        FuzzSupport.require(chunk.ordinal == i, "chunk \(i) has ordinal \(chunk.ordinal)")
        FuzzSupport.require(!chunk.text.utf8.contains(0), "chunk \(i) holds a NUL")
        FuzzSupport.require(!chunk.text.allSatisfy(\.isWhitespace), "chunk \(i) is blank")
    }
}

FuzzSupport.run { data, size in
    fuzzMarkdown(FuzzSupport.bytes(data, size))
    return 0
}
