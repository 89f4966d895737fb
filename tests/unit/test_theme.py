"""The figure themes: the projector ones read from the back of a room (sizes and WCAG contrast)."""

import pytest

from figures.theme import DARK, LIGHT, PRESENT_DARK, PRESENT_LIGHT, contrast_ratio, theme_for


def test_contrast_ratio_is_wcags():
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast_ratio("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio("#FFFFFF", "#FFFFFF") == pytest.approx(1.0)


@pytest.mark.parametrize("theme", [PRESENT_LIGHT, PRESENT_DARK, DARK])
def test_every_colour_of_a_projector_or_dark_theme_keeps_4_5_to_1(theme):
    for color in (theme.text, theme.muted, theme.cut, theme.neutral, *theme.palette):
        assert contrast_ratio(color, theme.background) >= 4.5, (theme.name, color)


@pytest.mark.parametrize("theme", [PRESENT_LIGHT, PRESENT_DARK])
def test_projector_text_is_at_least_18_px_and_lines_3_px(theme):
    assert min(theme.font_size, theme.tick_size, theme.leaf_size, theme.label_size) >= 18
    assert theme.line_width >= 3


def test_the_view_chooses_its_theme():
    assert theme_for(False, False) is LIGHT and theme_for(True, True) is PRESENT_DARK
    assert theme_for(True, False).present and not theme_for(False, True).present
    assert len(set(PRESENT_LIGHT.palette)) == len(PRESENT_LIGHT.palette) == len(LIGHT.palette)
