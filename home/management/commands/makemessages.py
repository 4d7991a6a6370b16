"""Django's makemessages, which also finds the messages written inside f-strings.

GNU xgettext (0.21, as Debian ships it) reads a Python f-string as one string: a `_("…")`
inside one is not extracted. The pages' Python writers build their HTML with f-strings, so
`make messages` dropped those messages from the catalogues, and Spanish and German pages showed
them in English while every catalogue test passed. Here a Python file with such calls goes to
xgettext with a copy of each call below its source, outside any f-string (Django's own step for
templates: a work copy, its messages then credited to the file itself).
"""

import ast
from functools import cached_property

from django.core.management.commands import makemessages

# The functions whose first arguments xgettext takes as messages (its Python defaults and the
# keywords Django adds).
GETTEXT = {
    "_",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
}


def calls_in_fstrings(source: str) -> list[str]:
    """The gettext calls written inside the f-strings of `source`, as source code."""
    calls = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.JoinedStr):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Call) and _name(inner.func) in GETTEXT:
                    calls.append(ast.unparse(inner))
    return calls


def _name(function: ast.expr) -> str | None:
    if isinstance(function, ast.Name):
        return function.id
    if isinstance(function, ast.Attribute):  # translation.gettext(…)
        return function.attr
    return None


class BuildFile(makemessages.BuildFile):
    @cached_property
    def calls_in_fstrings(self) -> list[str]:
        if self.domain != "django" or not self.translatable.file.endswith(".py"):
            return []
        with open(self.path, encoding="utf-8") as source:
            return calls_in_fstrings(source.read())

    @cached_property
    def is_templatized(self) -> bool:
        return super().is_templatized or bool(self.calls_in_fstrings)

    def preprocess(self) -> None:
        if not self.calls_in_fstrings:
            return super().preprocess()
        with open(self.path, encoding="utf-8") as source:
            copy = source.read()
        with open(self.work_path, "w", encoding="utf-8") as work:
            work.write(f"{copy}\n\n# Written inside f-strings above:\n")
            work.write("".join(f"{call}\n" for call in self.calls_in_fstrings))
        return None


class Command(makemessages.Command):
    build_file_class = BuildFile
