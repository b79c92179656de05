// The chunk vectors in the index file: which chunks still need one, batches that survive a document's
// change or removal, a model change that drops the old vectors, and reading them back for search.

import Foundation
import AskDocsTestSupport
import Testing
@testable import AskDocsCore
@testable import AskDocsIndex
@testable import AskDocsIngest

@Suite struct VectorStoreTests {
    static func document(_ name: String, sections: Int) -> (Document, [Chunk]) {
        let text = "# \(name)\n\n" + (0..<sections).map { "## Part \($0)\n\nText \($0) of \(name).\n" }.joined(separator: "\n")
        let doc = MarkdownReader.read(text, source: "\(name).md")
        return (doc, Chunker().chunks(of: doc))
    }

    static func vector(_ seed: Int, dimension: Int = 8) -> QuantizedVector {
        QuantizedVector((0..<dimension).map { Float(($0 + seed) % 5) - 2 })
    }

    @Test func missingVectorsAreFoundStoredAndFollowTheirChunks() throws {
        let index = try SearchIndex(writableAt: Scratch.path("vectors", suffix: ".sqlite").path)
        let (a, aChunks) = Self.document("alpha", sections: 3)
        let (b, bChunks) = Self.document("beta", sections: 2)
        try index.write { w in
            try w.add(a, chunks: aChunks, contentHash: "a", size: 1, mtime: 1)
            try w.add(b, chunks: bChunks, contentHash: "b", size: 1, mtime: 1)
        }
        try index.useVectorModel("test-model", dimension: 8)
        #expect(try index.vectorCountList() == [0, 5])
        let first = try index.chunksWithoutVectors(limit: 3)
        #expect(first.count == 3)
        // What is embedded: the page and its section path, then the text.
        #expect(first[0].text.hasPrefix("alpha › Part 0\n"))
        try index.storeVectors(first.map { ($0.id, Self.vector(Int($0.id))) })
        #expect(try index.vectorCountList() == [3, 2])
        // A resumed pass takes up the ones left, in id order.
        let rest = try index.chunksWithoutVectors(limit: 10)
        #expect(rest.map(\.id) == rest.map(\.id).sorted())
        #expect(Set(rest.map(\.id)).isDisjoint(with: first.map(\.id)))
        try index.storeVectors(rest.map { ($0.id, Self.vector(Int($0.id))) })
        #expect(try index.vectorCountList() == [5, 0])
        let all = try #require(try index.allVectors())
        #expect(all.count == 5 && all.dimension == 8)

        // A changed document's chunks are new rows: their vectors go with the old ones.
        let alphaID = try #require(try index.storedDocuments()[PathKey("alpha.md")]?.id)
        try index.write { w in try w.remove(documentID: alphaID) }
        #expect(try index.vectorCountList() == [2, 0])
        let (a2, a2Chunks) = Self.document("alpha", sections: 4)
        try index.write { w in try w.add(a2, chunks: a2Chunks, contentHash: "a2", size: 1, mtime: 2) }
        #expect(try index.vectorCountList() == [2, 4])
        // A vector for a chunk deleted meanwhile (another process reindexed) is dropped, not an error.
        try index.storeVectors([(999_999, Self.vector(1))])
        #expect(try index.vectorCountList() == [2, 4])
        #expect(try index.integrityProblems() == nil)
    }

    @Test func anotherModelsVectorsAreDropped() throws {
        let index = try SearchIndex(writableAt: Scratch.path("vectors", suffix: ".sqlite").path)
        let (a, chunks) = Self.document("alpha", sections: 2)
        try index.write { w in try w.add(a, chunks: chunks, contentHash: "a", size: 1, mtime: 1) }
        #expect(try index.allVectors() == nil)
        try index.useVectorModel("model-one", dimension: 8)
        try index.storeVectors(try index.chunksWithoutVectors(limit: 10).map { ($0.id, Self.vector(Int($0.id))) })
        #expect(try index.vectorCountList() == [2, 0])
        try index.useVectorModel("model-one", dimension: 8)
        #expect(try index.vectorCountList() == [2, 0])
        try index.useVectorModel("model-two", dimension: 8)
        #expect(try index.vectorCountList() == [0, 2])
        #expect(try index.vectorModel()?.name == "model-two")
        try index.storeVectors(try index.chunksWithoutVectors(limit: 10).map { ($0.id, Self.vector(Int($0.id))) })
        try index.useVectorModel("model-two", dimension: 16)
        #expect(try index.vectorCountList() == [0, 2])
        // Emptying the index for a rebuild empties the vectors too.
        try index.useVectorModel("model-two", dimension: 8)
        try index.storeVectors(try index.chunksWithoutVectors(limit: 10).map { ($0.id, Self.vector(Int($0.id))) })
        try index.write { w in try w.removeAll() }
        #expect(try index.vectorCountList() == [0, 0])
    }

    @Test func candidatesByIDKeepTheOrderAsked() throws {
        let index = try SearchIndex(writableAt: Scratch.path("vectors", suffix: ".sqlite").path)
        let (a, chunks) = Self.document("alpha", sections: 3)
        try index.write { w in try w.add(a, chunks: chunks, contentHash: "a", size: 1, mtime: 1) }
        let ids = try index.chunksWithoutVectors(limit: 10).map(\.id)
        let found = try index.candidates(ids: [ids[2], 424_242, ids[0]])
        #expect(found.map(\.chunkID) == [ids[2], ids[0]])
        #expect(found[0].headingPath.last == "Part 2")
        #expect(found[0].indexScore == 0)
    }
}

extension SearchIndex {
    /// [embedded, missing], comparable inside #expect.
    func vectorCountList() throws -> [Int] {
        let counts = try vectorCounts()
        return [counts.embedded, counts.missing]
    }
}
