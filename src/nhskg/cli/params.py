"""Click parameter types for what people type: ``NAME=VALUE`` pairs and concepts by code or label.

Each is checked at the edge, before a store is opened, so a mistake is a usage error (exit 2)
whichever command met it.
"""

from __future__ import annotations

from typing import Any

import click

__all__ = ["NameValue", "NAME_VALUE", "Concept"]


class NameValue(click.ParamType):
    """``NAME=VALUE`` as ``(name, value)``: a query parameter (``--param``). The name is stripped;
    the value is kept as typed (a posting id may end in a space, and must not then name another).

    >>> NAME_VALUE.convert(" role =CMO", None, None)
    ('role', 'CMO')
    """

    name = "NAME=VALUE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> tuple[str, str]:
        if isinstance(value, tuple):
            return value
        name, sep, text = str(value).partition("=")
        if not sep or not name.strip():
            self.fail(f"'{value}' is not NAME=VALUE", param, ctx)
        return name.strip(), text


NAME_VALUE = NameValue()


class Concept(click.ParamType):
    """A concept of one scheme of ``ontology/vocab`` named by its code, IRI, label or acronym
    (``CMO``, ``"Chief Nurse"``), as its code; anything else fails listing the nearest labels.

    >>> Concept("role-type").convert("CMO", None, None)
    'chief-medical-officer'
    """

    def __init__(self, scheme: str) -> None:
        self.scheme = scheme
        self.name = scheme.replace("-", " ")

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from ..errors import UnknownValue
        from ..vocabulary.labels import named_concepts, resolve
        from ..vocabulary.vocab import load_vocabulary

        concepts = named_concepts(load_vocabulary().scheme(self.scheme).concepts)
        try:
            return resolve(str(value), concepts, self.name).code
        except UnknownValue as error:
            self.fail(str(error), param, ctx)
