"""metrics.text.marks: a paragraph cut into pieces, each owned by the clause it belongs to."""

from metrics.text.marks import Piece, mark_quotes


def test_mark_quotes_marks_each_quote_and_keeps_the_text():
    marked = mark_quotes("排查矛盾糾紛18161起，化解17918起。", ["排查矛盾糾紛18161起", "化解17918起"])
    assert marked.pieces == (Piece("排查矛盾糾紛18161起", 0), Piece("，"), Piece("化解17918起", 1), Piece("。"))
    assert marked.unmarked == ()


def test_overlapping_quotes_give_the_overlap_to_the_shorter():
    line = "物業建設智慧安防小區257個1782單元，"
    marked = mark_quotes(line, ["物業建設智慧安防小區257個", "257個1782單元"])
    assert marked.pieces == (Piece("物業建設智慧安防小區", 0), Piece("257個1782單元", 1), Piece("，"))
    assert "".join(piece.text for piece in marked.pieces) == line


def test_a_quote_inside_another_keeps_its_mark():
    marked = mark_quotes("立案29件破29件", ["立案29件破29件", "破29件"])
    assert marked.pieces == (Piece("立案29件", 0), Piece("破29件", 1))


def test_the_same_quote_twice_marks_both_places_and_a_missing_one_is_unmarked():
    marked = mark_quotes("甲1起，乙，甲1起", ["甲1起", "甲1起", "不在這裡", ""])
    assert [piece.quote for piece in marked.pieces] == [0, None, 1]
    assert marked.unmarked == (2, 3)


def test_a_quote_wholly_covered_by_shorter_ones_is_unmarked():
    marked = mark_quotes("ab", ["ab", "a", "b"])
    assert marked.pieces == (Piece("a", 1), Piece("b", 2))
    assert marked.unmarked == (0,)
