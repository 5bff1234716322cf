"""Where reviews are kept: review file, codec, lock, paths, and open_review()."""
