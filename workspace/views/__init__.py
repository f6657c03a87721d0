"""HTML pages and their JSON API twins, over the same content classes."""
