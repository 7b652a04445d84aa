"""The formatter of numbers, amounts, dates, times and sizes: dossier/formatting.py.

It lives in the domain so that banks' verdicts and the domain's e-mails use it too; forms and
the app import it from here as well as from there, it is one module.
"""

from dossier.formatting import (
    CENT,
    PARIS,
    babel_locale,
    fill,
    format_country,
    format_date,
    format_datetime,
    format_int,
    format_money,
    format_number,
    format_pct,
    format_size,
    paris,
    to_decimal,
)

__all__ = ["CENT", "PARIS", "babel_locale", "fill", "format_country", "format_date",
           "format_datetime", "format_int", "format_money", "format_number", "format_pct",
           "format_size", "paris", "to_decimal"]
