"""Differences between two versions of a text: the unified diff the JSON API gives, and the
rows of the inline diff a page shows.

Plain functions over texts and revisions, so that every versioned kind (documents,
summaries, collection records) compares versions the same way, without a request.
"""
import difflib


def unified_diff(old_text, new_text, from_label, to_label):
    """The unified diff (3 lines of context) that turns `old_text` into `new_text`; empty
    when the texts are the same."""
    return "".join(difflib.unified_diff(
        old_text.splitlines(keepends=True), new_text.splitlines(keepends=True),
        fromfile=from_label, tofile=to_label))


def revision_diff(name, old, new):
    """The unified diff between revisions `old` and `new` of the item called `name`,
    headed "<name> version <n>"."""
    return unified_diff(old.body, new.body, f"{name} version {old.version}",
                        f"{name} version {new.version}")


def diff_rows(old_text, new_text, context=3):
    """Hunks of an inline line diff: lists of (kind, old_no, new_no, text), kind one of
    "same", "del", "ins", line numbers from 1 (None on the side a line is not on); lines
    further than `context` from a change are left out. No hunks when the texts are the
    same."""
    old, new = old_text.splitlines(), new_text.splitlines()
    hunks = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        rows = []
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                rows += [("same", i + 1, j + 1, old[i]) for i, j in
                         zip(range(i1, i2), range(j1, j2))]
                continue
            rows += [("del", i + 1, None, old[i]) for i in range(i1, i2)]
            rows += [("ins", None, j + 1, new[j]) for j in range(j1, j2)]
        hunks.append(rows)
    return hunks
