"""Re-ingest benchmark (issue 12): a file already in the desk, ingested again, costs what it did.

Since migration 0011 a copy of a known post whose bytes differ from the
item's first copy is kept and compared (`desk.verbs.copies`). A re-ingest
of a file already ingested is all byte-identical duplicates, and must not
pay for that: the pipeline asks, once per 500-item batch, which items'
first copies differ from the bytes read (none do), and stops there.

What this does: `bench/ingest.py`'s twitter dataset (twarc2 JSON Lines, v2
pages of 100 tweets made from the shared corpus, `--n` tweets), ingested
into a fresh desk through `ingest_source` exactly as `bench/ingest.py`
does, then the same files `--again` more times into that desk; the wall
time of each pass. Run it on the code before a change and after (e.g. with
`PYTHONPATH` at a checkout of the earlier commit) and compare the passes.

`--cut` measures the other side: the same tweets first as copies cut short
the way compat mode cuts them (the first 40 characters, `…` and an
`/i/web/status/` link, no entities), then the full files: every full copy
improves its item (one `item.improve` event each).

    .venv/bin/python bench/reingest.py --n 100000 --data /tmp/reingest-data
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="tweets")
    parser.add_argument("--again", type=int, default=2, help="re-ingest passes")
    parser.add_argument("--data", type=Path, default=None, help="keep the dataset here")
    parser.add_argument("--cut", action="store_true", help="first ingest copies cut short")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    import desk
    from bench.ingest import CORPUS, generate_twitter
    from db import Store
    from desk.ingest.base import Source
    from desk.ingest.pipeline import ingest_source

    with tempfile.TemporaryDirectory(prefix="desk-reingest-") as tmp:
        data = args.data or Path(tmp) / "data"
        files = sorted(data.glob("**/*.jsonl")) if data.is_dir() else []
        if not files:
            data.mkdir(parents=True, exist_ok=True)
            files = generate_twitter(CORPUS, data, args.n)
        print(f"code: {Path(desk.__file__).parent}; {len(files)} files", flush=True)
        first = "full copies of known posts" if args.cut else "fresh"
        passes = [(first, files), *((f"again {k + 1}", files) for k in range(args.again))]
        if args.cut:
            passes.insert(0, ("cut short, fresh", [_cut(path, Path(tmp)) for path in files]))
        with Store(Path(tmp) / "bench.desk", create=True) as store:
            for label, batch in passes:
                started = time.perf_counter()
                new = duplicates = improved = 0
                for path in batch:
                    report = ingest_source(store, Source(str(path), path=path), actor="bench")
                    new, duplicates = new + report.new, duplicates + report.duplicates
                    improved += getattr(report, "improved", 0)
                seconds = time.perf_counter() - started
                print(
                    f"{label}: {seconds:.1f} s, {(new + duplicates) / seconds:,.0f} items/s "
                    f"({new} new, {duplicates} duplicates, {improved} improved)",
                    flush=True,
                )


def _cut(path: Path, tmp: Path) -> Path:
    """The file's tweets cut short as compat mode cuts them (a copy the full file improves)."""
    import json

    out = tmp / f"cut-{path.name}"
    with path.open("rb") as src, out.open("w", encoding="utf-8") as dst:
        for line in src:
            page = json.loads(line)
            for tweet in page.get("data") or []:
                tweet["text"] = (
                    tweet["text"][:40] + f"\u2026 https://twitter.com/i/web/status/{tweet['id']}"
                )
                tweet.pop("entities", None)
            dst.write(json.dumps(page) + "\n")
    return out


if __name__ == "__main__":
    main()
