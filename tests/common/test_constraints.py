"""A row's check constraints validated in one query give the errors Django's one query a constraint gives."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, models
from django.test.utils import CaptureQueriesContext

from common.constraints import ChecksInOneQuery
from common.versioning import Versioned
from metrics.models import Figure, Unit
from reports.models import NamedItem, NotableCase, Report, Section

pytestmark = pytest.mark.django_db

EDITED_MODELS = (Unit, Figure, Report, Section, NotableCase, NamedItem)


def errors(validate, instance, exclude=None) -> dict[str, list[tuple[str, str]]]:
    """The errors ``validate(instance)`` raises, by field: each message and code, in order."""
    try:
        validate(instance, exclude=exclude)
    except ValidationError as error:
        return {
            field: [(message.messages[0], message.code) for message in messages]
            for field, messages in error.error_dict.items()
        }
    return {}


def djangos(instance, exclude=None):
    return errors(models.Model.validate_constraints, instance, exclude)


def ours(instance, exclude=None):
    return errors(ChecksInOneQuery.validate_constraints, instance, exclude)


def broken_rate(**changes) -> Figure:
    """The 2021 mediation rate with ``changes`` applied, unsaved."""
    figure = Figure.objects.get(report__year=2021, code="mediation.resolution_rate")
    for name, value in changes.items():
        setattr(figure, name, value)
    return figure


BREAKS_EVERY_CHECK = {
    "value": Decimal(-1),
    "stated_value": Decimal(-5),
    "decimals": 3,
    "code": "Not A Code",
    "denominator_id": None,
    "correction_reason": "",
}
#: The constraints ``BREAKS_EVERY_CHECK`` breaks, in the order the model declares them.
BROKEN = (
    "figure_value_non_negative",
    "figure_code_pattern",
    "figure_rate_links_both_or_neither",
    "figure_stated_value_non_negative",
    "figure_decimals_at_most_2",
    "figure_correction_has_reason",
)


def names_each(names, messages) -> bool:
    return all(name in message for name, (message, _code) in zip(names, messages, strict=True))


def test_every_edited_model_validates_its_checks_in_one_query():
    versioned = {model for model in (*EDITED_MODELS, Figure) if issubclass(model, Versioned)}
    assert versioned == set(EDITED_MODELS)
    assert all(issubclass(model, ChecksInOneQuery) for model in EDITED_MODELS)


@pytest.mark.parametrize(
    "changes, exclude",
    [
        ({}, None),
        (BREAKS_EVERY_CHECK, None),
        (BREAKS_EVERY_CHECK, {"value", "code"}),
        ({"unit_id": "起", "value": Decimal(150)}, None),
        ({"numerator_id": None, "denominator_id": None, "value": Decimal(101)}, None),
        # NULL in a condition passes it: no stated value to compare the value with.
        ({"stated_value": None, "correction_reason": "", "value": Decimal(5)}, None),
    ],
    ids=["valid", "every-check-broken", "two-fields-left-out", "count-over-100", "percent-over-100", "null-passes"],
)
def test_figure_checks_give_djangos_errors_in_order_with_one_select(report_2021, changes, exclude):
    figure = broken_rate(**changes)
    expected = djangos(figure, exclude)
    with CaptureQueriesContext(connection) as queries:
        assert ours(figure, exclude) == expected
    checks = [query for query in queries if "_check_" in query["sql"]]
    assert len(checks) == 1
    if changes is BREAKS_EVERY_CHECK and exclude is None:
        assert names_each(BROKEN, expected["__all__"])


@pytest.mark.parametrize("model", EDITED_MODELS, ids=lambda model: model.__name__)
def test_each_edited_models_stored_rows_pass_as_django_passes_them(report_2021, model):
    for row in model.objects.order_by("pk")[:5]:
        assert ours(row) == djangos(row) == {}


def test_a_database_error_in_the_one_query_falls_back_to_djangos_checks(report_2021):
    def refuse_the_combined_check(execute, sql, params, many, context):
        if '"_check_0"' in sql:
            raise DatabaseError("refused")
        return execute(sql, params, many, context)

    figure = broken_rate(**BREAKS_EVERY_CHECK)
    expected = djangos(figure)
    with connection.execute_wrapper(refuse_the_combined_check):
        assert ours(figure) == expected
    assert names_each(BROKEN, expected["__all__"])
