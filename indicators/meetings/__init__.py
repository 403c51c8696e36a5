"""The working group's meetings: records, what changed since the last one, meeting documents."""
