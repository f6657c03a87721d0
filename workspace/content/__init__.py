"""Persistent content: the site, people, groups and their tools. No web, no search here."""
