"""The path converters: `id` for every id in the site's URLs, bounded so the database can take it,
and `token` for the links' tokens and class codes.

Django's `int` converter takes any number of digits, and SQLite's driver raises OverflowError on
an integer of 2⁶³ or more (a 500 for `/families/9223372036854775808/`). `id` takes 1 to 18
digits, always below 2⁶³ (the largest BigAutoField id), so a longer one matches no URL: a 404,
answered by the resolver before any view runs. Each app's `urls.py` imports this module, which
registers the converter once for the whole project; tests/test_every_url.py checks that no URL
uses `int`.
"""

from django.urls import register_converter

# 18 digits: at most 999,999,999,999,999,999, below 2**63 - 1 (about 9.22e18).
MAX_DIGITS = 18


class IdConverter:
    regex = f"[0-9]{{1,{MAX_DIGITS}}}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))


register_converter(IdConverter, "id")


class TokenConverter:
    """The `token` path converter: the links' tokens and class codes, in the characters they are
    made of (URL-safe base64, letters, digits, dashes), at most 200 of them. Anything else, a NUL
    among them (which PostgreSQL refuses in a query, a 500), matches no URL: a 404."""

    regex = "[A-Za-z0-9_-]{1,200}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)


register_converter(TokenConverter, "token")
