"""The `workspace` command line."""
