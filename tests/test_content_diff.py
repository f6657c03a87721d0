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
