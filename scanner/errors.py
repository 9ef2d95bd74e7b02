"""Errors with stable codes, and the exit codes the CLI turns them into.

Library code raises these; only `scanner.cli` prints them or exits. Codes are
stable strings (``RF-E1xx``) so logs, JSON output and docs can refer to them.
"""
from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    ERROR = 1
    USAGE = 2
    FINDINGS = 3  # only with --fail-on
    PARTIAL = 4  # some items or sources failed, the rest were done
    RULES_INVALID = 5
    INTERRUPTED = 130


class ScannerError(Exception):
    """Base of every error the scanner raises on purpose."""

    code = "RF-E100"
    exit_code = ExitCode.ERROR

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def to_dict(self) -> dict[str, object]:
        return {"ok": False, "error": self.message, "code": self.code}


class ConfigError(ScannerError):
    """A settings or sources file, or an option, is wrong."""

    code = "RF-E110"
    exit_code = ExitCode.USAGE


class InputError(ScannerError):
    """Input data (JSONL, text) cannot be read."""

    code = "RF-E120"


class RuleError(ScannerError):
    """One or more rule files are invalid; carries every problem found at once."""

    code = "RF-E130"
    exit_code = ExitCode.RULES_INVALID

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        head = f"{len(self.problems)} problem(s) in the rule files"
        super().__init__(head + ":\n" + "\n".join(f"  - {p}" for p in self.problems))

    def to_dict(self) -> dict[str, object]:
        return {**super().to_dict(), "problems": self.problems}


class FetchError(ScannerError):
    """A page could not be fetched."""

    code = "RF-E140"
    kind = "error"  # short counter name, e.g. fetch/error/timeout


class BlockedAddressError(FetchError):
    code = "RF-E141"
    kind = "blocked_address"


class RobotsForbiddenError(FetchError):
    code = "RF-E142"
    kind = "robots_forbidden"


class TooLargeError(FetchError):
    code = "RF-E143"
    kind = "too_large"


class HttpStatusError(FetchError):
    code = "RF-E144"
    kind = "http_status"

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class FetchTimeoutError(FetchError):
    code = "RF-E145"
    kind = "timeout"


class UnsupportedContentError(FetchError):
    code = "RF-E146"
    kind = "content_type"


class RedirectLoopError(FetchError):
    code = "RF-E147"
    kind = "redirects"


class FetchConnectionError(FetchError):
    """The host could not be resolved or reached, or the connection broke (after retries)."""

    code = "RF-E148"
    kind = "connection"


class InvalidUrlError(FetchError):
    """The URL cannot be fetched at all: not http/https, or no host."""

    code = "RF-E149"
    kind = "invalid_url"


class ExtractError(ScannerError):
    """A fetched page has no advert that can be extracted."""

    code = "RF-E150"


class StoreError(ScannerError):
    """The database cannot be opened, migrated or written."""

    code = "RF-E160"


class LockedError(StoreError):
    """Another run holds the lock."""

    code = "RF-E161"


class NotFoundError(ScannerError):
    """A named advert, rule or user does not exist."""

    code = "RF-E170"
