"""The indicator catalogue and program structure, actions, workbook round-trip, health checks."""
