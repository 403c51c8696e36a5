"""Values from officials: reporting sheet, validation and saving, locks, history, file import."""
