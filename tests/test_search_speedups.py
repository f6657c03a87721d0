"""The stream segment files are read through (speedups.py): pickles loaded one after the
other come out whole, whatever their size, with pickle peeking ahead."""
import pickle

from workspace.search.speedups import PEEK, BufferStream


def test_pickles_read_from_a_buffer_stream_come_out_whole_and_in_order():
    values = [("term", 3, 1.5), "x" * (PEEK * 5), list(range(200)), None, b"\x00" * 10]
    data = b"".join(pickle.dumps(v, protocol=2) for v in values) + b"tail"
    stream = BufferStream(memoryview(data))
    assert [pickle.load(stream) for _ in values] == values
    assert stream.peek(100) == b"tail" and stream.read() == b"tail"


def test_a_peek_does_not_move_the_stream():
    stream = BufferStream(b"abcdef")
    stream.seek(2)
    assert stream.peek(3) == b"cde" and stream.tell() == 2 and stream.read(2) == b"cd"
