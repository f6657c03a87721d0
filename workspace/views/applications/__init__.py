"""Joining: applications from people without an account (the public form and
`POST /api/applications`), confirming the address, and the admins' list and decisions."""
