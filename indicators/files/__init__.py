"""Long-format and spreadsheet readers and writers, and output safety for files."""
