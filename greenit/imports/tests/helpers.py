"""Asset lists as donors send them, made in the test: CSV (UTF-8 or GB18030) and XLSX."""

import csv
import io

from openpyxl import Workbook

ENGLISH = ["Asset Tag", "Serial Number", "Manufacturer", "Model", "Type", "Weight (kg)"]
CHINESE = ["序号", "资产编号", "序列号", "品牌", "型号", "类别", "重量"]


def english_rows(n: int, *, start: int = 1) -> list[list[str]]:
    return [
        [f"EA-{i:05d}", f"PF{i:06d}", "Lenovo", "ThinkPad T480", "Laptop", "1.65"]
        for i in range(start, start + n)
    ]


def chinese_rows(n: int) -> list[list[str]]:
    kinds = ["笔记本电脑", "台式机", "显示器"]
    return [
        [str(i), f"资产-{i:04d}", f"CN{i:06d}", "联想", "ThinkCentre M720q", kinds[i % 3], "8.77"]
        for i in range(1, n + 1)
    ]


def csv_bytes(headers, rows, *, encoding: str = "utf-8-sig", delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(headers, rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
