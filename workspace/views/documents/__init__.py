"""Documents and files in HTML and JSON: read pages (`pages`), forms and page actions
(`forms`), the JSON API (`api`) and downloads (`downloads`), over the same content objects;
`common` holds what they share (schemas, limits, making new items)."""
