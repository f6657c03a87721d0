"""The expert roster: `/experts` (browse by theme, country, language), an admin putting
someone on the roster, and a person's page of what they answered."""
