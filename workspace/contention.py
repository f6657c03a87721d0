"""What keeps contention and database faults from answering 500.

A transaction that conflicts is run again by pyramid_retry; `spread_retries` waits a
short random while first, growing with each attempt, so that a burst of writers to one
object do not all collide again in the same millisecond. A database server that cannot
be reached answers 503 with `Retry-After` at once (the ZEO client gives up after its
`wait_timeout`, a few seconds in the ini files), and the next request after it returns
is served as usual.
"""
import random
import time

from pyramid.events import subscriber
from pyramid_retry import IBeforeRetry

RETRY_PAUSE = 0.02  # seconds; the n-th retry waits up to n times this


@subscriber(IBeforeRetry)
def spread_retries(event):
    attempt = event.environ.get("retry.attempt", 0) + 1
    time.sleep(random.uniform(0, RETRY_PAUSE * attempt))
