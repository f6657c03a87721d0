"""Whiteboards in HTML and JSON: read pages (`pages`), forms (`forms`) and the JSON API
(`api`) over `Whiteboards`, `Whiteboard`, its `Versions` and each `Version`; the schemas
the forms and the API share (`schemas`). Formats (SVG, Excalidraw) and the board itself are
the domain's, in `workspace.content.whiteboard` and `workspace.content.whiteboard_format`.
"""
