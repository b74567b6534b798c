"""fold_diacritics: the one folding every part of hocso uses for Vietnamese matching."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from hocso.safety.text import fold_diacritics, normalize_for_matching

VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ "


def test_folds_vietnamese_words() -> None:
    assert fold_diacritics("lừa đảo") == "lua dao"
    assert fold_diacritics("ĐƯỜNG DÂY Lừa Đảo") == "DUONG DAY Lua Dao"
    assert fold_diacritics("Mật khẩu: Anh yêu em!") == "Mat khau: Anh yeu em!"
    assert normalize_for_matching("  Cảnh  báo\nLỪA ĐẢO ") == "canh bao lua dao"


def test_decomposed_input_folds_like_precomposed() -> None:
    import unicodedata

    word = "Nguyễn Đức Thắng"
    assert fold_diacritics(unicodedata.normalize("NFD", word)) == fold_diacritics(word) == "Nguyen Duc Thang"


@given(st.text(alphabet=VIETNAMESE + VIETNAMESE.upper()))
def test_vietnamese_text_folds_to_ascii_of_the_same_length(text: str) -> None:
    folded = fold_diacritics(text)
    assert folded.isascii()
    assert len(folded) == len(text)
    assert fold_diacritics(folded) == folded
