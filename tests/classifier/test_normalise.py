import pytest

from classifier.normalise import normalise, slang_map


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("Jalan RUSAK", "jalan rusak"),
        ("yg tdk gk ga", "yang tidak tidak tidak"),
        ("jln di gg. 3", "jalan di gang <num>"),
        ("rusaaaak bangeeet", "rusak banget"),
        ("maaf saat", "maaf saat"),  # real double letters stay
        ("hub 0812-3456-7890 atau [TELEPON], NIK [NIK]", "hub <num> atau <telepon> nik <nik>"),
        ("cek https://x.co/abc dan www.contoh.id", "cek <url> dan <url>"),
        ("@dishub_sby tolong #LampuMati", "<mention> tolong lampumati"),
        ("anak2 main", "anak anak main"),
        ("Assalamualaikum wr wb, lampu mati", "lampu mati"),
        ("", ""),
        ("😀😀", ""),
    ],
)
def test_informal_indonesian_is_normalised(raw: str, normalised: str) -> None:
    assert normalise(raw) == normalised


def test_the_slang_map_is_a_data_file_with_sane_entries() -> None:
    mapping = slang_map()
    assert mapping["yg"] == "yang" and mapping["tdk"] == "tidak" and mapping["gk"] == "tidak"
    assert all(key == key.lower() and " " not in key for key in mapping)


def test_huge_input_is_cut_not_refused() -> None:
    assert len(normalise("jalan " * 50_000)) < 25_000
