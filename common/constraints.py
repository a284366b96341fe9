"""Form validation of a row's check constraints in one query, not one a constraint.

Django's ``CheckConstraint.validate`` asks the database about each constraint apart, inside a savepoint
of its own when a transaction is open: three statements a constraint. A figure has eight, so an admin
page saving twenty figures sent about 500 statements for them. ``ChecksInOneQuery`` asks about all of a
row's check constraints in one ``SELECT`` and reports the same errors in the same order; other
constraints (unique ones) are validated as Django validates them.
"""

from contextlib import nullcontext

from django.core.exceptions import FieldError, ValidationError
from django.db import DatabaseError, connections, models, router, transaction
from django.db.models import BooleanField, CheckConstraint, Q, Value
from django.db.models.functions import Coalesce
from django.db.models.sql import Query
from django.db.models.sql.constants import SINGLE


class ChecksInOneQuery(models.Model):
    """A model whose ``validate_constraints`` (``full_clean``, model forms) reads its check constraints at once."""

    class Meta:
        abstract = True

    def validate_constraints(self, exclude=None):
        """As ``Model.validate_constraints``: the same errors, keyed and ordered as Django keys and orders them."""
        using = router.db_for_write(type(self), instance=self)
        errors = {}
        for model, constraints in self.get_constraints():
            checks = [constraint for constraint in constraints if isinstance(constraint, CheckConstraint)]
            failed = {id(constraint) for constraint in failed_checks(model, self, checks, exclude=exclude, using=using)}
            for constraint in constraints:
                try:
                    if not isinstance(constraint, CheckConstraint):
                        constraint.validate(model, self, exclude=exclude, using=using)
                    elif id(constraint) in failed:
                        raise ValidationError(
                            constraint.get_violation_error_message(), code=constraint.violation_error_code
                        )
                except ValidationError as error:
                    # Django's own rule: a unique constraint of one field is that field's error.
                    if getattr(error, "code", None) == "unique" and len(constraint.fields) == 1:
                        errors.setdefault(constraint.fields[0], []).append(error)
                    else:
                        errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)


def failed_checks(model, instance, checks: list[CheckConstraint], *, exclude, using) -> list[CheckConstraint]:
    """The constraints of ``checks`` that ``instance``'s values break, read in one query.

    As ``CheckConstraint.validate``: a condition that is NULL passes, and one naming an excluded field
    is not checked. Should the query fail, each constraint is checked apart, as Django checks it (a
    database error there counts as passed).
    """
    if not checks:
        return []
    connection = connections[using]
    if not connection.features.supports_comparing_boolean_expr:
        return [constraint for constraint in checks if _fails_alone(constraint, model, instance, exclude, using)]
    query = Query(None)
    for name, value in instance._get_field_expression_map(meta=model._meta, exclude=exclude).items():
        query.add_annotation(value if hasattr(value, "resolve_expression") else Value(value), name, select=False)
    checked = []
    for index, constraint in enumerate(checks):
        passes = Coalesce(Q(constraint.condition), True, output_field=BooleanField())
        try:
            query.add_annotation(passes, f"_check_{index}")
        except FieldError:  # the condition names a field left out of this validation
            continue
        checked.append(constraint)
    if not checked:
        return []
    try:
        with transaction.atomic(using=using) if connection.in_atomic_block else nullcontext():
            row = query.get_compiler(using=using).execute_sql(SINGLE)
    except DatabaseError:
        return [constraint for constraint in checks if _fails_alone(constraint, model, instance, exclude, using)]
    return [constraint for constraint, passed in zip(checked, row, strict=True) if not passed]


def _fails_alone(constraint: CheckConstraint, model, instance, exclude, using) -> bool:
    try:
        constraint.validate(model, instance, exclude=exclude, using=using)
    except ValidationError:
        return True
    return False
