"""config.ahead.one_ahead: the next item made in a thread while the caller works on this one."""

import threading

import pytest
from django.utils import translation
from django.utils.translation import gettext as _

from config.ahead import one_ahead


def test_items_come_in_order_each_made_in_another_thread():
    made_in = []

    def items():
        for n in range(5):
            made_in.append(threading.current_thread().name)
            yield n

    assert list(one_ahead(items())) == [0, 1, 2, 3, 4]
    assert set(made_in) == {"one-ahead"}


def test_what_the_thread_raises_is_raised_to_the_caller():
    def items():
        yield 1
        raise ValueError("row 2001: broken")

    got = []
    with pytest.raises(ValueError, match="row 2001"):
        for item in one_ahead(items()):
            got.append(item)
    assert got == [1]


def test_a_caller_that_stops_early_stops_the_thread():
    made = []

    def items():
        for n in range(1000):
            made.append(n)
            yield n

    for item in one_ahead(items()):
        if item == 2:
            break
    # Three handed over, one waiting in the box, one made and not taken: not 1,000.
    assert len(made) <= 5
    assert not any(thread.name == "one-ahead" for thread in threading.enumerate())


def test_the_thread_speaks_the_callers_language():
    def items():
        yield _("This field is required.")

    with translation.override("id"):
        said_here = _("This field is required.")
        assert said_here != "This field is required."
        assert list(one_ahead(items())) == [said_here]
