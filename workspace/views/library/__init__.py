"""The library (`/library`, `GET /api/library`): every Resource and published Discussion
Summary the reader may read, faceted, with the managers' due-for-review list and a page per
country; anonymous readers see what is on the public web only."""
