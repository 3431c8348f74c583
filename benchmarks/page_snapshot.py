"""Draw the agent's and the requester's ticket pages of the sampled tickets into a directory, to compare
two trees' HTML (whitespace between tags and CSRF tokens normalised):

    python -m benchmarks.page_snapshot --size 10k --out /tmp/after
    diff -r /tmp/before /tmp/after
"""

import argparse
import re
import sys
from pathlib import Path

from . import datasets
from .measure import login
from .scenarios import PASSWORD, bench_app, scenarios

_CSRF = re.compile(r'(name="csrf_token"[^>]*value=")[^"]*"|(value=")[^"]*("[^>]*name="csrf_token")')


def normalise(html: str) -> str:
    html = _CSRF.sub(lambda m: (m.group(1) or m.group(2)) + 'X"' + (m.group(3) or ""), html)
    html = re.sub(r">\s+<", "><", html)
    return re.sub(r"\s+", " ", html)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.page_snapshot")
    parser.add_argument("--size", default="10k", choices=list(datasets.SIZES))
    parser.add_argument("--database", default="sqlite", choices=["sqlite", "postgresql"])
    parser.add_argument("--out", required=True)
    parser.add_argument("--lang", default="", help="the session's language (users without a chosen one)")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    app = bench_app(datasets.DataSet(args.database, args.size).url)
    with app.app_context():
        found = {s.key: s for s in scenarios()}
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    count = 0
    for key in ("ticket", "ticket_requester"):
        scenario = found[key]
        client = login(app, scenario.user, PASSWORD)
        if args.lang:
            with client.session_transaction() as session:
                session["lang"] = args.lang
        for path in scenario.paths:
            response = client.get(path)
            name = f"{key}-{path.strip('/').replace('/', '-')}.html"
            (out / name).write_text(f"{response.status_code}\n" + normalise(response.get_data(as_text=True)))
            count += 1
    print(f"{count} pages in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
