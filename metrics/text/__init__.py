"""Reading a report's wording: pure functions of text, no database and no request.

``numbers`` is the one reader of numbers in report wording; ``units`` names a unit's kind and which
spellings are one unit; ``clauses`` checks that a clause states a figure's value; ``extraction``
proposes figures from a whole text.
"""
