# One way to write a date on every page: "5 Des 2025", and "5 Des 2025 07.16" with the time (Indonesian
# writes the time with a dot). Django's own Indonesian formats abbreviate with a full stop ("Des."),
# which left three spellings of one date side by side.
DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y H.i"
TIME_FORMAT = "H.i"
MONTH_DAY_FORMAT = "j M"
YEAR_MONTH_FORMAT = "F Y"  # a contribution month: "Desember 2025"
SHORT_DATE_FORMAT = "d-m-Y"
SHORT_DATETIME_FORMAT = "d-m-Y H.i"
