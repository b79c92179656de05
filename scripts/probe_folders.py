"""What the probe scripts share (abstention_probe.py, probe_answers.py, conversation_probe.py): where a
documentation folder's index is kept — DIR/<folder with / as _>.sqlite, the names .ci/run's QA floors give
them, so the probes reuse those indexes — a probe's items grouped by folder, and a folder's questions asked
in one `askdocs ask --batch --json` run (which builds the index on first use)."""
import json, os, subprocess, tempfile


def index_path(index_dir, folder):
    return os.path.join(index_dir, folder.strip("/").replace("/", "_") + ".sqlite")


def by_folder(items, key="folder"):
    """(folder, its items in file order) for each folder named by `key`, folders sorted."""
    for folder in sorted({i[key].rstrip("/") for i in items}):
        yield folder, [i for i in items if i[key].rstrip("/") == folder]


def ask_batch(binary, index, folder, questions):
    """Each question's JSON answer, in order."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("\n".join(q.replace("\n", " ") for q in questions) + "\n")
    try:
        run = subprocess.run([binary, "ask", "--index", index, "--corpus", folder, "--batch", f.name, "--json"],
                             capture_output=True, text=True, check=True)
    finally:
        os.unlink(f.name)
    return [json.loads(line) for line in run.stdout.splitlines()]
