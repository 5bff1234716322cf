"""The program's entry points: the review window or a headless command, and the self-test."""
