"""Full-text search: Whoosh schema, index queue, indexer and permission-filtered queries."""


def includeme(config):
    """Nothing to set up yet."""
