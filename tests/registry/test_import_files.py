"""File checks that run before anything is staged: encoding errors anywhere in a CSV."""

import pytest

from padu.registry.importer.files import ImportFileError, check_utf8


@pytest.mark.parametrize(
    ("content", "offset", "line"),  # offset: 1-based, as users count
    [
        (b"nik,nama\n1,Jo\xffs\n", 14, 2),  # invalid byte mid-file
        (b"nik,nama\n1,Jos\xe9", 15, 2),  # file ends inside a multi-byte character
        (b"nik,nama\n1,Jos\xc3", 15, 2),  # a valid lead byte with its continuation cut off
    ],
)
def test_non_utf8_csv_names_the_first_bad_byte(tmp_path, content, offset, line):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(ImportFileError) as caught:
        check_utf8(path)
    assert caught.value.code == "encoding"
    text = str(caught.value.message)
    assert f"{offset}" in text and f"{line}" in text


def test_utf8_csv_with_multibyte_character_across_blocks_passes(tmp_path, monkeypatch):
    monkeypatch.setattr("padu.registry.importer.files.READ_BLOCK", 4)
    path = tmp_path / "ok.csv"
    path.write_bytes("nama\nJosé Ñuñez\n".encode())
    check_utf8(path)
