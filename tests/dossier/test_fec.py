"""A FEC file gives the year's revenue, result, equity, cash and debt, or names the bad line."""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

import pytest

from dossier.fec import COLUMNS, FecError, read_fec

HEADER = "\t".join(COLUMNS)


def _line(day: date, account: str, label: str, debit: str, credit: str, n: int,
          sep: str = "\t") -> str:
    values = ["VE", "Ventes", str(n), day.strftime("%Y%m%d"), account, label, "", "",
              f"F{n}", day.strftime("%Y%m%d"), label, debit, credit, "", "",
              day.strftime("%Y%m%d"), "", ""]
    return sep.join(values)


def fec_year(year: int, *, sales: int = 120, sep: str = "\t") -> tuple[list[str], dict]:
    """A balanced FEC of one year (several hundred lines) and the figures it must give."""
    lines, n = [HEADER.replace("\t", sep)], 0
    start = date(year, 1, 1)

    def entry(day: date, debit_account: str, credit_account: str, amount: str, label: str):
        nonlocal n
        n += 1
        lines.append(_line(day, debit_account, label, amount, "0,00", n, sep))
        lines.append(_line(day, credit_account, label, "0,00", amount, n, sep))

    entry(start, "512000", "101000", "50000,00", "A nouveau capital")       # equity 50 000
    entry(start, "512000", "164000", "80000,00", "Emprunt BPI")             # debt 80 000
    for i in range(sales):                                                  # 120 × 1 250,50
        entry(start + timedelta(days=i * 3 % 360), "411000", "706000", "1250,50", f"Vente {i}")
        entry(start + timedelta(days=i * 3 % 360 + 1), "512000", "411000", "1250,50",
              f"Encaissement {i}")
    for i in range(12):                                                     # 12 × 7 000,00
        entry(date(year, i + 1, 28), "641000", "512000", "7000,00", f"Salaires {i + 1}")
    entry(date(year, 6, 30), "164000", "512000", "10000,00", "Remboursement emprunt")
    entry(date(year, 12, 31), "606000", "401000", "3210,25", "Achats")
    revenue = Decimal("1250.50") * sales
    result = revenue - Decimal("84000") - Decimal("3210.25")
    cash = Decimal("50000") + Decimal("80000") + revenue - Decimal("84000") - Decimal("10000")
    return lines, {"year": year, "revenue_eur": revenue, "net_income_eur": result,
                   "equity_eur": Decimal("50000") + result, "cash_eur": cash,
                   "debt_eur": Decimal("70000")}


def encode(lines: list[str], encoding: str = "utf-8") -> list[bytes]:
    return [(line + "\r\n").encode(encoding) for line in lines]


@pytest.mark.parametrize("year", [2024, 2025])
def test_two_fiscal_years_give_the_figures_of_the_data_dictionary(year):
    lines, expected = fec_year(year, sales=120 + year % 7)
    assert len(lines) > 500
    got = read_fec(encode(lines))
    for name, value in expected.items():
        assert getattr(got, name) == value, name
    assert got.closing_date == date(year, 12, 31) and got.lines == len(lines) - 1
    assert got.as_history()["revenue_eur"] == f"{expected['revenue_eur']:.2f}"


def test_pipe_separated_latin9_files_are_read_too():
    lines, expected = fec_year(2025, sep="|")
    lines[5] = lines[5].replace("Vente", "Vente €uro été")
    assert read_fec(encode(lines, "iso8859_15")).revenue_eur == expected["revenue_eur"]


def test_the_montant_and_sens_variant_is_accepted():
    header = "\t".join([*COLUMNS[:11], "Montant", "Sens", *COLUMNS[13:]])
    rows = [header,
            "\t".join(["VE", "Ventes", "1", "20250105", "411000", "C", "", "", "F1", "20250105",
                       "Vente", "1000,00", "D", "", "", "20250105", "", ""]),
            "\t".join(["VE", "Ventes", "1", "20250105", "706000", "V", "", "", "F1", "20250105",
                       "Vente", "1000,00", "C", "", "", "20250105", "", ""])]
    assert read_fec(encode(rows)).revenue_eur == Decimal("1000.00")


@pytest.mark.parametrize(("change", "line", "code"), [
    (lambda ls: ls.__setitem__(0, "Journal\tCompte\tMontant"), 1, "fec_bad_header"),
    (lambda ls: ls.__setitem__(7, ls[7] + "\textra"), 8, "fec_bad_columns"),
    (lambda ls: ls.__setitem__(12, ls[12].replace("1250,50", "12x0,50", 1)), 13,
     "fec_bad_amount"),
    (lambda ls: ls.__setitem__(20, ls[20].replace("2025", "2025-13-", 1)), 21, "fec_bad_date"),
    (lambda ls: ls.__setitem__(30, "\t".join([*ls[30].split("\t")[:4], "CLIENT",
                                               *ls[30].split("\t")[5:]])), 31,
     "fec_bad_account"),
    (lambda ls: ls.__setitem__(40, ls[40].replace("1250,50", "NaN", 1)), 41, "fec_bad_amount"),
])
def test_a_malformed_file_is_refused_with_its_line_number(change, line, code):
    lines, _ = fec_year(2025)
    change(lines)
    with pytest.raises(FecError) as caught:
        read_fec(encode(lines))
    assert (caught.value.line, caught.value.code) == (line, code)


def test_empty_and_header_only_files_are_refused():
    with pytest.raises(FecError, match="fec_empty"):
        read_fec([])
    with pytest.raises(FecError, match="fec_no_entries"):
        read_fec(encode([HEADER]))


def test_a_large_file_is_streamed_not_loaded():
    def many() -> Iterator[bytes]:
        yield (HEADER + "\n").encode()
        day = date(2025, 3, 1)
        for n in range(50_000):
            yield (_line(day, "706000", "Vente", "0,00", "10,00", n) + "\n").encode()
            yield (_line(day, "411000", "Client", "10,00", "0,00", n) + "\n").encode()

    tracemalloc.start()
    got = read_fec(many())
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert got.revenue_eur == Decimal("500000.00") and got.lines == 100_000
    assert peak < 5 * 1024 * 1024, peak  # the 10 MB file never sits in memory
