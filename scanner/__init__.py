"""Red-flag scanner: find signs of recruitment into human trafficking in adverts.

    >>> from scanner import scan_text
    >>> result = scan_text("Darbs ārzemēs, dzīvoklis bez maksas, pase jāatstāj pie mums")
    >>> result.flagged, [f.rule for f in result.findings]
"""
from __future__ import annotations

__version__ = "0.1.0"

from .models import Advert, Finding, ScanResult  # noqa: E402
from .pipeline import Scanner, scan_text  # noqa: E402

__all__ = ["Advert", "Finding", "ScanResult", "Scanner", "scan_text", "__version__"]
