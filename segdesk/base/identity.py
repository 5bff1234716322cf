"""Where a change came from, as the operating system tells it: the account and the host.

Recorded beside the name a reviewer types (which is theirs to choose) so that four eyes can be
checked against something the typist does not pick. It is not authentication: whoever can log
in as an account, or edit a review file, can claim it.
"""
from __future__ import annotations

import getpass
import os
import socket
from dataclasses import dataclass


@dataclass(frozen=True)
class Origin:
    """An operating-system account and the host it was used on ("" where unknown)."""

    account: str = ""
    host: str = ""

    @staticmethod
    def here() -> Origin:
        """This process's account and host."""
        try:
            account = getpass.getuser()
        except (OSError, KeyError, ImportError):  # no login name and no passwd entry
            account = str(os.getuid()) if hasattr(os, "getuid") else ""
        try:
            host = socket.gethostname()
        except OSError:
            host = ""
        return Origin(account, host)

    def same_account(self, other: Origin) -> bool:
        """The same account, wherever used (a domain account signs in on many hosts);
        unknown on either side is never a match."""
        return bool(self.account and other.account) and \
            self.account.casefold() == other.account.casefold()

    def __str__(self) -> str:
        return f"{self.account}@{self.host}" if self.host else self.account
