"""Discussion boards in HTML and JSON: boards, topics and replies, with moderation.

Members post and edit or delete their own posts; managers (`moderate`) create boards and
edit, delete, lock and pin anything; observers read. Reading a topic moves the reader's
read mark, which is how boards show topics with replies someone has not read. `posts`
holds what the read pages (`pages`), the forms (`forms`) and the JSON API (`api`) share.
"""
