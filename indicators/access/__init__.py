"""Who may do what: roles and permissions, accounts, sign-in."""
