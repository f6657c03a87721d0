"""Groups: the list, a group's page and settings, its members and join requests; read
pages, forms and the JSON API over the `Groups` and `Group` content classes."""
