// Documentation sites as generators build them: Sphinx's and MkDocs' output folders and generated pages are
// skipped with their reasons, real pages (a sub-folder's index.html included) are kept, the user's
// .askdocsignore and --include/--exclude rules decide last, and a file repeating another's text is indexed
// once, the same one whatever order the files arrived in.

import Foundation
import AskDocsTestSupport
import Testing
@testable import AskDocsEngine
@testable import AskDocsIndex

@Suite struct GeneratedSiteTests {
    static func write(_ text: String, _ path: String, in root: URL) {
        let url = root.appendingPathComponent(path)
        try! FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try! Data(text.utf8).write(to: url)
    }

    static func page(_ title: String, _ body: String, head: String = "") -> String {
        "<html><head><title>\(title)</title>\(head)</head><body><h1>\(title)</h1>\(body)</body></html>"
    }

    /// A small Sphinx build: its marker files, pages, sub-folder index, and every kind of generated output.
    static func sphinxSite(at root: URL) {
        write("# Sphinx inventory version 2\n# Project: Widget\n", "objects.inv", in: root)
        write("Search.setIndex({\"docnames\": [\"index\"]})", "searchindex.js", in: root)
        write(page("Widget documentation", "<p>Widget turns sprockets into gears with a flux capacitor.</p>"), "index.html", in: root)
        write(page("User guide", "<p>The guide explains how to calibrate the sprocket tension before the first run.</p>"
                   + "<div class='toctree-wrapper'><ul><li><a href='install.html'>Install</a></li></ul></div>"),
              "guide/index.html", in: root)
        write(page("Installing", "<h2 id='pip'>With pip</h2><p>Install the widget with pip install widget and restart the daemon.</p>"),
              "guide/install.html", in: root)
        write("Installing\n==========\n\nWith pip\n--------\n\nInstall the widget with pip install widget and restart the daemon.\n",
              "_sources/guide/install.rst.txt", in: root)
        write("Sprocket notes kept as static text: calibrate the sprocket tension.\n", "_static/notes.txt", in: root)
        write("body { color: black }", "_static/basic.css", in: root)
        write(page("widget.core", "<div class='highlight'><pre>def calibrate(tension):\n    return tension * 2</pre></div>"
                   + "<a class='viewcode-back' href='../../guide/install.html'>[docs]</a>")
                .replacingOccurrences(of: "<h1>widget.core</h1>", with: "<h1>Source code for widget.core</h1>"),
              "_modules/widget/core.html", in: root)
        write(page("Index", "<table class='indextable genindextable'><tr><td><a href='guide/install.html'>calibrate() (in module widget)</a></td></tr></table>"),
              "genindex.html", in: root)
        write(page("Search", "<p>Please activate JavaScript to enable the search functionality.</p><div id='search-results'></div>"),
              "search.html", in: root)
        write(page("Python Module Index", "<table class='indextable modindextable'><tr><td><a href='_modules/widget/core.html'>widget.core</a></td></tr></table>"),
              "py-modindex.html", in: root)
    }

    static func index(_ corpus: URL, filters: IndexFilters? = nil, at path: String? = nil) throws -> (Engine, IndexSummary) {
        let engine = try Engine(indexPath: path ?? Scratch.path("index", suffix: ".sqlite").path, corpusPath: corpus.path)
        let summary = try engine.reindex(filters: filters)
        return (engine, summary)
    }

    static func documents(_ engine: Engine) throws -> [String] {
        let s = try engine.index.connection.prepare("SELECT path FROM documents ORDER BY path")
        var out: [String] = []
        while try s.step() { out.append(s.text(0)) }
        return out
    }

    @Test func sphinxBuildOutputIsSkippedWithItsReasons() throws {
        let root = Scratch.path("sphinx")
        Self.sphinxSite(at: root)
        let (engine, summary) = try Self.index(root)
        #expect(try Self.documents(engine) == ["guide/index.html", "guide/install.html", "index.html"])
        let reasons = Dictionary(uniqueKeysWithValues: summary.skippedFiles.map { ($0.path, $0.category) })
        #expect(reasons["_sources/guide/install.rst.txt"] == "Sphinx page source")
        #expect(reasons["_static/notes.txt"] == "Sphinx static files")
        #expect(reasons["_modules/widget/core.html"] == "Sphinx source listing")
        #expect(reasons["genindex.html"] == "generated index page")
        #expect(reasons["py-modindex.html"] == "generated index page")
        #expect(reasons["search.html"] == "search page")
        #expect(summary.skipCounts.first { $0.reason == "generated index page" }?.count == 2)
        #expect(summary.skipLine?.hasPrefix("skipped \(summary.skippedFiles.count) files: ") == true)
        // What the skipped files say is never cited.
        let results = try engine.search("calibrate sprocket tension", limit: 20).passages
        #expect(!results.isEmpty)
        let pages: Set<String> = ["guide/index.html", "guide/install.html", "index.html"]
        #expect(results.allSatisfy { pages.contains($0.candidate.source) })
        // A second run knows them all and reads nothing.
        let again = try engine.reindex()
        #expect(!again.changedAnything)
        #expect(again.skippedFiles.count == summary.skippedFiles.count)
    }

    @Test func withoutAGeneratorsMarksFoldersAndNamesAreContent() throws {
        // The same names outside a Sphinx build (no objects.inv, no searchindex.js) are ordinary files.
        let root = Scratch.path("plain")
        Self.write("Sprocket notes kept as static text: calibrate the sprocket tension.\n", "_static/notes.txt", in: root)
        Self.write(Self.page("Search", "<p>How to search the archive: use the catalogue cards in room four.</p>"), "search.html", in: root)
        Self.write(Self.page("Index", "<p>The index of the annual report lists every regional office.</p>"), "genindex.html", in: root)
        let (engine, summary) = try Self.index(root)
        #expect(try Self.documents(engine) == ["_static/notes.txt", "genindex.html", "search.html"])
        #expect(summary.skippedFiles.isEmpty)
    }

    @Test func mkdocsBuildOutputIsSkipped() throws {
        let root = Scratch.path("mkdocs")
        Self.write("{\"config\":{\"lang\":[\"en\"],\"separator\":\"[\\\\s\\\\-]+\"},\"docs\":[]}", "search/search_index.json", in: root)
        Self.write("<?xml version=\"1.0\"?><urlset></urlset>", "sitemap.xml", in: root)
        Self.write(Self.page("Gizmo", "<p>Gizmo schedules jobs on a cluster of toasters.</p>",
                             head: "<meta name=\"generator\" content=\"mkdocs-1.4.2, mkdocs-material-9.0.0\">"), "index.html", in: root)
        Self.write(Self.page("Setup", "<h2 id='toasters'>Toasters</h2><p>Register each toaster with gizmo add before scheduling jobs.</p>"),
                   "setup/index.html", in: root)
        Self.write("<html><head><title>404 - Not found</title></head><body><h1>404 - Not found</h1></body></html>", "404.html", in: root)
        Self.write("Theme notes: register each toaster.", "assets/readme.txt", in: root)
        let (engine, summary) = try Self.index(root)
        #expect(try Self.documents(engine) == ["index.html", "setup/index.html"])
        let reasons = Dictionary(uniqueKeysWithValues: summary.skippedFiles.map { ($0.path, $0.category) })
        #expect(reasons["404.html"] == "error page")
        #expect(reasons["assets/readme.txt"] == "MkDocs theme assets")
        #expect(reasons["search/search_index.json"] == "MkDocs search index")
    }

    @Test func userRulesDecideLast() throws {
        let root = Scratch.path("rules")
        Self.sphinxSite(at: root)
        Self.write("# Draft\n\nA draft about sprocket tension.\n", "drafts/wip.md", in: root)
        Self.write("# drafts are private\ndrafts/\n!_modules/\n", ".askdocsignore", in: root)
        let indexPath = Scratch.path("index", suffix: ".sqlite").path
        let (engine, summary) = try Self.index(root, at: indexPath)
        var docs = try Self.documents(engine)
        #expect(!docs.contains("drafts/wip.md"))
        // `!_modules/` brings the source listing back although its content says a generator wrote it.
        #expect(docs.contains("_modules/widget/core.html"))
        #expect(summary.skippedFiles.first { $0.path == "drafts/wip.md" }?.reason == "excluded by .askdocsignore line 2 (drafts/)")

        // --exclude and --include are remembered: a later update without them applies them too.
        let (_, second) = try Self.index(root, filters: IndexFilters(include: ["genindex.html"], exclude: ["guide/install.html"]),
                                        at: indexPath)
        #expect(second.full)  // the include rules changed
        docs = try Self.documents(engine)
        #expect(docs.contains("genindex.html") && !docs.contains("guide/install.html"))
        let third = try engine.reindex()
        #expect(!third.changedAnything)
        #expect(try Self.documents(engine) == docs)
        // An empty glob clears them.
        _ = try engine.reindex(filters: IndexFilters(include: [""], exclude: [""]))
        docs = try Self.documents(engine)
        #expect(!docs.contains("genindex.html") && docs.contains("guide/install.html"))
        // A `!` line taken out of .askdocsignore makes the index stale (an `ask` updates it) although no file
        // changed, and the generated page it had brought in goes.
        Self.write("drafts/\n!genindex.html\n", ".askdocsignore", in: root)
        _ = try engine.reindex()
        #expect(try Self.documents(engine).contains("genindex.html"))
        Self.write("drafts/\n", ".askdocsignore", in: root)
        #expect(try engine.staleness()?.isCurrent == false)
        _ = try engine.reindex()
        #expect(!(try Self.documents(engine)).contains("genindex.html"))
        #expect(try engine.staleness()?.isCurrent == true)
    }

    @Test func aFileRepeatingAnothersTextIsIndexedOnceTheFirstByPath() throws {
        let root = Scratch.path("dupes")
        let text = "<h2>Tuning</h2><p>Set the frobnication level to eleven for the loudest output.</p>"
        Self.write(Self.page("Frobnicator", text), "b/page.html", in: root)
        Self.write(Self.page("Frobnicator", "<!-- another build -->" + text), "c/page.html", in: root)
        let indexPath = Scratch.path("index", suffix: ".sqlite").path
        let (engine, first) = try Self.index(root, at: indexPath)
        #expect(try Self.documents(engine) == ["b/page.html"])
        #expect(first.skippedFiles.map(\.reason) == ["duplicate (same text as b/page.html)"])

        // A copy that sorts first takes over, as a full build would choose it.
        Self.write(Self.page("Frobnicator", text), "a/page.html", in: root)
        let second = try engine.reindex()
        #expect(try Self.documents(engine) == ["a/page.html"])
        #expect(second.added == 1 && second.removed == 1)
        let fullPath = Scratch.path("full", suffix: ".sqlite").path
        let full = try Engine(indexPath: fullPath, corpusPath: root.path)
        _ = try full.reindex(full: true)
        #expect(try Self.documents(full) == ["a/page.html"])

        // When the indexed copy goes, the next one by path is indexed; when it changes, so is its copy.
        try FileManager.default.removeItem(at: root.appendingPathComponent("a/page.html"))
        _ = try engine.reindex()
        #expect(try Self.documents(engine) == ["b/page.html"])
        Self.write(Self.page("Frobnicator", "<h2>Tuning</h2><p>Now eleven is too loud; use ten.</p>"), "b/page.html", in: root)
        _ = try engine.reindex()
        #expect(try Self.documents(engine) == ["b/page.html", "c/page.html"])
        #expect(!(try engine.reindex()).changedAnything)
    }

    @Test func textSourcesOfAGeneratorsPagesAreSkipped() throws {
        let root = Scratch.path("asciidoc")
        for command in ["frob", "grok", "zap"] {
            Self.write(Self.page("git-\(command)(1)", "<h2>DESCRIPTION</h2><p>The \(command) command edits the index before a commit.</p>",
                                 head: "<meta name=\"generator\" content=\"AsciiDoc 10.2.0\" />"), "git-\(command).html", in: root)
            Self.write("git-\(command)(1)\n===\n\nDESCRIPTION\n---\nThe \(command) command edits the index before a commit.\n",
                       "git-\(command).txt", in: root)
        }
        // An include of those pages: no page of its own, but it lies among the sources.
        Self.write("--frobnicate::\n\tFrobnicate the diff options.\n", "diff-options.txt", in: root)
        // Text files beside hand-written pages (no generator) are content of their own.
        for name in ["a", "b", "c"] {
            Self.write(Self.page("Notes \(name)", "<p>Meeting notes \(name) about frobnication.</p>"), "notes/\(name).html", in: root)
            Self.write("Raw notes \(name): frobnication was discussed at length.\n", "notes/\(name).txt", in: root)
        }
        let (engine, summary) = try Self.index(root)
        #expect(try Self.documents(engine) == ["git-frob.html", "git-grok.html", "git-zap.html", "notes/a.html", "notes/a.txt",
                                              "notes/b.html", "notes/b.txt", "notes/c.html", "notes/c.txt"])
        let reasons = Dictionary(uniqueKeysWithValues: summary.skippedFiles.map { ($0.path, $0.reason) })
        #expect(reasons["git-frob.txt"] == "page source (git-frob.html was built from it and is indexed)")
        #expect(reasons["diff-options.txt"] == "page source (included into the pages a generator built in this folder)")
        #expect(summary.skippedFiles.count == 4)
    }

    @Test func citationsLinkToThePublishedPage() throws {
        let root = Scratch.path("urls")
        Self.write(Self.page("Flux", "<h2 id='tuning'>Tuning</h2><p>Set the flux capacitor to 1.21 gigawatts for time travel.</p>",
                             head: "<link rel=\"canonical\" href=\"https://docs.example.org/flux.html#top\" />"),
                   "flux.html", in: root)
        Self.write(Self.page("Warp", "<h2 id='coils'>Coils</h2><p>Warp coils need dilithium crystals for time travel.</p>",
                             head: "<meta property=\"og:url\" content=\"file:///usr/share/doc/warp/guide/warp.html\" />"),
                   "guide/warp.html", in: root)
        Self.write("---\ntitle: Sails\nurl: https://blog.example.org/sails/\n---\n\n## Rigging\n\nSolar sails need no fuel for time travel.\n",
                   "sails.md", in: root)
        let indexPath = Scratch.path("index", suffix: ".sqlite").path
        let (engine, _) = try Self.index(root, at: indexPath)
        func urls() throws -> [String: String?] {
            let passages = try engine.search("time travel", limit: 10).passages
            return Dictionary(uniqueKeysWithValues: passages.map { ($0.candidate.source, $0.candidate.url) })
        }
        var found = try urls()
        #expect(found["flux.html"] == "https://docs.example.org/flux.html#tuning")
        #expect(found["guide/warp.html"] == "file:///usr/share/doc/warp/guide/warp.html#coils")
        #expect(found["sails.md"] == "https://blog.example.org/sails/#rigging")

        // A base URL maps the pages that declare no web address; remembered for later updates.
        _ = try engine.reindex(baseURL: "https://warp.example.com/docs/")
        found = try urls()
        #expect(found["guide/warp.html"] == "https://warp.example.com/docs/guide/warp.html#coils")
        #expect(found["flux.html"] == "https://docs.example.org/flux.html#tuning")
        Self.write("---\ntitle: Oars\n---\n\n## Rowing\n\nOars are the slowest way to time travel.\n", "oars.md", in: root)
        _ = try engine.reindex()
        #expect(try urls()["oars.md"] == "https://warp.example.com/docs/oars.md#rowing")
        // In the JSON contract: a citation's url, null when unknown.
        let (answer, outcome) = try engine.ask("what do warp coils need?")
        let json = JSONOutput.encode(AskResponse(answer, query: outcome.query))
        #expect(json.contains("\"url\":\"https://warp.example.com/docs/guide/warp.html#coils\""))
        _ = try engine.reindex(baseURL: "")
        #expect(try urls()["oars.md"] == .some(nil))
    }

    @Test func ignorePatternsFollowGitignore() {
        func matches(_ pattern: String, _ path: String) -> Bool { IgnorePattern(pattern, origin: "t")!.matches(path) }
        #expect(matches("*.txt", "a/b/notes.txt"))
        #expect(!matches("*.txt", "a/b/notes.md"))
        #expect(matches("build/", "build/x/y.html"))
        #expect(!matches("build/", "build"))          // a folder pattern never names a file
        #expect(matches("/top.md", "top.md") && !matches("/top.md", "sub/top.md"))
        #expect(matches("docs/*.md", "docs/a.md") && !matches("docs/*.md", "x/docs/a.md") && !matches("docs/*.md", "docs/x/a.md"))
        #expect(matches("**/tmp/*.md", "tmp/a.md") && matches("**/tmp/*.md", "x/y/tmp/a.md"))
        #expect(matches("a/**/b.md", "a/b.md") && matches("a/**/b.md", "a/x/y/b.md"))
        #expect(matches("[abc]?.md", "b1.md") && !matches("[abc]?.md", "d1.md") && matches("[!abc].md", "d.md"))
        #expect(matches("\\#hash.md", "#hash.md"))
        #expect(IgnorePattern("# a comment", origin: "t") == nil && IgnorePattern("   ", origin: "t") == nil)
        let rules = IgnoreRules(patterns: ["*.html", "!keep/*.html"].compactMap { IgnorePattern($0, origin: "t") })
        #expect(rules.verdict(for: "keep/a.html") == .included(by: IgnorePattern("!keep/*.html", origin: "t")!))
        #expect(rules.verdict(for: "drop/a.html") == .excluded(by: IgnorePattern("*.html", origin: "t")!))
        #expect(rules.verdict(for: "a.md") == .unmentioned)
    }
}
