"""A connector method named like a catalog attribute would replace the value the catalog and the API read (a bound
method where a string is expected: a 500); `Connector.__init_subclass__` refuses such a class when it is defined."""

from __future__ import annotations

from typing import Any

import pytest

from apps.connectors.base import Connector
from apps.connectors.registry import connector_classes


class _Reads:
    """A mixin, as connectors keep their reads and writes (its methods end up on the connector)."""

    def label(self) -> str:
        return "oops"


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda: type("Shadowing", (Connector,), {"tool": "x", "category": lambda self: "ATS"}),
            "Shadowing.category is a function, but 'category' is a catalog attribute of Connector",
        ),
        (
            lambda: type("Property", (Connector,), {"tool": "x", "beta": property(lambda self: True)}),
            "Property.beta is a property, but 'beta' is a catalog attribute of Connector",
        ),
        (
            lambda: type("Mixed", (_Reads, Connector), {"tool": "x"}),
            "Mixed.label is a function, but 'label' is a catalog attribute of Connector",
        ),
    ],
    ids=["method", "property", "method of a mixin"],
)
def test_a_method_shadowing_a_catalog_attribute_is_refused(build: Any, message: str) -> None:
    with pytest.raises(TypeError) as refused:
        build()
    assert str(refused.value).startswith(message)


def test_values_for_catalog_attributes_and_other_methods_are_fine() -> None:
    cls = type("Fine", (Connector,), {"tool": "x", "label": "X", "category": "ATS", "helper": lambda self: 1})
    assert (cls.label, cls.category) == ("X", "ATS")


def test_every_registered_connector_keeps_its_catalog_values() -> None:
    for connector in connector_classes():
        assert isinstance(connector.category, str), connector.tool
        assert isinstance(connector.label, str), connector.tool
