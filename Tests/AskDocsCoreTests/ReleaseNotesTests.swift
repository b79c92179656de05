// Release notes, changelogs and "what's new" pages are told from current documentation by their paths,
// titles and headings, and rank below it unless the question is about versions or changes.

import Testing
@testable import AskDocsCore

@Suite struct ReleaseNotesTests {
    @Test func historyIsToldByPathTitleAndHeading() {
        func history(_ source: String, _ title: String = "Page", _ headings: [String] = []) -> Bool {
            ReleaseNotes.isHistory(source: source, title: title, headingPath: headings)
        }
        #expect(history("history/changelog-1.0.html"))
        #expect(history("whatsnew/3.11.html"))
        #expect(history("release-15-1.html"))
        #expect(history("RelNotes/2.39.0.txt"))
        #expect(history("releaselog/3_40_0.html"))
        #expect(history("docs/CHANGES.md"))
        #expect(history("guide.html", "What’s New in Celery 5.2"))
        #expect(history("appendix.html", "E.1. Release 15.1"))
        #expect(history("guide.html", "Guide", ["Changelog", "Version 5.2.0"]))
        #expect(history("guide.html", "Guide", ["v4.0.0 (2016-11-04)"]))
        // Current documentation that only mentions versions or releases.
        #expect(!history("library/os.html", "os — Miscellaneous operating system interfaces", ["Process Management"]))
        #expect(!history("userguide/tasks.html", "Tasks", ["Retrying", "Automatic retry for known exceptions"]))
        #expect(!history("sql-release-savepoint.html", "RELEASE SAVEPOINT"))
        #expect(!history("guide.html", "Guide", ["Versioning your API with headers and routes"]))
        #expect(!history("newsletter.html", "Writing a newsletter"))
        #expect(!history("guide.html", "Newsletters and mailing lists"))
        #expect(!history("engines.html", "Engines", ["V8 engine"]))
        #expect(history("guide.html", "Guide", ["News"]))
    }

    @Test func questionsAboutVersionsAndChangesAreNotDemoted() {
        #expect(ReleaseNotes.asksAboutChanges(QueryAnalyzer.analyze("when was the json serializer made the default?")))
        #expect(ReleaseNotes.asksAboutChanges(QueryAnalyzer.analyze("what changed in 4.0?")))
        #expect(ReleaseNotes.asksAboutChanges(QueryAnalyzer.analyze("is Python 3.6 still supported?")))
        #expect(ReleaseNotes.asksAboutChanges(QueryAnalyzer.analyze("deprecated since which release?")))
        #expect(!ReleaseNotes.asksAboutChanges(QueryAnalyzer.analyze("how do I retry a task when it raises an exception?")))
    }

    @Test func historyRanksBelowTheCurrentDocsForAHowTo() {
        let old = Candidate(chunkID: 1, source: "history/changelog-1.0.html", title: "Change history for Celery 1.0",
                            headingPath: ["1.0.1"], anchor: nil, kind: .prose,
                            text: "Prior to 1.0.1 a task was retried with retry() only when max_retries was set.",
                            indexScore: 1)
        let now = Candidate(chunkID: 2, source: "userguide/tasks.html", title: "Tasks", headingPath: ["Retrying"],
                            anchor: nil, kind: .prose, text: "Call retry() inside the task to retry it.", indexScore: 1)
        func order(_ question: String) -> [Int64] {
            let q = QueryAnalyzer.analyze(question)
            let ranked = [RankedPassage(candidate: old, score: 1.0, features: [:], matchedConcepts: []),
                          RankedPassage(candidate: now, score: 0.9, features: [:], matchedConcepts: [])]
            return PassageRanker.preferCurrentDocs(ranked, query: q, factor: 0.8).map(\.candidate.chunkID)
        }
        #expect(order("how do I retry a task?") == [2, 1])
        #expect(order("in which version did retry start working without max_retries?") == [1, 2])
    }
}
