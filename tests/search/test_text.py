"""The one normal form of stored and asked text, and the marks of a match."""

from search.text import highlight, match_spans, normalise


def test_normalise_makes_both_scripts_one():
    assert normalise("排查矛盾糾紛") == normalise("排查矛盾纠纷") == "排查矛盾纠纷"


def test_normalise_folds_full_width_digits_case_and_group_commas():
    assert normalise("１８，１６１起") == "18161起"
    assert normalise("18,161 Disputes") == "18161 disputes"
    # A comma that does not separate a group of three digits stays.
    assert normalise("1,2") == "1,2"
    assert normalise("  矛盾\n\t糾紛 ") == "矛盾 纠纷"


def test_match_spans_find_every_occurrence_in_the_original_text():
    assert match_spans("糾紛，化解糾紛", normalise("纠纷")) == [(0, 2), (5, 7)]
    assert match_spans("排查矛盾糾紛18,161起", normalise("18161")) == [(6, 12)]
    assert match_spans("Fireworks seized", normalise("FIREWORKS")) == [(0, 9)]


def test_highlight_escapes_the_text_and_marks_the_match():
    html = highlight('<script>"糾紛"</script>', normalise("纠纷"))
    assert html == "&lt;script&gt;&quot;<mark>糾紛</mark>&quot;&lt;/script&gt;"


def test_highlight_snippet_cuts_a_long_text_around_its_first_match():
    text = "甲" * 300 + "毒品" + "乙" * 300
    html = highlight(text, normalise("毒品"), snippet=True)
    assert "<mark>毒品</mark>" in html
    assert html.startswith("…") and html.endswith("…")
    assert len(html) < 200
