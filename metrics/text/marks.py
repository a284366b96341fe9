"""Where clauses stand in a paragraph: the paragraph cut into pieces, each marked with the clause it belongs to.

Pure: a line and quotes in, pieces out. The text page marks each figure's ``source_quote``
in its paragraph with it.
"""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of the paragraph's text, and the index of the quote it belongs to (None: no quote's)."""

    text: str
    quote: int | None = None


@dataclass(frozen=True, slots=True)
class Marked:
    """A paragraph in pieces, and the indexes of quotes that own none of it (not found, or inside a shorter one's)."""

    pieces: tuple[Piece, ...]
    unmarked: tuple[int, ...]


def mark_quotes(line: str, quotes: list[str]) -> Marked:
    """``line`` cut where ``quotes`` (in order) start and end, each piece owned by the shortest quote covering it.

    Each quote is found at its first occurrence that no earlier quote with the same text took,
    so two figures stating one clause twice mark both places. Where quotes overlap, the
    shorter one owns the overlap (ties: the earlier quote), so a quote inside another keeps
    its own mark. Joining the pieces gives ``line`` back.
    """
    spans: dict[int, tuple[int, int]] = {}
    taken: set[tuple[int, int]] = set()
    for index, quote in enumerate(quotes):
        if not quote:
            continue
        start = line.find(quote)
        while start != -1 and (start, start + len(quote)) in taken:
            start = line.find(quote, start + 1)
        if start == -1:
            start = line.find(quote)
        if start != -1:
            spans[index] = (start, start + len(quote))
            taken.add(spans[index])
    cuts = sorted({0, len(line), *(edge for span in spans.values() for edge in span)})
    pieces: list[Piece] = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        covering = [(e - s, index) for index, (s, e) in spans.items() if s <= start and end <= e]
        owner = min(covering)[1] if covering else None
        if pieces and pieces[-1].quote == owner:
            pieces[-1] = Piece(pieces[-1].text + line[start:end], owner)
        else:
            pieces.append(Piece(line[start:end], owner))
    owners = {piece.quote for piece in pieces}
    unmarked = tuple(index for index, quote in enumerate(quotes) if index not in owners)
    return Marked(pieces=tuple(pieces), unmarked=unmarked)
