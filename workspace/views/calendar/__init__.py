"""Group calendars: read pages (`pages`), forms (`forms`), the JSON API (`api`) and the
iCalendar answers (`feeds`: .ics export and import, each person's subscription feed)."""
