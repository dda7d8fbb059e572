"""Numbers and money written the way the reader's language writes them.

Indonesian groups digits with a dot (19.800, Rp25.000.000.000), English with a comma (19,800,
Rp25,000,000,000). lokal's format_rupiah always writes the Indonesian way, which put "Rp16.800" beside
"Target 19,115" on an English page.
"""

from django.utils.formats import number_format


def grouped(value) -> str:
    """12.345 in Indonesian, 12,345 in English."""
    return number_format(value, force_grouping=True)


def rupiah(amount) -> str:
    """Rp25.000.000.000 in Indonesian, Rp25,000,000,000 in English; whole rupiah, as budgets are kept."""
    return f"Rp{grouped(round(amount))}"
