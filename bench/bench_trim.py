"""Inbound mail's text work on what anyone may send: trimming (quoted tail, signature,
email_reply_parser) and HTML to Markdown, in CPU seconds for each shape of body.

    .venv/bin/python bench/bench_trim.py [--before REV]

`--before REV` also times trim.py as it was at that git revision on 20, 40 and 80 KB
(2.5 and 5 KB of "On x" lines, which email_reply_parser's regex took cubic time on):
its quadratic loops make 1 MB take hours, so it prints what 1 MB would take at the
same rate of growth. Prints figures, asserts nothing.
"""
import argparse
import math
import os
import subprocess
import sys
import time
import types

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from workspace.mail import trim as current  # noqa: E402
from workspace.mail.htmlmail import html_to_markdown  # noqa: E402

SHAPES = {"blank-free lines": "x\n", "quotes": "> quoted\n", "signatures": "-- \nname\n",
          "On lines": "On x\n", "attributions": "On Monday, Bob wrote:\nhello\n",
          "prose": "lorem ipsum dolor sit amet " * 3 + "\n"}
HTML = {"flat": "<p>x</p>", "table rows": "<tr><td>x</td><td>y</td></tr>",
        "nested": "<blockquote>"}


def body(unit, size):
    return (unit * (size // len(unit) + 1))[:size]


def cpu(work, *args):
    start = time.process_time()
    work(*args)
    return time.process_time() - start


def module_at(rev):
    source = subprocess.run(["git", "show", f"{rev}:workspace/mail/trim.py"], check=True,
                            capture_output=True, text=True).stdout
    module = types.ModuleType("trim_before")
    exec(compile(source, "trim_before.py", "exec"), module.__dict__)
    return module


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--before")
    args = parser.parse_args()
    size = 1_000_000
    print(f"trim, now (texts over {current.MAX_TRIMMED:,} characters are not trimmed):")
    for name, unit in SHAPES.items():
        print(f"  {name:18} 1 MB {cpu(current.trim, body(unit, size), 'Re: x'):6.2f} s"
              f"   {current.MAX_TRIMMED // 1000} KB "
              f"{cpu(current.trim, body(unit, current.MAX_TRIMMED), 'Re: x'):6.2f} s")
    if args.before:
        before = module_at(args.before)
        print(f"trim at {args.before}:")
        for name, unit in SHAPES.items():
            sizes = (2.5, 5) if unit.startswith("On x") else (20, 40, 80)
            times = [(kb, cpu(before.trim, body(unit, int(kb * 1000)), "Re: x"))
                     for kb in sizes]
            rate = times[-1][1] / max(times[-2][1], 1e-6)
            guess = times[-1][1] * rate ** math.log2(size / (sizes[-1] * 1000))
            print(f"  {name:18} " + "  ".join(f"{kb} KB {t:6.2f} s" for kb, t in times)
                  + f"   1 MB ~{guess:,.0f} s")
    print("html_to_markdown, now:")
    for name, unit in HTML.items():
        for count in (5_000, 20_000, 100_000):
            html = unit * count + ("x" + "</blockquote>" * count if name == "nested" else "")
            print(f"  {name:12} {len(html) // 1000:5} KB {cpu(html_to_markdown, html):6.2f} s")


if __name__ == "__main__":
    main()
