"""Spreadsheets in and out: import a plan from its "Cruscotto", unit forms for measurements.

- :mod:`.grid` reads .xlsx (openpyxl) and .ods (odfpy) into one neutral
  :class:`~.grid.Sheet` (values with their kind, merged ranges, A1 names);
- :mod:`.values` reads the forms people type ("50%", "4,5", "28 gg", "maggio");
- :mod:`.piano` turns a Cruscotto sheet into ``plan/<anno>.yml``;
- :mod:`.moduli` writes one form per unit, :mod:`.rilevazione` reads them back.
"""
