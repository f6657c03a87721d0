"""Empty trees are stored at their first insert (content/unwritten.py): what an empty
folder, board or mailgroup reads, what its first insert keeps, and what concurrent first
inserts do, on a real FileStorage."""
from collections import Counter

from BTrees.OOBTree import OOBTree
import pytest
import transaction
from ZODB import DB
from ZODB.FileStorage import FileStorage
from ZODB.POSException import ConflictError
from ZODB.utils import get_pickle_metadata

from workspace.content.board import Board, start_topic
from workspace.content.folder import Folder
from workspace.content.group import Groups, add_group
from workspace.content.ids import IdTaken
from workspace.content.mail import DEFAULT_DELIVERY, GroupMail, HeldMessage, hold_message, set_delivery
from workspace.content.unwritten import Unwritten, unwritten, written


class Item(Folder):
    pass


@pytest.fixture
def db(tmp_path):
    database = DB(FileStorage(str(tmp_path / "Data.fs"), blob_dir=str(tmp_path / "blobs")))
    yield database
    database.close()


def stored(db, make):
    """Store `make()` at the root under "it", in a committed transaction."""
    with db.transaction() as conn:
        conn.root()["it"] = make()


def test_an_empty_folder_reads_as_empty_and_removing_from_it_is_a_key_error():
    folder = Folder()
    assert len(folder) == 0 and list(folder) == [] and list(folder.keys("a", "z")) == []
    assert folder.get("x") is None and "x" not in folder
    with pytest.raises(KeyError):
        folder["x"]
    with pytest.raises(KeyError):
        folder.remove("x")
    assert len(Folder._items) == 0


def test_the_first_add_gives_the_folder_its_own_trees_and_no_other_folder_sees_it():
    one, other = Folder(), Folder()
    one.add("a", Item())
    assert list(one) == ["a"] and len(one) == 1
    assert list(other) == [] and len(other) == 0
    assert len(Folder._items) == 0 and Folder._count() == 0
    with pytest.raises(IdTaken):
        one.add("a", Item())


def test_inserting_into_the_shared_empty_tree_is_refused_and_keeps_nothing():
    class Holder:
        tree = unwritten(OOBTree)
    with pytest.raises(TypeError):
        Holder().tree["lost"] = 1
    with pytest.raises(TypeError):
        Holder().tree.update({"lost": 1})
    assert len(Holder.tree) == 0
    holder = Holder()
    written(holder, "tree")["kept"] = 1
    assert dict(holder.tree) == {"kept": 1} and not isinstance(holder.tree, Unwritten)
    assert written(holder, "tree") is holder.tree  # made once


def test_what_the_first_add_stores_is_there_after_reopening(db):
    stored(db, Folder)
    with db.transaction() as conn:
        conn.root()["it"].add("a", Item())
    db.pool.clear()
    with db.transaction() as conn:
        folder = conn.root()["it"]
        assert list(folder) == ["a"] and len(folder) == 1
        assert folder["a"].__parent__ is folder


def test_two_first_adds_at_once_conflict_once_and_a_retry_keeps_both(db):
    stored(db, Folder)
    first, second = transaction.TransactionManager(), transaction.TransactionManager()
    conn1, conn2 = db.open(first), db.open(second)
    conn1.root()["it"].add("a", Item())
    conn2.root()["it"].add("b", Item())
    first.commit()
    with pytest.raises(ConflictError):
        second.commit()
    second.abort()
    conn2.root()["it"].add("b", Item())  # what pyramid_retry does: the request again
    second.commit()
    # once the trees are stored, adds of different names merge as before
    conn1.sync()
    conn1.root()["it"].add("c", Item())
    conn2.root()["it"].add("d", Item())
    first.commit()
    second.commit()
    conn1.close(), conn2.close()
    with db.transaction() as conn:
        folder = conn.root()["it"]
        assert sorted(folder) == ["a", "b", "c", "d"] and len(folder) == 4


def test_a_new_board_and_mailgroup_keep_what_goes_in_after_reopening(db):
    stored(db, lambda: Board("Talk"))
    with db.transaction() as conn:
        board = conn.root()["it"]
        assert board.topic_ids() == [] and board.reply_count == 0
        topic = start_topic(board, "t", "Hello", "First words", "amara")
        board.set_pinned(topic, True)
        topic.post_reply("A reply", "rohan")
    with db.transaction() as conn:
        conn.root()["mail"] = GroupMail()
    with db.transaction() as conn:
        mail = conn.root()["mail"]
        assert mail.delivery_of("amara") == DEFAULT_DELIVERY
        assert mail.held_page() == ([], 0)
        set_delivery(mail, "amara", "daily")
        hold_message(mail, HeldMessage(b"Subject: hi\r\n\r\nbody", "x@example.org", "X",
                                       "hi", ["new member"]))
    db.pool.clear()
    with db.transaction() as conn:
        board, mail = conn.root()["it"], conn.root()["mail"]
        assert board.topic_ids() == ["t"] and board.reply_count == 1
        assert mail.delivery_of("amara") == "daily"
        messages, count = mail.held_page()
        assert count == 1 and messages[0].subject == "hi"


def test_a_new_group_stores_no_empty_tree(db):
    with db.transaction() as conn:
        conn.root()["groups"] = Groups()
        add_group(conn.root()["groups"], "Teachers of Giza", gid="giza")
    with db.transaction() as conn:  # the second: what the first made for all is there
        add_group(conn.root()["groups"], "Teachers of Giza", gid="giza-2")
    storage = db.storage
    kinds = Counter()
    for txn in storage.iterator(start=storage.lastTransaction()):
        for record in txn:
            kinds[get_pickle_metadata(record.data)[1]] += 1
    # the group, its seven tools, its board and that board's latest activity; the trees
    # of the group (children, count, roles) and of its boards folder; the groups'
    # children, count and name index. No tree of an empty folder, board or mailgroup,
    # nor an empty list of join requests: with them it was 43 objects.
    assert kinds["LOBTree"] == 0 and kinds["OOTreeSet"] == 1, kinds  # the name index
    assert sum(kinds.values()) == 19, kinds
