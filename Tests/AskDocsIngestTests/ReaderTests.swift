// Each format's sections and boilerplate removal, input decoding, and chunking.

import Foundation
import Testing
@testable import AskDocsCore
@testable import AskDocsIngest

@Suite struct TextReaderTests {
    /// A blog page scraped with its chrome: menu, two tables of contents, trending list, share and footer.
    static let scraped = """
    DevHub
    HomeBlogAbout
    DevHub
    Table of Contents

      1. 1Getting Started
      2. 2Choosing a Database
      3. 3Comparison Table

    Table of Contents

      1. 1Getting Started
      2. 2Choosing a Database
      3. 3Comparison Table

    Trending

    1

    Ten Tips for Faster Builds

    7 min651
    March 3, 2026120 viewsFeatured

    Picking Tools: A Guide to Python Web Stacks

    A guide to the stacks that matter, with real numbers for every choice you will make this year.

    Stack diagram with three layers

    Stack diagram with three layers

    DevHub

    This guide walks through the choices you face when starting a Python web project from scratch today.

    Getting Started

    Install Python 3.12 and create a virtual environment before anything else. It keeps every project apart.

    from flask import Flask

    app = Flask(__name__)

    @app.route("/")
    def home():
        return "hi"

    Choosing a Database

    PostgreSQL is the safe default for most teams. SQLite is enough for prototypes and small internal tools.

    Comparison Table

    Feature Flask Django FastAPI
    Built-in Admin No Yes No
    Auto Docs No No Yes (Swagger + ReDoc)
    Best For Prototypes, microservices Full web apps, CMS High-performance APIs

    Tags

    #python#web

    Found this helpful?

    Share this article with fellow developers.

    Suggested for You
    """

    @Test func findsTitleDateAndSectionsFromTheTableOfContents() {
        let doc = TextReader.read(Self.scraped, source: "picking-tools-python-web-stacks.txt")
        #expect(doc.title == "Picking Tools: A Guide to Python Web Stacks")
        #expect(doc.date == "2026-03-03")
        #expect(doc.sections.map(\.headingPath) == [[], ["Getting Started"], ["Choosing a Database"], ["Comparison Table"]])
        #expect(doc.sections[1].anchor == "getting-started")
    }

    @Test func dropsSiteChrome() {
        let doc = TextReader.read(Self.scraped, source: "picking-tools-python-web-stacks.txt")
        let all = doc.sections.flatMap(\.blocks).map(\.text).joined(separator: "\n")
        for chrome in ["Trending", "Ten Tips", "7 min", "120 views", "DevHub", "Stack diagram", "Share this",
                       "Suggested", "#python", "Table of Contents"] {
            #expect(!all.contains(chrome), "\(chrome) should be dropped")
        }
        #expect(all.contains("This guide walks through"))
    }

    @Test func keepsCodeWholeAndTableRowsWithHeaders() {
        let doc = TextReader.read(Self.scraped, source: "picking-tools-python-web-stacks.txt")
        let code = doc.sections[1].blocks.filter { $0.kind == .code }
        #expect(code.count == 1)
        #expect(code.first?.text.contains("app = Flask(__name__)") == true)
        #expect(code.first?.text.contains("return \"hi\"") == true)
        let rows = doc.sections[3].blocks.filter { $0.kind == .tableRow }.map(\.text)
        #expect(rows == ["Built-in Admin — Flask: No; Django: Yes; FastAPI: No",
                         "Auto Docs — Flask: No; Django: No; FastAPI: Yes (Swagger + ReDoc)",
                         "Best For — Flask: Prototypes, microservices; Django: Full web apps, CMS; FastAPI: High-performance APIs"])
    }

    @Test func plainTextWithoutTableOfContentsUsesHeadingShapedLines() {
        let text = "Release Notes\n\nInstallation\n\nRun the installer and follow the prompts until it is done.\n\n"
            + "Known Issues\n\nThe cache is not cleared on upgrade, so clear it by hand after installing."
        let doc = TextReader.read(text, source: "notes.txt")
        #expect(doc.title == "Release Notes")
        #expect(doc.sections.map(\.headingPath).contains(["Known Issues"]))
    }

    @Test func theShippedPost() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Corpus/flask-vs-django-vs-fastapi.txt")
        let doc = try DocumentReader.read(Data(contentsOf: url), source: "flask-vs-django-vs-fastapi.txt")
        #expect(doc.title == "Flask vs Django vs FastAPI: Choosing the Best Python Web Framework")
        #expect(doc.sections.count == 23)
        #expect(doc.sections.contains { $0.headingPath == ["Real-World Benchmark With Database Calls"] })
        let all = doc.sections.flatMap(\.blocks).map(\.text).joined(separator: "\n")
        #expect(!all.contains("Trending"))
        #expect(!all.contains("Suggested for You"))
        #expect(!all.contains("Master API Testing"))
        #expect(all.contains("Built-in Admin — Flask: No; Django: Yes; FastAPI: No"))
    }
}

@Suite struct MarkdownReaderTests {
    static let post = """
    ---
    title: "Caching Guide"
    date: 2026-05-01
    tags: [cache, redis]
    url: https://example.com/caching
    ---
    # Ignored H1 when front matter names the title

    Intro paragraph about caching.

    ## Redis

    Redis keeps data in memory. See the [docs](https://redis.io) for *details*.

    ```python
    cache.set("k", 1)

    cache.get("k")
    ```

    ### Eviction

    - LRU evicts the least recently used key.
    - TTL expires keys.

    | Store | Persistent | Speed |
    |-------|------------|-------|
    | Redis | Optional   | Fast  |
    """

    @Test func frontMatterSectionsCodeTables() {
        let doc = MarkdownReader.read(Self.post, source: "guides/caching.md")
        #expect(doc.title == "Caching Guide")
        #expect(doc.date == "2026-05-01")
        #expect(doc.tags == ["cache", "redis"])
        #expect(doc.url == "https://example.com/caching")
        let paths = doc.sections.map(\.headingPath)
        #expect(paths.contains(["Ignored H1 when front matter names the title", "Redis"]) || paths.contains(["Redis"]))
        let eviction = try! #require(doc.sections.first { $0.headingPath.last == "Eviction" })
        #expect(eviction.anchor == "eviction")
        #expect(eviction.blocks.map(\.text).contains("LRU evicts the least recently used key."))
        #expect(eviction.blocks.contains { $0.kind == .tableRow && $0.text == "Redis — Persistent: Optional; Speed: Fast" })
        let redis = try! #require(doc.sections.first { $0.headingPath.last == "Redis" })
        #expect(redis.blocks.contains { $0.text == "Redis keeps data in memory. See the docs for details." })
        #expect(redis.blocks.contains { $0.kind == .code && $0.text.contains("cache.get(\"k\")") && $0.text.contains("cache.set") })
    }

    @Test func firstH1IsTheTitleWithoutFrontMatter() {
        let doc = MarkdownReader.read("# Aerodynamics of wings\n\nLift grows with speed.\n", source: "1.md")
        #expect(doc.title == "Aerodynamics of wings")
        #expect(doc.sections.count == 1)
        #expect(doc.sections[0].headingPath == [])
    }
}

@Suite struct HTMLReaderTests {
    static let page = """
    <!DOCTYPE html><html><head><title>json — JSON encoder and decoder — Python 3.11 documentation</title>
    <script>var x = "<p>not text</p>";</script><style>p { color: red }</style></head>
    <body><nav class="navbar"><a href="/">Home</a> Menu entries</nav>
    <div class="sphinxsidebar"><h3>Table of Contents</h3><p>Sidebar text</p></div>
    <div role="navigation" class="related">previous | next</div>
    <div class="body"><section id="module-json"><h1>json — JSON encoder and decoder<a class="headerlink" href="#module-json">¶</a></h1>
    <p>JSON is a lightweight data interchange format &amp; more.</p>
    <section id="basic-usage"><h2>Basic Usage<a class="headerlink" href="#basic-usage">¶</a></h2>
    <p>Serialize <code>obj</code> to a JSON formatted <em>str</em>.</p>
    <pre>import json
    json.dumps([1, 2])</pre>
    <table><thead><tr><th>JSON</th><th>Python</th></tr></thead><tbody><tr><td>object</td><td>dict</td></tr></tbody></table>
    </section></section></div>
    <footer>© 2026 Python Software Foundation</footer></body></html>
    """

    /// Sphinx sites that put a section's label on an empty element just before the heading (or first in
    /// the section's div) cite that label, not the top of the page.
    @Test func anchorFromAnEmptyElementBeforeTheHeading() {
        let page = """
        <html><head><title>Model Meta options | Docs</title></head><body><div class="body">
        <div class="section" id="s-model-meta-options"><span id="model-meta-options"></span><h1>Model Meta options</h1>
        <p>This document explains all the possible metadata options.</p>
        <div class="section" id="s-available-meta-options"><span id="available-meta-options"></span>
        <h2>Available Meta options</h2>
        <p>Options are listed here.</p>
        <div class="section" id="s-abstract"><span id="abstract"></span><span id="meta-abstract"></span>
        <h3>abstract</h3><p>If abstract is true, this model is an abstract base class.</p></div>
        <p>A paragraph with an id.</p><span id="loose"></span> text <h3>ordering</h3><p>The default ordering.</p>
        </div></div></div></body></html>
        """
        let doc = HTMLReader.read(page, source: "ref/models/options.html")
        let anchors = Dictionary(doc.sections.map { ($0.headingPath.last ?? "", $0.anchor) }, uniquingKeysWith: { a, _ in a })
        #expect(anchors["Available Meta options"] == "available-meta-options")
        #expect(anchors["abstract"] == "meta-abstract")
        // Text between the target and the heading: the target belongs to that text, not the heading.
        #expect(anchors["ordering"] == .some(nil))
    }

    /// A title is said once: not repeated by an H1 under a front-matter title, nor by the page's first
    /// heading.
    @Test func titlesAreNotRepeatedInSectionPaths() throws {
        let markdown = "---\ntitle: Deploying AskDocs\n---\n\n# Deploying AskDocs\n\nIntro.\n\n## Behind a proxy\n\nSet the header.\n"
        let post = try DocumentReader.read(Data(markdown.utf8), source: "deploy.md")
        #expect(post.sections.map(\.headingPath).contains(["Behind a proxy"]), "\(post.sections.map(\.headingPath))")
        #expect(!post.sections.contains { $0.headingPath.first == "Deploying AskDocs" })
        let html = "<html><head><title>Model Meta options</title></head><body><h2>Model Meta options</h2><p>Intro.</p>"
            + "<h3>Model Meta options</h3><p>Again.</p><h3>ordering</h3><p>The default ordering.</p></body></html>"
        let page = try DocumentReader.read(Data(html.utf8), source: "options.html")
        #expect(page.sections.allSatisfy { !$0.headingPath.contains("Model Meta options") }, "\(page.sections.map(\.headingPath))")
        #expect(page.sections.map(\.headingPath).contains(["ordering"]))
    }

    @Test func sectionsAnchorsAndBoilerplate() {
        let doc = HTMLReader.read(Self.page, source: "library/json.html")
        #expect(doc.title == "json — JSON encoder and decoder")
        let basic = try! #require(doc.sections.first { $0.headingPath == ["Basic Usage"] })
        #expect(basic.anchor == "basic-usage")
        #expect(basic.blocks.first?.text == "Serialize obj to a JSON formatted str.")
        #expect(basic.blocks.contains { $0.kind == .code && $0.text.contains("json.dumps([1, 2])") })
        #expect(basic.blocks.contains { $0.kind == .tableRow && $0.text == "object — Python: dict" })
        let all = doc.sections.flatMap(\.blocks).map(\.text).joined(separator: "\n")
        for junk in ["Menu entries", "Sidebar text", "previous | next", "©", "not text", "color", "¶"] {
            #expect(!all.contains(junk), "\(junk) should be dropped")
        }
        #expect(all.contains("JSON is a lightweight data interchange format & more."))
    }

    /// Sphinx's API entries: a signature in <dt>, its description in <dd>, a class's methods nested inside.
    @Test func definitionListEntriesNameTheirBlocks() {
        let html = """
        <html><body><h1>itertools</h1><section id="f"><h2>Itertool functions</h2>
        <p>Intro before any entry.</p>
        <dl class="py function"><dt class="sig" id="itertools.pairwise">itertools.pairwise(<em>iterable</em>)<a class="headerlink" href="#itertools.pairwise">¶</a></dt>
        <dd><p>Return successive overlapping pairs.</p><pre>def pairwise(iterable):
            return zip(a, b)</pre>
        <div class="versionadded"><p>New in version 3.10.</p></div></dd></dl>
        <dl class="py class"><dt id="C">class C</dt><dd><p>A class.</p>
        <dl class="py method"><dt id="C.m">m(x)</dt><dd><p>A method.</p></dd></dl>
        <p>Back in the class.</p></dd></dl>
        <p>After the entries.</p></section></body></html>
        """
        let doc = HTMLReader.read(html, source: "itertools.html")
        let blocks = doc.sections.flatMap(\.blocks)
        func entry(of text: String) -> String?? { blocks.first { $0.text == text }.map(\.entry) }
        #expect(entry(of: "Intro before any entry.") == .some(nil))
        #expect(entry(of: "itertools.pairwise(iterable)") == "itertools.pairwise(iterable)")
        #expect(entry(of: "Return successive overlapping pairs.") == "itertools.pairwise(iterable)")
        #expect(entry(of: "New in version 3.10.") == "itertools.pairwise(iterable)")
        #expect(blocks.first { $0.kind == .code }?.entry == "itertools.pairwise(iterable)")
        #expect(entry(of: "A method.") == "m(x)")
        #expect(entry(of: "Back in the class.") == "class C")
        #expect(entry(of: "After the entries.") == .some(nil))

        // A chunk never spans two entries, and the note after the code example is read under its signature.
        let chunks = Chunker().chunks(of: doc)
        let note = chunks.first { $0.text.contains("New in version 3.10.") }
        #expect(note?.text == "itertools.pairwise(iterable)\n\nNew in version 3.10.")
        #expect(note?.entry == "itertools.pairwise(iterable)")
        #expect(chunks.first { $0.text.contains("Intro before") }?.text == "Intro before any entry.")
        #expect(chunks.first { $0.text.contains("A method.") }?.text == "m(x)\n\nA method.")
        #expect(chunks.first { $0.text.contains("Back in the class.") }?.text == "class C\n\nBack in the class.")
    }

    /// A manual page lists an option's spellings as consecutive <dt>s: the entry is named by all of them, so
    /// an answer quoting it shows `--include-untracked` as well as `-u`.
    @Test func consecutiveTermsNameOneEntryTogether() {
        let html = """
        <html><body><h1>git-stash(1)</h1><h2>OPTIONS</h2><div class="dlist"><dl>
        <dt class="hdlist1">-a</dt>
        <dt class="hdlist1">--all</dt>
        <dd><p>All ignored and untracked files are also stashed.</p></dd>
        <dt class="hdlist1">-u</dt>
        <!-- a comment between terms -->
        <dt class="hdlist1">--include-untracked</dt>
        <dt class="hdlist1">--no-include-untracked</dt>
        <dd><p>All untracked files are also stashed.</p></dd>
        <dt>\(String(repeating: "a long term ", count: 15))</dt><dt>\(String(repeating: "another one ", count: 15))</dt>
        <dd><p>Under terms too long to join.</p></dd>
        </dl></div></body></html>
        """
        let doc = HTMLReader.read(html, source: "git-stash.html")
        let blocks = doc.sections.flatMap(\.blocks)
        #expect(blocks.first { $0.text == "All ignored and untracked files are also stashed." }?.entry == "-a, --all")
        #expect(blocks.first { $0.text == "All untracked files are also stashed." }?.entry
                == "-u, --include-untracked, --no-include-untracked")
        #expect(blocks.filter { $0.text.hasPrefix("-u") }.map(\.text) == ["-u, --include-untracked, --no-include-untracked"])
        #expect(blocks.first { $0.text == "Under terms too long to join." }?.entry
                == String(repeating: "a long term ", count: 15).trimmingCharacters(in: .whitespaces))
        let chunks = Chunker().chunks(of: doc)
        #expect(chunks.first { $0.text.contains("All untracked") }?.text
                == "-u, --include-untracked, --no-include-untracked\n\nAll untracked files are also stashed.")
    }

    /// DocBook (PostgreSQL) titles its Note/Tip boxes with a heading of the section's own level, and Sphinx
    /// with a paragraph: neither opens a section, and the text after the box stays in the section before it.
    @Test func admonitionBoxesDoNotOpenSections() {
        let html = """
        <html><body><div class="navheader"><table><tr><th>8.1. Numeric Types</th></tr><tr><td>Prev</td>
        <td>8.2. Monetary Types</td></tr></table></div><h2 class="title">8.1. Numeric Types</h2><p>Intro.</p>
        <div class="sect2"><h3 class="title">8.1.3. Floating-Point Types</h3><p>Inexact.</p></div>
        <div class="sect2" id="DATATYPE-SERIAL"><h3 class="title">8.1.4. Serial Types</h3>
        <div class="note"><h3 class="title">Note</h3><p>Serial columns are implemented using sequences.</p></div>
        <p>The data types smallserial, serial and bigserial are not true types.</p></div>
        <div class="admonition warning"><p class="admonition-title">Warning</p><p>Never do this.</p></div>
        <div class="admonition seealso"><p class="admonition-title">See also</p><p>Module os.</p></div>
        <div class="refsect2" id="SQL-FOR-UPDATE-SHARE"><h3>The Locking Clause</h3><p>FOR UPDATE locks rows.</p></div>
        </body></html>
        """
        let doc = HTMLReader.read("<html><head><title>8.1. Numeric Types</title></head>" + html.dropFirst(6),
                                  source: "datatype-numeric.html")
        #expect(doc.title == "8.1. Numeric Types", "a page without <h1> is titled by its <title>, not its file name")
        // The <h2> that repeats the title is the title, not a first section above all the others.
        #expect(doc.sections.first?.headingPath == [])
        #expect(doc.sections.first?.blocks.first?.text == "Intro.")
        #expect(!doc.sections.contains { $0.headingPath.contains("Note") })
        let serial = try! #require(doc.sections.first { $0.headingPath.last == "8.1.4. Serial Types" })
        #expect(serial.blocks.map(\.text) == [
            "Note: Serial columns are implemented using sequences.",
            "The data types smallserial, serial and bigserial are not true types.",
            "Warning: Never do this.",
        ])
        let all = doc.sections.flatMap(\.blocks).map(\.text)
        #expect(!all.contains { $0.contains("Module os") }, "a See also box only points elsewhere")
        #expect(!all.contains { $0.contains("Monetary") }, "the next page's title is not this page's text")
        // An id that merely ends in "share" names content, not a share button.
        let locking = try! #require(doc.sections.first { $0.headingPath.last == "The Locking Clause" })
        #expect(locking.blocks.map(\.text) == ["FOR UPDATE locks rows."])
    }

    /// AsciiDoc (git's manuals) lays out a Note as a table: the kind in an icon cell, the text beside it.
    @Test func asciidocAdmonitionTablesAreBoxes() {
        let html = """
        <html><body><h1>git-rebase(1)</h1><h2 id="_description">DESCRIPTION</h2>
        <div class="admonitionblock"><table><tr><td class="icon"><div class="title">Note</div></td>
        <td class="content"><code>ORIG_HEAD</code> is not guaranteed to still point to the previous tip.</td></tr></table></div>
        <div class="admonitionblock"><table><tr><td class="icon"><div class="title">Warning</div></td>
        <td class="content"><table><tr><th>Option</th><th>Meaning</th></tr><tr><td>-f</td><td>force</td></tr></table></td></tr></table></div>
        <div class="paragraph"><p>The commits are reapplied.</p></div></body></html>
        """
        let doc = HTMLReader.read(html, source: "git-rebase.html")
        let blocks = doc.sections.flatMap(\.blocks)
        #expect(blocks.first?.text == "Note: ORIG_HEAD is not guaranteed to still point to the previous tip.")
        #expect(blocks.first?.kind == .prose)
        // A data table inside a box keeps its rows.
        #expect(blocks.contains { $0.kind == .tableRow && $0.text.contains("force") })
        #expect(blocks.last?.text == "The commits are reapplied.")
    }

    /// Text refers to list items by their numbers ("point 2.", "b.2.", a callout `<2>` in the example):
    /// ordered lists keep them, in the style the list asks for; bullets stay unnumbered.
    @Test func orderedListsKeepTheirNumbers() {
        let html = """
        <html><body><h1>git-rebase(1)</h1><h2>INTERACTIVE MODE</h2>
        <div class="olist arabic"><ol class="arabic"><li><p>the first change</p></li>
        <li><p>the second change</p><div class="olist loweralpha"><ol class="loweralpha">
        <li><p>a part of it</p></li><li><p>another part</p></li></ol></div></li></ol></div>
        <ol start="7" type="i"><li>seventh</li><li>eighth</li></ol>
        <ul><li>a bullet</li></ul>
        <p>where point 2. consists of b.</p></body></html>
        """
        let texts = HTMLReader.read(html, source: "git-rebase.html").sections.flatMap(\.blocks).map(\.text)
        #expect(texts == ["1. the first change", "2. the second change", "a. a part of it", "b. another part",
                          "vii. seventh", "viii. eighth", "a bullet", "where point 2. consists of b."])
        #expect(HTMLReader.ListMarker.letters(27) == "aa")
        #expect(HTMLReader.ListMarker.roman(1994) == "mcmxciv")
    }

    /// Sphinx puts a guide's Abstract and its footnotes in `<aside>`, which elsewhere is furniture.
    @Test func contentAsidesAreKept() {
        let html = """
        <html><body><h1>Regular Expression HOWTO</h1>
        <aside class="topic"><p class="topic-title">Abstract</p><p>This document is an introductory tutorial.</p></aside>
        <aside class="topic contents"><p class="topic-title">Contents</p><p>Introduction</p></aside>
        <aside class="sidebar-ad"><p>Buy now.</p></aside><aside><p>Related posts.</p></aside>
        <h2>Footnotes</h2><aside class="footnote brackets" id="id2"><p>Like Perl's.</p></aside>
        </body></html>
        """
        let doc = HTMLReader.read(html, source: "regex.html")
        let all = doc.sections.flatMap(\.blocks).map(\.text)
        #expect(all == ["Abstract: This document is an introductory tutorial.", "Like Perl's."])
    }

    /// SQLite numbers its top-level sections with <h1>: such a page is titled by its <title>, and what a
    /// site marks as not for search (its banner, table of contents, tagline) is left out.
    @Test func severalH1AreSections() {
        let html = """
        <html><head><title>Write-Ahead Logging</title></head><body>
        <div class="tagline desktoponly">Small. Fast. Reliable.<br>Choose any three.</div>
        <div class=nosearch><div class="fancy_title">Write-Ahead Logging</div><div class="fancy_toc">1. Overview</div></div>
        <h1 id="overview"><span>1. </span>Overview</h1><p>The default method is a rollback journal.</p>
        <h1 id="how_wal_works"><span>2. </span>How WAL Works</h1><p>The original content is preserved.</p>
        <h2 id="checkpointing"><span>2.1. </span>Checkpointing</h2><p>Moving the WAL back.</p>
        <div data-pagefind-ignore><p>Edit this page.</p></div>
        </body></html>
        """
        let doc = HTMLReader.read(html, source: "wal.html")
        #expect(doc.title == "Write-Ahead Logging")
        #expect(doc.sections.map(\.headingPath) == [["1. Overview"], ["2. How WAL Works"],
                                                   ["2. How WAL Works", "2.1. Checkpointing"]])
        #expect(doc.sections.first?.anchor == "overview")
        #expect(doc.sections.flatMap(\.blocks).map(\.text) == [
            "The default method is a rollback journal.", "The original content is preserved.", "Moving the WAL back."])
        // One <h1> is still the title.
        #expect(HTMLReader.read("<html><head><title>T</title></head><body><h1>Guide</h1><p>x</p></body></html>",
                                source: "g.html").title == "Guide")
    }

    @Test func deeplyNestedHTMLDoesNotCrash() {
        let deep = String(repeating: "<div>", count: 10_000) + "<p>deep text here</p>" + String(repeating: "</div>", count: 10_000)
        let doc = HTMLReader.read("<html><body>" + deep + "</body></html>", source: "deep.html")
        #expect(doc.sections.flatMap(\.blocks).map(\.text).joined().contains("deep text"))
    }
}

@Suite struct DecodingAndChunkingTests {
    @Test func invalidUTF8IsRepaired() throws {
        var data = Data("# T\n\nGood text ".utf8)
        data.append(contentsOf: [0xFF, 0xFE, 0x80])
        data.append(Data(" more text.\n".utf8))
        let doc = try DocumentReader.read(data, source: "bad.md")
        #expect(doc.sections[0].blocks[0].text.contains("more text"))
    }

    @Test func utf16WithBOMAndLineEndings() throws {
        var data = Data([0xFF, 0xFE])
        for unit in "# Title\r\n\r\nLine one.\rLine two.".utf16 { data.append(contentsOf: [UInt8(unit & 0xFF), UInt8(unit >> 8)]) }
        let doc = try DocumentReader.read(data, source: "u16.md")
        #expect(doc.title == "Title")
        #expect(doc.sections[0].blocks[0].text == "Line one. Line two.")
    }

    /// Found by fuzzing (Fuzz/Seeds/text/nul-before-combining-mark.txt): a NUL or CR followed by a combining
    /// mark is one Swift Character with it, and survived the decoder's character-based replacement.
    @Test func nulAndCRBeforeACombiningMarkAreNormalised() throws {
        let prose = String(repeating: "Plain words. ", count: 40)  // so that two NULs do not read as binary
        let text = try SourceDecoder.decode(Data((prose + "a\u{0}\u{0A41}b\r\u{0301}c\r\nd\r\u{0}\ne").utf8))
        #expect(!text.utf8.contains(0))
        #expect(!text.utf8.contains(0x0D))
        #expect(Array(text.unicodeScalars) == Array((prose + "a\u{0A41}b\n\u{0301}c\nd\n\ne").unicodeScalars))
        var utf16 = Data([0xFE, 0xFF])
        for unit in "x\u{0}\u{0A41}y".utf16 { utf16.append(contentsOf: [UInt8(unit >> 8), UInt8(unit & 0xFF)]) }
        #expect(!(try SourceDecoder.decode(utf16)).utf8.contains(0))
    }

    @Test func skipsWithReasons() {
        #expect(throws: SkipReason.binary) { try DocumentReader.read(Data([0x89, 0x50, 0x4E, 0x47, 0, 0, 0, 0, 1, 2, 0, 0]), source: "x.md") }
        #expect(throws: SkipReason.empty) { try DocumentReader.read(Data(), source: "x.md") }
        #expect(throws: SkipReason.unsupportedType("pdf")) { try DocumentReader.read(Data("x".utf8), source: "x.pdf") }
        #expect(throws: SkipReason.tooLarge(bytes: 100, limit: 10)) {
            try DocumentReader.read(Data(repeating: 65, count: 100), source: "x.txt", sizeLimit: 10)
        }
    }

    @Test func chunkingLosesNoSentenceAndKeepsCodeWhole() {
        let sentence = "This sentence is about caching and it has exactly fourteen words in it."
        let paragraphs = (0..<12).map { i in (0..<6).map { _ in sentence }.joined(separator: " ") + " Para \(i)." }
        let longParagraph = (0..<80).map { _ in sentence }.joined(separator: " ")
        let code = (0..<200).map { "line_\($0) = compute(\($0))" }.joined(separator: "\n")
        let section = Section(headingPath: ["Caching"], anchor: "caching",
                              blocks: paragraphs.map { Block(.prose, $0) } + [Block(.code, code), Block(.prose, longParagraph)])
        let doc = Document(source: "c.md", title: "C", sections: [section])
        let chunks = Chunker().chunks(of: doc)
        #expect(chunks.allSatisfy { $0.headingPath == ["Caching"] && $0.anchor == "caching" })
        #expect(chunks.filter { $0.kind == .code }.map(\.text) == [code])
        for c in chunks where c.kind == .prose { #expect(Chunker.wordCount(c.text) <= 360) }
        let originalWords = section.blocks.flatMap { Tokenizer.words($0.text) }
        let chunkWords = chunks.flatMap { Tokenizer.words($0.text) }
        #expect(chunkWords == originalWords)
        // Every chunk ends at a sentence boundary.
        for c in chunks where c.kind == .prose { #expect(c.text.hasSuffix(".")) }
    }
}
