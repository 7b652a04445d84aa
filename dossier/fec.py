"""The financial history a FEC file gives (Fichier des écritures comptables, art. A47 A-1 LPF).

A FEC is the legal accounting export of a French company for one fiscal year: a header line,
then one line per entry line, tab or pipe separated, in UTF-8 or ISO-8859-15. It is read as
a stream: only the balances of the account classes we need are kept, never the file.
Mapping (data dictionary, "Additions"): revenue = credit balance of 70x; net income = classes
7 minus 6; equity = 10x-14x plus the result; cash = debit balance of 5x; debt = 16x.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

# The 18 official columns, in order (BOI-CF-IOR-60-40-20). Some software writes Montant and
# Sens (D/C) in place of Debit and Credit: the administration accepts both.
COLUMNS = ("JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum",
           "CompteLib", "CompAuxNum", "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib",
           "Debit", "Credit", "EcritureLet", "DateLet", "ValidDate", "Montantdevise",
           "Idevise")
SIGNED_COLUMNS = ("Montant", "Sens")
MAX_LINE_BYTES = 64 * 1024
MAX_AMOUNT = Decimal("1e15")


class FecError(ValueError):
    """A line that is not FEC: its number and what is wrong, for the founder."""

    def __init__(self, line: int, code: str, detail: str = ""):
        super().__init__(f"line {line}: {code} {detail}".strip())
        self.line, self.code, self.detail = line, code, detail


@dataclass
class Balances:
    """Debit minus credit per account prefix of interest, and the fiscal year's dates."""

    by_prefix: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    first: date | None = None
    last: date | None = None
    lines: int = 0

    def add(self, account: str, amount: Decimal, day: date) -> None:
        """One entry line: `amount` is debit minus credit."""
        for prefix in (account[:1], account[:2]):
            self.by_prefix[prefix] += amount
        self.first = day if self.first is None else min(self.first, day)
        self.last = day if self.last is None else max(self.last, day)
        self.lines += 1

    def balance(self, *prefixes: str) -> Decimal:
        """Debit minus credit over these prefixes."""
        return sum((self.by_prefix.get(p, Decimal(0)) for p in prefixes), Decimal(0))


@dataclass(frozen=True)
class FiscalYear:
    """One year of `financials.history`, as proposed to the founder."""

    year: int
    revenue_eur: Decimal
    net_income_eur: Decimal
    equity_eur: Decimal
    cash_eur: Decimal
    debt_eur: Decimal
    closing_date: date
    lines: int

    def as_history(self) -> dict[str, object]:
        """The item of `financials.history` (money as strings with two decimals)."""
        money = ("revenue_eur", "net_income_eur", "equity_eur", "cash_eur", "debt_eur")
        return {"year": self.year,
                **{name: f"{getattr(self, name).quantize(Decimal('0.01'))}" for name in money}}


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("iso8859_15")


def _amount(text: str, number: int, column: str) -> Decimal:
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if not cleaned:
        return Decimal(0)
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise FecError(number, "fec_bad_amount", f"{column}={text.strip()!r}") from None
    if not value.is_finite() or abs(value) >= MAX_AMOUNT:
        raise FecError(number, "fec_bad_amount", f"{column}={text.strip()!r}")
    return value


def _date(text: str, number: int) -> date:
    text = text.strip()
    try:
        if len(text) == 8 and text.isdigit():
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        return date.fromisoformat(text[:10])
    except ValueError:
        raise FecError(number, "fec_bad_date", f"EcritureDate={text!r}") from None


def _header(line: str) -> tuple[str, list[str]]:
    separator = "\t" if "\t" in line else "|"
    names = [n.strip().strip("\ufeff") for n in line.rstrip("\r\n").split(separator)]
    wanted = {n.casefold() for n in names}
    base = {c.casefold() for c in COLUMNS[:11]}
    signed = {c.casefold() for c in SIGNED_COLUMNS}
    has_amounts = {"debit", "credit"} <= wanted or signed <= wanted
    if not base <= wanted or not has_amounts:
        missing = sorted(c for c in (*COLUMNS[:13],) if c.casefold() not in wanted)
        raise FecError(1, "fec_bad_header", ", ".join(missing))
    return separator, [n.casefold() for n in names]


def _signed(row: dict[str, str], number: int) -> Decimal:
    if "debit" in row:
        return (_amount(row["debit"], number, "Debit")
                - _amount(row.get("credit", ""), number, "Credit"))
    amount, sense = _amount(row["montant"], number, "Montant"), row.get("sens", "").strip()
    if sense.upper() not in {"D", "C", "+1", "-1"}:
        raise FecError(number, "fec_bad_sense", f"Sens={sense!r}")
    return amount if sense.upper() in {"D", "+1"} else -amount


def balances(lines: Iterable[bytes]) -> Balances:
    """Read a FEC line by line (bytes, as uploaded); FecError names the first bad line."""
    found, separator, names = Balances(), "", []
    for number, raw in enumerate(lines, start=1):
        if len(raw) > MAX_LINE_BYTES:
            raise FecError(number, "fec_line_too_long")
        line = _decode(raw).rstrip("\r\n")
        if number == 1:
            separator, names = _header(line)
            continue
        if not line.strip():
            continue
        values = line.split(separator)
        if len(values) != len(names):
            raise FecError(number, "fec_bad_columns", f"{len(values)} != {len(names)}")
        row = dict(zip(names, values, strict=True))
        account = row["comptenum"].strip()
        if not account[:1].isdigit():
            raise FecError(number, "fec_bad_account", f"CompteNum={account!r}")
        found.add(account, _signed(row, number), _date(row["ecrituredate"], number))
    if not names:
        raise FecError(1, "fec_empty")
    if found.lines == 0:
        raise FecError(2, "fec_no_entries")
    return found


def fiscal_year(found: Balances) -> FiscalYear:
    """The year's figures by the mapping of the data dictionary."""
    result = -(found.balance("7") + found.balance("6"))
    assert found.last is not None  # balances() refuses a file without entries
    return FiscalYear(
        year=found.last.year, revenue_eur=-found.balance("70"), net_income_eur=result,
        equity_eur=-found.balance("10", "11", "12", "13", "14") + result,
        cash_eur=found.balance("5"), debt_eur=-found.balance("16"),
        closing_date=found.last, lines=found.lines)


def read_fec(lines: Iterable[bytes]) -> FiscalYear:
    """The fiscal year a FEC file describes; FecError with a line number if it is not one."""
    return fiscal_year(balances(lines))
