"""Pure rules with no database: periods, parsing, status, formatting, disclosure, vocabulary."""
