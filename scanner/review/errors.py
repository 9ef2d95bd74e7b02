"""Errors of the review stage (codes RF-E18x), beside the shared tree in `scanner.errors`."""
from __future__ import annotations

from ..errors import ConfigError, ExitCode, ScannerError


class AuthError(ScannerError):
    """Wrong user name or password, a disabled account, or no valid session."""

    code = "RF-E180"
    exit_code = ExitCode.ERROR


class RateLimitedError(AuthError):
    """Too many failed log-ins for this user or from this address."""

    code = "RF-E181"


class ReviewInputError(ConfigError):
    """A verdict, filter or user option is not valid."""

    code = "RF-E182"
