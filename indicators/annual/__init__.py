"""The frozen annual follow-up: content, store, XLSX and PDF renderings."""
