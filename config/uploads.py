"""What uploaded CSV files share: problems tied to their line numbers, reported in line order."""

from django.utils.translation import gettext as _


class LineProblems:
    """Collect every problem of a file before refusing it, so the user fixes them all in one go."""

    def __init__(self) -> None:
        self._found: list[tuple[int, str]] = []

    def add(self, line: int, problem: str) -> None:
        self._found.append((line, problem))

    def __bool__(self) -> bool:
        return bool(self._found)

    def messages(self) -> list[str]:
        return [
            _("line %(line)d: %(problem)s") % {"line": line, "problem": problem}
            for line, problem in sorted(self._found, key=lambda found: found[0])
        ]
