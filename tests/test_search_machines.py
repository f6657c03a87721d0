"""Each machine's search index applies the one queue in the database with its own
position; the queue is pruned only once every registered machine has applied it."""
import time

import pytest
import transaction
from ZODB import DB
from ZODB.MappingStorage import MappingStorage

from workspace.search.queue import (GRACE_SECONDS, RETAIN_SECONDS, cover_snapshot,
                                    forget_machine, key_at, mark_done, pending,
                                    prepare_queue, prune, rewind, state_of, task_key)

NOW = time.time()


def key(seconds_ago, n=0):
    return task_key(int((NOW - seconds_ago) * 10**9) + n)


@pytest.fixture
def root():
    db = DB(MappingStorage())
    conn = db.open()
    yield conn.root()
    transaction.abort()
    conn.close()
    db.close()


def queue(root, *keys):
    state = state_of(root)
    for k in keys:
        state.tasks[k] = ("one", f"/groups/g/documents/{k[-4:]}")
    return state


def test_each_machine_applies_every_task_with_its_own_position(root):
    prepare_queue(root, "a")
    prepare_queue(root, "b")
    old, recent = key(1000), key(10)
    state = queue(root, old, recent)
    assert [k for k, _ in pending(root, machine="a")] == [old, recent]
    mark_done(state, "a", [old, recent], now=NOW)
    assert pending(root, machine="a") == []
    assert [k for k, _ in pending(root, machine="b")] == [old, recent]
    assert [k for k, _ in pending(root)] == [old, recent]  # some machine still needs them
    assert prune(state, now=NOW) == 0  # b has not applied them
    mark_done(state, "b", [old], now=NOW)
    assert prune(state, now=NOW) == 1 and list(state.tasks.keys()) == [recent]
    assert [k for k, _ in pending(root, machine="b")] == [recent]


def test_a_task_committed_late_with_an_older_key_is_still_applied(root):
    prepare_queue(root, "a")
    first, late = key(30), key(40)  # `late` was queued earlier, committed after `first`
    state = queue(root, first)
    mark_done(state, "a", [first], now=NOW)
    queue(root, late)
    assert [k for k, _ in pending(root, machine="a")] == [late]


def test_settled_positions_keep_pending_short(root):
    prepare_queue(root, "a")
    keys = [key(GRACE_SECONDS + 100, n) for n in range(50)] + [key(1)]
    state = queue(root, *keys)
    mark_done(state, "a", keys[:50], now=NOW)
    progress = state.machines["a"]
    assert progress.settled > keys[49] and len(progress.applied) == 0
    assert [k for k, _ in pending(root, machine="a")] == [keys[50]]


def test_a_restart_applies_the_last_minutes_again_and_a_rebuild_covers_its_snapshot(root):
    prepare_queue(root, "a")
    recent, older, ancient = key(60), key(GRACE_SECONDS + 60), key(RETAIN_SECONDS + 100)
    state = queue(root, ancient, older, recent)
    mark_done(state, "a", [ancient, older, recent], now=NOW)
    assert pending(root, machine="a") == []
    assert rewind(state, "a", now=NOW) == 2
    assert [k for k, _ in pending(root, machine="a")] == [older, recent]
    cover_snapshot(state, "a", NOW, [older, recent])
    assert pending(root, machine="a") == []


def test_a_machine_that_is_forgotten_no_longer_holds_the_queue(root):
    prepare_queue(root, "a")
    prepare_queue(root, "gone")
    ancient = key(RETAIN_SECONDS + 100)
    state = queue(root, ancient)
    mark_done(state, "a", [ancient], now=NOW)
    assert prune(state, now=NOW) == 0
    assert forget_machine(state, "gone")
    assert prune(state, now=NOW) == 1


def test_a_single_index_queue_becomes_the_position_of_the_machine_that_starts(root):
    from BTrees.OOBTree import OOBTree
    applied, waiting = key(20), key(10)
    state = queue(root, applied, waiting)
    del state.machines
    state.done = OOBTree({applied: True})
    prepare_queue(root, "host:/var/index")
    assert "done" not in state.__dict__
    assert [k for k, _ in pending(root, machine="host:/var/index")] == [waiting]
    assert key_at(NOW) < key(0, 1)
