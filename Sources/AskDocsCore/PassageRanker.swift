// Reranks the index's candidates: BM25 recomputed per concept (so that synonyms and variants count
// less than the word asked), plus how much of the question a passage covers, how close together the
// concepts stand, and whether the headings say it. Pure: candidates and statistics in, order out.

import Foundation

public struct RankingParameters: Sendable, Equatable {
    public var k1 = 1.2
    public var b = 0.75
    /// A title or heading match adds this many times the word's title/heading idf.
    public var titleWeight = 1.0
    public var headingWeight = 1.0
    /// Of a concept's other terms (variants, synonyms), this share adds to its best term's score.
    public var extraTermShare = 0.3
    /// Weights of the features added to normalised BM25.
    public var coverageWeight = 0.35
    public var windowWeight = 0.35
    public var headingCoverageWeight = 0.25
    /// Share of FTS5's own bm25 (all terms equal, title/heading tf weighted) in the base score; the rest is
    /// the concept-aware BM25 computed here.
    public var indexScoreShare = 0.5
    /// Window for proximity, in tokens.
    public var window = 12
    /// Added, times the share of the question's code (`work_mem`, `json.dumps`) that a passage writes
    /// whole: stemming reads `maintenance_work_mem` as holding "work mem" too. (0.15 → 0.4: PostgreSQL set
    /// 8 → 9 of 32, the other sets unchanged.)
    public var literalWeight = 0.4
    /// What release notes keep of their score for a question not about versions or changes.
    public var historyFactor = 0.8
    public init() {}
    public static let `default` = RankingParameters()
}

public enum PassageRanker {
    public static func rank(_ candidates: [Candidate], for query: AnalyzedQuery, statistics: CorpusStatistics,
                            parameters p: RankingParameters = .default) -> [RankedPassage] {
        guard !candidates.isEmpty, !query.concepts.isEmpty else { return [] }
        let weights = ConceptWeights(query: query, statistics: statistics)
        let avgdl = max(statistics.averageChunkTokens, 1)
        // idf per term, computed once per query.
        let termIDF: [[Double]] = query.concepts.map { c in
            c.terms.map { statistics.idf(ofPhrase: $0.stems) }
        }

        let termIndex = ConceptMatcher.TermIndex(query.concepts)
        let literals = p.literalWeight > 0 ? query.codeLiterals : []
        var scored: [(Candidate, Double, [String: Double], [String])] = []
        scored.reserveCapacity(candidates.count)
        for cand in candidates {
            let title = cand.stems.map { StemmedText(stems: $0.title) } ?? StemmedText(cand.title)
            let headings = cand.stems.map { StemmedText(stems: $0.headings) }
                ?? StemmedText(cand.headingPath.joined(separator: " . "))
            let body = cand.stems.map { StemmedText(stems: $0.body) } ?? StemmedText(cand.text)
            let occT = ConceptMatcher.occurrences(of: query.concepts, in: title, using: termIndex)
            let occH = ConceptMatcher.occurrences(of: query.concepts, in: headings, using: termIndex)
            let occB = ConceptMatcher.occurrences(of: query.concepts, in: body, using: termIndex)
            let dl = Double(title.count + headings.count + body.count)
            let norm = p.k1 * (1 - p.b + p.b * dl / avgdl)

            var bm25 = 0.0
            var fieldScore = 0.0
            var presence = [Double](repeating: 0, count: query.concepts.count)
            var headingPresence = [Double](repeating: 0, count: query.concepts.count)
            for (ci, concept) in query.concepts.enumerated() {
                var best = 0.0
                var rest = 0.0
                var bestTitle = 0.0
                var bestHeading = 0.0
                for (ti, term) in concept.terms.enumerated() {
                    let inTitle = !occT[ci].positions[ti].isEmpty
                    let inHeading = !occH[ci].positions[ti].isEmpty
                    let tf = Double(occB[ci].positions[ti].count)
                    if inTitle || inHeading || tf > 0 { presence[ci] = max(presence[ci], term.weight) }
                    // A title or heading match counts by how rare the word is among titles or headings.
                    if inTitle {
                        bestTitle = max(bestTitle, term.weight * statistics.titleIDF(ofPhrase: term.stems))
                    }
                    if inHeading {
                        bestHeading = max(bestHeading, term.weight * statistics.headingIDF(ofPhrase: term.stems))
                        headingPresence[ci] = max(headingPresence[ci], term.weight)
                    }
                    guard tf > 0 else { continue }
                    let s = term.weight * termIDF[ci][ti] * tf * (p.k1 + 1) / (tf + norm)
                    if s > best { rest += best; best = s } else { rest += s }
                }
                bm25 += Double(concept.count) * (best + p.extraTermShare * rest)
                fieldScore += Double(concept.count) * (p.titleWeight * bestTitle + p.headingWeight * bestHeading)
            }
            bm25 += fieldScore
            let coverage = weights.coverage(presence)
            let headingCoverage = weights.coverage(headingPresence)
            let window = bestWindowCoverage(occB, concepts: query.concepts, weights: weights, span: p.window)
            let matched = zip(query.concepts, presence).filter { $0.1 > 0 }.map(\.0.label)
            var features = ["bm25": bm25, "fields": fieldScore, "coverage": coverage, "window": window,
                            "headingCoverage": headingCoverage, "fts5": cand.indexScore]
            if !literals.isEmpty {
                // Named by its heading or entry, a passage is about the code; mentioning it, half as much.
                let names = (cand.headingPath.joined(separator: " ") + " "
                             + (cand.entry.map(AnswerComposer.entryName) ?? "")).lowercased()
                let text = cand.text.lowercased()
                let found = literals.reduce(0.0) { sum, literal in
                    sum + (AnswerComposer.containsWord(literal, in: names) ? 1
                           : AnswerComposer.containsWord(literal, in: text) ? 0.5 : 0)
                }
                features["literal"] = found / Double(literals.count)
            }
            scored.append((cand, bm25, features, matched))
        }
        let maxBM25 = scored.map(\.1).max() ?? 1
        let maxIndex = scored.map(\.0.indexScore).max() ?? 1
        var ranked = scored.map { cand, bm25, f, matched -> RankedPassage in
            var features = f
            let own = maxBM25 > 0 ? bm25 / maxBM25 : 0
            let fts = maxIndex > 0 ? cand.indexScore / maxIndex : 0
            let normBM25 = p.indexScoreShare * fts + (1 - p.indexScoreShare) * own
            features["bm25Norm"] = normBM25
            let score = normBM25 + p.coverageWeight * f["coverage", default: 0]
                + p.windowWeight * f["window", default: 0]
                + p.headingCoverageWeight * f["headingCoverage", default: 0]
                + p.literalWeight * f["literal", default: 0]
            return RankedPassage(candidate: cand, score: score, features: features, matchedConcepts: matched)
        }
        ranked.sort { a, b in
            a.score != b.score ? a.score > b.score : a.candidate.chunkID < b.candidate.chunkID
        }
        return ranked
    }

    /// A passage whose heading names a sibling of the asked name and not the name itself ("Companies Using
    /// Flask in Production" for a question on Django) is about something else: it keeps `factor` of its
    /// score. Cheap to skip when the question names nothing with siblings.
    public static func preferAskedNames(_ ranked: [RankedPassage], query: AnalyzedQuery,
                                        alternatives: [String: Set<String>], factor: Double = 0.7) -> [RankedPassage] {
        let asked = AskedNames(query: query, alternatives: alternatives)
        guard !asked.siblings.isEmpty else { return ranked }
        var out = ranked.map { passage -> RankedPassage in
            guard asked.isAboutSibling(heading: passage.candidate.headingPath.last ?? "") else { return passage }
            var p = passage
            p.score *= factor
            p.features["sibling"] = factor
            return p
        }
        out.sort { a, b in a.score != b.score ? a.score > b.score : a.candidate.chunkID < b.candidate.chunkID }
        return out
    }

    /// Release notes, changelogs and "what's new" keep `factor` of their score, unless the question asks
    /// about versions or changes: history says the same words as the docs it changed.
    public static func preferCurrentDocs(_ ranked: [RankedPassage], query: AnalyzedQuery,
                                         factor: Double) -> [RankedPassage] {
        guard factor < 1, !ReleaseNotes.asksAboutChanges(query) else { return ranked }
        var changed = false
        var out = ranked.map { passage -> RankedPassage in
            let c = passage.candidate
            guard ReleaseNotes.isHistory(source: c.source, title: c.title, headingPath: c.headingPath) else { return passage }
            var p = passage
            p.score *= factor
            p.features["history"] = factor
            changed = true
            return p
        }
        guard changed else { return ranked }
        out.sort { a, b in a.score != b.score ? a.score > b.score : a.candidate.chunkID < b.candidate.chunkID }
        return out
    }

    /// The largest idf-weighted share of concepts found together inside any `span`-token window.
    static func bestWindowCoverage(_ occ: [TermOccurrences], concepts: [QueryConcept], weights: ConceptWeights,
                                   span: Int) -> Double {
        // (position, concept, weight) events sorted by position; a sliding window keeps the best weight
        // per concept inside it.
        var events: [(pos: Int, concept: Int, weight: Double)] = []
        for (ci, o) in occ.enumerated() {
            for (ti, positions) in o.positions.enumerated() {
                for pos in positions { events.append((pos, ci, concepts[ci].terms[ti].weight)) }
            }
        }
        guard !events.isEmpty else { return 0 }
        events.sort { $0.pos < $1.pos }
        var best = 0.0
        var lo = 0
        for hi in 0..<events.count {
            while events[hi].pos - events[lo].pos >= span { lo += 1 }
            var presence = [Double](repeating: 0, count: concepts.count)
            for e in events[lo...hi] { presence[e.concept] = max(presence[e.concept], e.weight) }
            best = max(best, weights.coverage(presence))
        }
        return best
    }
}
