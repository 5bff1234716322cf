"""Shared base: errors, vocabulary, amounts, the filing as read, file helpers, logs, resources."""
