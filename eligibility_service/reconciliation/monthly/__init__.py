"""Monthly coverage reports: an employer's additions, changes and deletions, validated
against ETF's records and the rules (brief section (k), RPT-MONTHLY-FORMS).

Entry points: :func:`validate_report` (a CSV stream, see :mod:`.format`) and
:func:`validate_lines`, returning a :class:`MonthlyResult`; :func:`not_validated` lists the
contracts a coverage month still lacks.
"""

from .employers import EmployerOptions, options_from_contracts, read_employers
from .format import BadLine, LineError, ReportLine, read_report
from .result import MonthlyResult, Validation, not_validated
from .validate import validate_lines, validate_report

__all__ = [
    "BadLine",
    "EmployerOptions",
    "LineError",
    "MonthlyResult",
    "ReportLine",
    "Validation",
    "not_validated",
    "options_from_contracts",
    "read_employers",
    "read_report",
    "validate_lines",
    "validate_report",
]
