"""What the CSV reader hands the checker, row by row: most rows exactly as read (the fast
path), a guarded formula unescaped and an over-long cell cut wherever they are in the row,
blank lines skipped with the line numbers of the spreadsheet kept."""

from greenit.imports.reading import CELL_MAX_CHARS, read_table

from .helpers import csv_bytes


def _rows(rows):
    return list(read_table(csv_bytes(["A", "B", "C"], rows), "list.csv").rows)


def test_plain_rows_come_as_read_and_blank_lines_are_skipped():
    assert _rows([["1", "O'Brien", "x"], ["", "", ""], ["2", " b ", ""]]) == [
        (2, ["1", "O'Brien", "x"]),
        (4, ["2", " b ", ""]),
    ]


def test_a_guarded_formula_is_unescaped_in_any_column():
    plain = [["1", "b", "c"]] * 3  # (so that the dialect sniffer sees an ordinary file)
    rows = _rows([*plain, ["'=1+1", "b", "'+7"], ["a", "'@SUM(A1)", "it's"]])
    assert rows[3:] == [(5, ["=1+1", "b", "+7"]), (6, ["a", "@SUM(A1)", "it's"])]


def test_a_long_cell_is_cut_even_when_the_others_are_short():
    long = "x" * (CELL_MAX_CHARS + 5)
    assert _rows([["a", long, "c"]]) == [(2, ["a", "x" * CELL_MAX_CHARS, "c"])]
    # Short cells that add up to more than the limit are all kept whole.
    third = "y" * (CELL_MAX_CHARS // 2)
    assert _rows([[third, third, third]]) == [(2, [third, third, third])]
