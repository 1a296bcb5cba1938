"""On-site events announced by organisations and departments, with registration and a waiting list."""
