"""Consultations and their Discussion Summaries: asking, closing and reopening, and the
summary's pages, forms and JSON API (DESIGN.md, "Consultations and Discussion Summaries")."""
