"""The urgency and integrity lexicon on cases written for it (not taken from the Surabaya data):
what must be marked, and what must not. ``benchmarks/flags.py`` prints the recall on these and the
false alarms on the Surabaya history."""

from __future__ import annotations

import pytest

from classifier.flags import detect, rules

URGENT_CASES = [
    ("Kebakaran di gudang kayu Jl. Demak, api sudah membesar!", "fire"),
    ("tolong ada rumah terbakar di gang 3 kedung cowek, warga panik", "fire"),
    ("asap hitam pekat keluar dari pabrik plastik dekat pemukiman", "fire"),
    ("bau gas menyengat di rusun, takut meledak", "fire"),
    ("Tabung gas meledak di warung, dua orang terluka", "fire"),
    ("Banjir bandang menerjang kampung, air sangat deras", "flood"),
    ("Air setinggi dada di perumahan, lansia belum bisa keluar rumah", "flood"),
    ("tanggul sungai jebol, air masuk ke rumah rumah warga", "flood"),
    ("ada keluarga terjebak banjir di lantai dua, tolong perahu karet", "flood"),
    ("Seorang anak hanyut terseret arus di saluran besar", "flood"),
    ("Tanah longsor menutup jalan desa, dua rumah tertimbun", "disaster"),
    ("jembatan penyeberangan ambruk tadi pagi", "disaster"),
    ("atap sekolah roboh saat jam pelajaran", "disaster"),
    ("Pohon besar tumbang menimpa mobil di Jl. Darmo, jalan tertutup", "disaster"),
    ("baliho besar roboh ke jalan raya karena angin", "disaster"),
    ("angin puting beliung merusak puluhan rumah", "disaster"),
    ("Kecelakaan di perempatan, pengendara motor luka parah belum ada ambulans", "emergency"),
    ("tabrakan beruntun di tol, ada korban meninggal", "emergency"),
    ("ada bapak bapak pingsan di halte, tidak ada yang menolong", "emergency"),
    ("tetangga saya sesak napas berat, ambulans belum datang", "emergency"),
    ("mohon kirim ambulan ke jl kenjeran, ibu mau melahirkan", "emergency"),
    ("keracunan massal setelah makan nasi kotak di hajatan", "emergency"),
    ("Anak saya hilang sejak sore di taman bungkul, umur 6 tahun", "emergency"),
    ("balita tenggelam di kolam retensi", "emergency"),
    ("kabel listrik putus menjuntai ke jalan, masih ada percikan", "emergency"),
    ("tiang listrik miring hampir roboh ke rumah warga", "emergency"),
    ("anak tersengat listrik dari tiang PJU yang terbuka", "emergency"),
    ("Trafo PLN meledak dan berasap di depan pasar", "emergency"),
    ("ada orang tenggelam di sungai brantas", "emergency"),
    ("gedung sekolah tua hampir roboh, temboknya retak besar", "disaster"),
]

NOT_URGENT = [
    "lampu PJU di jalan kenjeran mati sejak seminggu",
    "mohon pemangkasan pohon, takut tumbang kalau musim hujan",
    "sosialisasi pencegahan kebakaran untuk warga RW 5",
    "pembersihan sisa kebakaran rumah belum selesai",
    "di perempatan ini sering terjadi kecelakaan, mohon dipasang rambu",
    "jalan berlubang berpotensi kecelakaan",
    "genangan air setiap hujan di depan sekolah",
    "pengurusan KTP lama sekali di kelurahan",
    "saluran air mampet bau tidak sedap",
    "mohon informasi jadwal vaksin untuk balita",
]

SENSITIVE_CASES = [
    ("Petugas kelurahan minta uang 500 ribu untuk surat domisili", "bribery"),
    ("ada pungli di loket pelayanan kecamatan, tiap berkas ditarik 50 ribu", "bribery"),
    ("oknum satpol pp menerima suap dari pedagang kaki lima", "bribery"),
    ("pegawai kecamatan meminta uang pelicin agar izin cepat keluar", "bribery"),
    ("dimintai biaya 2 juta oleh petugas agar bantuan cair", "bribery"),
    ("camat memeras pengusaha yang mengurus izin", "extortion"),
    ("saya diperas oleh oknum petugas dinas perhubungan saat uji KIR", "extortion"),
    ("dugaan korupsi dana bantuan sosial di kelurahan", "corruption"),
    ("bantuan sembako dipotong oknum RT, kami hanya dapat separuh", "corruption"),
    ("ada calo di kantor dispendukcapil, tanpa calo berkas tidak diproses", "misconduct"),
    ("oknum pegawai kelurahan melakukan pelecehan kepada warga", "misconduct"),
    ("petugas loket membentak dan memukul warga yang antre", "misconduct"),
    ("lurah meminta imbalan untuk tanda tangan surat", "bribery"),
    ("gratifikasi dalam pengadaan barang di dinas pendidikan", "bribery"),
]

NOT_SENSITIVE = [
    "lampu jalan mati di depan kantor kelurahan",
    "mohon info biaya resmi pembuatan akta kelahiran",
    "petugas kebersihan belum mengangkut sampah sejak senin",
    "sosialisasi gerakan anti korupsi di sekolah sangat bermanfaat",
    "pelayanan di kecamatan cepat dan ramah, terima kasih",
]


@pytest.mark.parametrize(("text", "category"), URGENT_CASES)
def test_urgent_complaints_are_marked_with_their_category(text: str, category: str) -> None:
    flags = detect(text)
    assert flags.urgent == category, f"{text!r}: {flags}"
    assert flags.urgent_why  # the words that matched, shown to staff as the reason


@pytest.mark.parametrize("text", NOT_URGENT)
def test_routine_complaints_and_risks_are_not_urgent(text: str) -> None:
    assert detect(text).urgent is None, detect(text)


@pytest.mark.parametrize(("text", "topic"), SENSITIVE_CASES)
def test_integrity_complaints_are_marked_sensitive(text: str, topic: str) -> None:
    flags = detect(text)
    assert flags.sensitive == topic, f"{text!r}: {flags}"


@pytest.mark.parametrize("text", NOT_SENSITIVE)
def test_other_complaints_about_offices_are_not_sensitive(text: str) -> None:
    assert detect(text).sensitive is None, detect(text)


def test_the_title_counts_and_the_lexicon_loads() -> None:
    assert detect("tolong segera", title="Kebakaran di pasar").urgent == "fire"
    assert {rule.kind for rule in rules()} == {"urgent", "sensitive"}
    assert len(rules()) >= 30
