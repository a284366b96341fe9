"""Reading a report's wording: pure functions of text, no database and no request.

``clauses`` reads the numbers a clause states; ``extraction`` proposes figures from a whole text.
"""
