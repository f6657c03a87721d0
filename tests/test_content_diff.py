"""Diffs between versions of a text, without a request or a database."""
from workspace.content.diff import diff_rows, revision_diff, unified_diff
from workspace.content.document import Document

LINES = "".join(f"Line {n}.\n" for n in range(1, 21))


def test_unified_diff_marks_removed_and_added_lines_under_its_labels():
    diff = unified_diff(LINES, LINES.replace("Line 3.", "Line III."), "old", "new")
    assert diff.startswith("--- old\n+++ new\n@@ -1,6 +1,6 @@\n")
    assert "-Line 3.\n+Line III.\n" in diff
    assert "Line 7." not in diff  # three lines of context, no more


def test_unified_diff_of_equal_texts_is_empty():
    assert unified_diff(LINES, LINES, "a", "b") == ""
    assert unified_diff("", "", "a", "b") == ""


def test_revision_diff_names_the_item_and_both_versions():
    doc = Document("Plan", "one\n", "member")
    doc.save(None, "two\n", "member", 1)
    diff = revision_diff("plan", doc.revision(1), doc.revision(2))
    assert diff == ("--- plan version 1\n+++ plan version 2\n@@ -1 +1 @@\n"
                    "-one\n+two\n")


def test_diff_rows_number_lines_on_each_side_and_leave_far_lines_out():
    hunks = diff_rows(LINES, LINES.replace("Line 9.", "Line nine.").replace("Line 10.\n", ""))
    assert len(hunks) == 1
    rows = hunks[0]
    assert rows[0] == ("same", 6, 6, "Line 6.")
    assert ("del", 9, None, "Line 9.") in rows and ("del", 10, None, "Line 10.") in rows
    assert ("ins", None, 9, "Line nine.") in rows
    assert rows[-1] == ("same", 13, 12, "Line 13.")


def test_diff_rows_give_one_hunk_per_distant_change_and_none_for_equal_texts():
    changed = LINES.replace("Line 2.", "Line two.").replace("Line 19.", "Line nineteen.")
    assert len(diff_rows(LINES, changed)) == 2
    assert len(diff_rows(LINES, changed, context=10)) == 1
    assert diff_rows(LINES, LINES) == []
    assert diff_rows("", "new\n") == [[("ins", None, 1, "new")]]


def test_unified_diff_is_the_one_difflib_writes_for_ordinary_edits():
    import difflib
    edited = (LINES.replace("Line 3.", "Line III.").replace("Line 12.\n", "")
              + "Line 21.\n")
    for old, new in ((LINES, edited), (edited, LINES), ("", LINES), (LINES, "")):
        expected = "".join(difflib.unified_diff(old.splitlines(True), new.splitlines(True),
                                                fromfile="a", tofile="b"))
        assert unified_diff(old, new, "a", "b") == expected


def test_repetitive_text_with_one_line_changed_gives_that_one_change():
    old = "x\n" * 10000
    new = old[:-2] + "y\n"
    assert diff_rows(old, new) == [[("same", 9997, 9997, "x"), ("same", 9998, 9998, "x"),
                                    ("same", 9999, 9999, "x"), ("del", 10000, None, "x"),
                                    ("ins", None, 10000, "y")]]
    assert unified_diff(old, new, "a", "b").endswith("-x\n+y\n")


def test_a_middle_too_large_to_match_is_shown_replaced_whole():
    from workspace.content.diff import MAX_CELLS, line_opcodes
    old = [f"a{n}" for n in range(3000)]
    new = [f"b{n}" if n % 2 == 0 else f"a{n}" for n in range(3000)]  # every other line
    assert len(old) * len(new) > MAX_CELLS
    assert line_opcodes(["same"] + old, ["same"] + new) == [
        ("equal", 0, 1, 0, 1), ("replace", 1, 3000, 1, 3000), ("equal", 3000, 3001, 3000, 3001)]
    rows = diff_rows("\n".join(old), "\n".join(new))[0]
    assert len([r for r in rows if r[0] == "del"]) == 2999
