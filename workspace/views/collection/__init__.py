"""The Collection: a group's Resources (pages, forms, JSON API) and the site's themes
vocabulary that admins keep."""
