"""Reading a report's wording: pure functions of text, no database and no request.

``numbers`` is the one reader of numbers in report wording and ``units`` says what a unit is;
``clauses`` checks what a clause states with them; ``extraction`` proposes figures from a whole text.
"""
