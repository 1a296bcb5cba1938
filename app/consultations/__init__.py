"""Consultations: action fields, departments, consultations and their questions;
who may see them, the public pages and the staff pages that run them."""
