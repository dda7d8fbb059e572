"""Django's own Indonesian strings that read wrong (and a library's that it has no Indonesian for), listed here so that `make messages` keeps them in
our catalogue (locale/id), which Django reads before its own. Never imported: only read by makemessages.
"""

from django.utils.translation import gettext_noop

FIXED = [
    # "Masukkan nama pengguna nama pengguna dan sandi yang benar" (the field name was already in it)
    gettext_noop(
        "Please enter a correct %(username)s and password. Note that both fields may be case-sensitive."
    ),
    gettext_noop("Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only."),  # "atau sedikit"
    gettext_noop("Your password can’t be too similar to your other personal information."),  # "Sandi anda"
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("Your password can’t be entirely numeric."),
    gettext_noop("Change or view list link"),  # "Rubah"
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
    # django-tasks-db's models, which it ships without an Indonesian catalogue
    gettext_noop("Task Result"),
    # django-simple-history's history page: its Indonesian leaves this header in English
    gettext_noop("Changes"),
    gettext_noop("Task Results"),
]
