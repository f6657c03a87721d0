"""Differences between two versions of a text: the unified diff the JSON API gives, and the
rows of the inline diff a page shows.

Plain functions over texts and revisions, so that every versioned kind (documents,
summaries, collection records) compares versions the same way, without a request.

Any reader can ask for a diff of texts of up to 2 MB, and a line matcher costs up to the
product of the two texts' lengths (repetitive text is its worst case: "x\\n" * 10000 with
one line changed took 20 s). So the lines both versions share at the start and the end
are set aside first (an edit usually touches a small middle), and a middle too large to
match line by line within MAX_CELLS is shown as replaced whole: a longer diff, never a
slow one.
"""
import difflib

MAX_CELLS = 4_000_000  # old lines x new lines that the matcher may compare


def line_opcodes(old, new):
    """difflib-style opcodes (tag, i1, i2, j1, j2) turning the list `old` into `new`."""
    size = min(len(old), len(new))
    head = 0
    while head < size and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < size - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    old_end, new_end = len(old) - tail, len(new) - tail
    ops = [("equal", 0, head, 0, head)] if head else []
    middle_old, middle_new = old[head:old_end], new[head:new_end]
    if len(middle_old) * len(middle_new) <= MAX_CELLS:
        matcher = difflib.SequenceMatcher(None, middle_old, middle_new, autojunk=False)
        ops += [(tag, i1 + head, i2 + head, j1 + head, j2 + head)
                for tag, i1, i2, j1, j2 in matcher.get_opcodes()]
    else:
        ops.append(("replace", head, old_end, head, new_end))
    if tail:
        ops.append(("equal", old_end, len(old), new_end, len(new)))
    return [op for op in ops if op[1] != op[2] or op[3] != op[4]]


class _Computed(difflib.SequenceMatcher):
    """difflib's grouping of opcodes into hunks, over opcodes computed by `line_opcodes`."""

    def __init__(self, opcodes):
        super().__init__(None, (), ())
        self.opcodes = opcodes

    def get_opcodes(self):
        return self.opcodes


def grouped_opcodes(old, new, context=3):
    """The opcodes in hunks with `context` unchanged lines around each change."""
    return list(_Computed(line_opcodes(old, new)).get_grouped_opcodes(context))


def _range(start, stop):
    """A unified diff's "start,length" (RFC-free but as GNU diff writes it)."""
    length = stop - start
    if length == 1:
        return str(start + 1)
    return f"{start if not length else start + 1},{length}"


def unified_diff(old_text, new_text, from_label, to_label):
    """The unified diff (3 lines of context) that turns `old_text` into `new_text`; empty
    when the texts are the same."""
    old, new = old_text.splitlines(keepends=True), new_text.splitlines(keepends=True)
    if old == new:
        return ""
    out = [f"--- {from_label}\n", f"+++ {to_label}\n"]
    for group in grouped_opcodes(old, new):
        first, last = group[0], group[-1]
        out.append(f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@\n")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out += [" " + line for line in old[i1:i2]]
                continue
            out += ["-" + line for line in old[i1:i2]]
            out += ["+" + line for line in new[j1:j2]]
    return "".join(out)


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
    if old == new:
        return []
    hunks = []
    for group in grouped_opcodes(old, new, context):
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
