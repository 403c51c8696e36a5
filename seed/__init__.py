"""The program structure, the starter catalogue and demo data, loaded into the database."""
