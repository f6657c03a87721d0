"""Trees that are stored only once something is put in them.

An empty BTree is a database object of its own, written whole when whatever holds it is
made: a new group had thirty of them (its empty folders, its first board and its
mailgroup), and most of the time `import-groups` spent went on writing empty trees. A
class attribute made by `unwritten` gives every instance the same empty tree to read;
`written` stores an instance's own the first time something goes in. Its first insert
writes the holder as well, so two first inserts at once conflict and one is retried;
every later one touches the tree alone, as before.
"""


class Unwritten:
    """The shared empty tree (or `Length`) of a class attribute: reading it is reading an
    empty one; inserting into it would keep the value nowhere, so it is refused at once."""

    kind = None  # the tree class `written` makes in its place

    def _refuse(self, *args, **kwargs):
        raise TypeError(f"{self.kind.__name__} not stored yet: insert through written()")

    __setitem__ = insert = add = update = setdefault = change = set = _refuse


def unwritten(kind):
    """A class attribute: an empty `kind` to read until `written` stores one."""
    class Shared(Unwritten, kind):
        pass
    Shared.kind = kind
    Shared.__name__ = f"Unwritten{kind.__name__}"
    return Shared()


def written(obj, name):
    """`obj`'s own tree under `name`, made and stored on the first call."""
    tree = getattr(obj, name)
    if isinstance(tree, Unwritten):
        tree = tree.kind()
        setattr(obj, name, tree)
    return tree
