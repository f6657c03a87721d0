"""People: the directory, profiles and accounts; read pages, forms and the JSON API over
the `People` and `Profile` content classes (logging in and API tokens are in views/auth.py).
"""
