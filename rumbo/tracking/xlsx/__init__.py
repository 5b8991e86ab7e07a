"""The tracking matrix as an Excel workbook: written with XlsxWriter (constant memory),
read back with openpyxl (read-only), so that people can work offline and bring changes back."""
