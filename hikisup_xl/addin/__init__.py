"""The Excel ribbon add-in (workbook/hikisup.xlam), built from text on any OS.

ovba.py (MS-OVBA streams) and cfb.py (MS-CFB compound file) write xl/vbaProject.bin; ribbon.py
renders the ribbon XML from the button registry; build.py assembles the .xlam; install.py puts
it in Excel's start-up folder; commands.py is the `hikisup addin` CLI group; arguments.py
computes a button's action arguments from the open workbook (selected rows, output path).
"""
