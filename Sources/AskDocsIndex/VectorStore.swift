// The chunk vectors' side of the index file: which chunks still need a vector, writing a batch of them,
// reading them all into memory, and the model they were made with (meta `vector_model`,
// `vector_dimension`; another model's vectors are dropped, never compared with this one's).

import AskDocsCore
import Foundation

/// A chunk waiting for its vector: what the encoder reads.
public struct ChunkToEmbed: Sendable, Equatable {
    public var id: Int64
    public var text: String
}

extension SearchIndex {
    /// The model the stored vectors were made with, as "name/dimension"; nil when none are stored.
    public func vectorModel() throws -> (name: String, dimension: Int)? {
        guard let name = try meta("vector_model"), let dimension = try meta("vector_dimension").flatMap({ Int($0) })
        else { return nil }
        return (name, dimension)
    }

    /// Makes `name` the index's vector model: vectors of any other model (or dimension) are deleted.
    public func useVectorModel(_ name: String, dimension: Int) throws {
        if let current = try vectorModel(), current.name == name, current.dimension == dimension { return }
        try connection.transaction {
            try connection.execute("DELETE FROM chunk_vectors")
            try setMeta("vector_model", name)
            try setMeta("vector_dimension", String(dimension))
        }
    }

    /// How many chunks have a vector and how many have none yet.
    public func vectorCounts() throws -> (embedded: Int, missing: Int) {
        let s = try connection.prepare("""
            SELECT (SELECT count(*) FROM chunk_vectors),
                   (SELECT count(*) FROM chunks c WHERE NOT EXISTS (SELECT 1 FROM chunk_vectors v WHERE v.chunk_id = c.id))
            """)
        defer { s.finish() }
        _ = try s.step()
        return (Int(s.int(0)), Int(s.int(1)))
    }

    /// Up to `limit` chunks without a vector, by id (so that a resumed pass goes on where it stopped).
    public func chunksWithoutVectors(limit: Int) throws -> [ChunkToEmbed] {
        let s = try connection.prepare("""
            SELECT c.id, c.title, c.headings, c.body FROM chunks c
            WHERE NOT EXISTS (SELECT 1 FROM chunk_vectors v WHERE v.chunk_id = c.id)
            ORDER BY c.id LIMIT ?
            """)
        defer { s.finish() }
        try s.bind(.int(Int64(limit)))
        var out: [ChunkToEmbed] = []
        while try s.step() {
            out.append(ChunkToEmbed(id: s.int(0), text: EmbeddedText.chunk(
                title: s.text(1), headingPath: Schema.headingPath(s.text(2)), body: s.text(3))))
        }
        return out
    }

    /// Stores one batch of vectors in one transaction: a kill loses at most the batch being computed.
    /// A chunk deleted meanwhile (a reindex by another process) is skipped, not an error.
    public func storeVectors(_ vectors: [(id: Int64, vector: QuantizedVector)]) throws {
        guard !vectors.isEmpty else { return }
        try connection.transaction {
            let insert = try connection.prepare("""
                INSERT OR REPLACE INTO chunk_vectors(chunk_id, vector) SELECT ?1, ?2 WHERE EXISTS (SELECT 1 FROM chunks WHERE id = ?1)
                """)
            for (id, vector) in vectors { try insert.bind(.int(id), .blob(vector.bytes)).run() }
            try setMeta("vectors_at", String(Date().timeIntervalSince1970))
        }
    }

    /// Every stored vector of the index's model, in memory.
    public func allVectors() throws -> ChunkVectors? {
        guard let model = try vectorModel() else { return nil }
        var out = ChunkVectors(dimension: model.dimension)
        let s = try connection.prepare("SELECT chunk_id, vector FROM chunk_vectors ORDER BY chunk_id")
        defer { s.finish() }
        while try s.step() {
            if let v = QuantizedVector(bytes: s.blob(1), dimension: model.dimension) { out.append(id: s.int(0), vector: v) }
        }
        return out
    }

    /// The chunks with these ids as candidates (no FTS5 score: they come from the vectors), in the order given.
    public func candidates(ids: [Int64]) throws -> [Candidate] {
        let s = try connection.prepare("""
            SELECT c.id, d.path, c.title, c.headings, c.anchor, c.kind, c.body, 0,
                   c.title_stems, c.heading_stems, c.body_stems, c.entry, d.url
            FROM chunks c JOIN documents d ON d.id = c.document_id WHERE c.id = ?
            """)
        var out: [Candidate] = []
        out.reserveCapacity(ids.count)
        for id in ids {
            try s.bind(.int(id))
            if try s.step() { out.append(Self.candidate(s)) }
            s.finish()
        }
        return out
    }
}
