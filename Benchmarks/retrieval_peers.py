#!/usr/bin/env python3
"""The bm25s and tantivy peers (PyPI) for Benchmarks/bench.py: build an index over the same chunk texts
AskDocs indexed, then run the benchmark questions, timing each. Prints one JSON object.

    retrieval_peers.py bm25s|tantivy CHUNKS.jsonl QUESTIONS.txt

The peers get the chunks' text already extracted (no HTML parsing, no chunking), so their build time is the
cost of tokenizing and indexing only: compare it with the bare-insert limit, not with a full AskDocs build.
"""
import json, re, resource, sys, time

engine, chunks_path, questions_path = sys.argv[1:4]
texts = [json.loads(l)["text"] for l in open(chunks_path, encoding="utf-8")]
questions = [l.rstrip("\n") for l in open(questions_path, encoding="utf-8") if l.strip()]
rss_before_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def clock():
    return time.perf_counter(), time.process_time()


if engine == "bm25s":
    import bm25s, Stemmer
    stemmer = Stemmer.Stemmer("english")
    w0, c0 = clock()
    tokens = bm25s.tokenize(texts, stopwords="en", stemmer=stemmer, show_progress=False)
    retriever = bm25s.BM25()  # k1 1.5, b 0.75, Lucene's idf: bm25s' defaults
    retriever.index(tokens, show_progress=False)
    w1, c1 = clock()

    def query(q):
        qt = bm25s.tokenize([q], stopwords="en", stemmer=stemmer, return_ids=False, show_progress=False)
        known = [[t for t in qt[0] if t in retriever.vocab_dict]]
        if not known[0]:
            return 0
        docs, _ = retriever.retrieve(known, k=10, show_progress=False)
        return len(docs[0])
elif engine == "tantivy":
    import tantivy
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("body", stored=False, tokenizer_name="en_stem")
    schema = builder.build()
    w0, c0 = clock()
    index = tantivy.Index(schema)  # in memory, like the others' page cache
    writer = index.writer()  # tantivy's defaults: its heap budget and as many indexing threads as cores
    for t in texts:
        writer.add_document(tantivy.Document(body=t))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    w1, c1 = clock()
    searcher = index.searcher()

    def query(q):
        # Words only, lower case: tantivy's query parser would read AND/OR/NOT, quotes and +/- as syntax.
        words = " ".join(re.findall(r"\w+", q.lower()))
        if not words:
            return 0
        return len(searcher.search(index.parse_query(words, ["body"]), 10).hits)
else:
    raise SystemExit(f"unknown engine {engine}")

build_rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
for q in questions[:20]:  # warm-up, as the others get
    query(q)
times = []
for q in questions:
    t = time.perf_counter()
    query(q)
    times.append((time.perf_counter() - t) * 1e3)
print(json.dumps({"engine": engine, "chunks": len(texts), "build_wall_s": w1 - w0, "build_cpu_s": c1 - c0,
                  "rss_before_build_kb": rss_before_kb, "peak_rss_kb": build_rss_kb, "query_ms": times}))
