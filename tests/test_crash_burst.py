"""SIGKILL during a burst of saves from several clients loses nothing that was answered."""
from crash_harness import run_crash


def test_every_answered_save_survives_sigkill_and_reaches_the_index(tmp_path):
    seen = run_crash(str(tmp_path), clients=4, seconds_before_kill=2.0)
    assert seen["answered"] > 0
    # Documents that were saved but whose answer was lost may exist too: never fewer.
    assert seen["indexed_total"] >= seen["answered"]
    assert "agree" in seen["check"]
