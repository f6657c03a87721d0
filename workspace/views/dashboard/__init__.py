"""The facilitators' dashboard of a community group: pictures first, numbers on hover,
the data as CSV."""
