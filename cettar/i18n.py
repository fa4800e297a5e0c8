"""Indonesian first, English available. One catalogue per language; a missing English entry
falls back to Indonesian, a missing key shows itself so it is noticed."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"

CATALOG: dict[str, dict[str, str]] = {
    "id": {
        "app.tagline": "Layanan pengaduan warga — Cepat, Efektif-Efisien, Tanggap, Transparan, Akuntabel, Responsif",
        "nav.report": "Buat pengaduan",
        "nav.track": "Lacak pengaduan",
        "lang.switch": "English",
        "form.title": "Sampaikan pengaduan Anda",
        "form.intro": "Ceritakan masalahnya, di mana, dan sejak kapan. Pengaduan diteruskan ke perangkat daerah yang berwenang.",
        "form.text": "Isi pengaduan",
        "form.text_hint": "Wajib, paling banyak {max} karakter.",
        "form.subject": "Judul singkat",
        "form.region": "Kota/kabupaten",
        "form.district": "Kecamatan",
        "form.address": "Alamat atau lokasi",
        "form.choose": "— pilih —",
        "form.privacy": "Kerahasiaan",
        "privacy.public": "Publik — isi dan identitas pelapor dapat dilihat petugas",
        "privacy.anonymous": "Anonim — identitas Anda tidak ditampilkan",
        "privacy.confidential": "Rahasia — pengaduan tidak pernah ditampilkan untuk umum",
        "form.contact": "Kontak Anda (tidak pernah ditampilkan untuk umum)",
        "form.name": "Nama",
        "form.phone": "Nomor telepon/WhatsApp",
        "form.email": "E-mail",
        "form.submit": "Kirim pengaduan",
        "form.has_errors": "Periksa kembali isian yang ditandai.",
        "filed.title": "Pengaduan diterima",
        "filed.code": "Kode pelacakan Anda",
        "filed.keep": "Simpan kode ini untuk mengikuti perkembangan pengaduan Anda.",
        "filed.secret": "Kata sandi akses (hanya ditampilkan sekali ini)",
        "filed.secret_hint": "Pengaduan rahasia hanya dapat dibuka dengan kode dan kata sandi ini. Catat sekarang: kami tidak menyimpannya.",
        "filed.track": "Lihat status pengaduan",
        "track.title": "Lacak pengaduan",
        "track.code": "Kode pelacakan",
        "track.submit": "Lacak",
        "track.status": "Status",
        "track.agency": "Perangkat daerah",
        "track.unassigned": "Belum ditentukan",
        "track.channel": "Kanal",
        "track.location": "Lokasi",
        "track.received": "Diterima",
        "track.timeline": "Riwayat",
        "track.secret_needed": "Pengaduan ini rahasia. Masukkan kata sandi akses yang diberikan saat pengaduan dikirim.",
        "track.secret": "Kata sandi akses",
        "track.secret_wrong": "Kata sandi akses tidak cocok.",
        "track.refresh": "Halaman ini diperbarui otomatis selama pengaduan diproses.",
        "notfound.title": "Tidak ditemukan",
        "notfound.text": "Halaman atau pengaduan yang Anda cari tidak ada.",
        "ratelimited": "Terlalu banyak pengiriman dari alamat Anda. Coba lagi dalam {seconds} detik.",
        "status.received": "Diterima",
        "status.triage": "Diverifikasi petugas",
        "status.dispositioned": "Diteruskan ke perangkat daerah",
        "status.in_progress": "Sedang ditangani",
        "status.waiting_citizen": "Menunggu informasi dari pelapor",
        "status.responded": "Ditanggapi",
        "status.resolved": "Selesai",
        "status.closed": "Ditutup",
        "status.reopened": "Dibuka kembali",
        "status.rejected": "Ditolak",
        "channel.web": "Formulir web",
        "channel.api": "Aplikasi mitra",
        "channel.news": "Berita",
        "channel.social": "Media sosial",
        "error.missing": "Wajib diisi.",
        "error.text_empty": "Tuliskan isi pengaduan.",
        "error.text_too_long": "Paling banyak {max} karakter (saat ini {length}).",
        "error.string_too_long": "Terlalu panjang (paling banyak {max_length} karakter).",
        "error.control_characters": "Mengandung karakter kontrol; hapus lalu kirim lagi.",
        "error.phone_invalid": "Bukan nomor telepon Indonesia (contoh: 0812 3456 7890).",
        "error.email_invalid": "Alamat e-mail tidak valid.",
        "error.number": "Harus berupa angka dalam rentang wilayah Indonesia.",
        "error.choice": "Pilihan tidak dikenal.",
        "error.unknown_region": "Kota/kabupaten tidak dikenal.",
        "error.unknown_district": "Kecamatan tidak dikenal atau tidak berada di kota/kabupaten yang dipilih.",
        "error.unknown_agency": "Perangkat daerah tidak dikenal.",
        "error.invalid": "Isian tidak valid.",
        "error.too_large": "Kiriman terlalu besar.",
    },
    "en": {
        "app.tagline": "Citizen complaint service — fast, effective, attentive, transparent, accountable, responsive",
        "nav.report": "File a complaint",
        "nav.track": "Track a complaint",
        "lang.switch": "Bahasa Indonesia",
        "form.title": "Tell us about the problem",
        "form.intro": "Say what is wrong, where, and since when. Your complaint goes to the agency responsible.",
        "form.text": "Complaint",
        "form.text_hint": "Required, at most {max} characters.",
        "form.subject": "Short title",
        "form.region": "City/regency",
        "form.district": "District (kecamatan)",
        "form.address": "Address or location",
        "form.choose": "— choose —",
        "form.privacy": "Privacy",
        "privacy.public": "Public — staff see the complaint and who sent it",
        "privacy.anonymous": "Anonymous — your identity is not shown",
        "privacy.confidential": "Confidential — never shown publicly",
        "form.contact": "Your contact (never shown publicly)",
        "form.name": "Name",
        "form.phone": "Phone/WhatsApp",
        "form.email": "E-mail",
        "form.submit": "Send complaint",
        "form.has_errors": "Please check the marked fields.",
        "filed.title": "Complaint received",
        "filed.code": "Your tracking code",
        "filed.keep": "Keep this code to follow your complaint.",
        "filed.secret": "Access secret (shown this once only)",
        "filed.secret_hint": "A confidential complaint opens only with this code and secret. Write it down now: we do not keep it.",
        "filed.track": "See the complaint's status",
        "track.title": "Track a complaint",
        "track.code": "Tracking code",
        "track.submit": "Track",
        "track.status": "Status",
        "track.agency": "Agency",
        "track.unassigned": "Not yet decided",
        "track.channel": "Channel",
        "track.location": "Location",
        "track.received": "Received",
        "track.timeline": "Timeline",
        "track.secret_needed": "This complaint is confidential. Enter the access secret you were given when you sent it.",
        "track.secret": "Access secret",
        "track.secret_wrong": "The access secret does not match.",
        "track.refresh": "This page refreshes by itself while the complaint is being processed.",
        "notfound.title": "Not found",
        "notfound.text": "The page or complaint you are looking for does not exist.",
        "ratelimited": "Too many submissions from your address. Try again in {seconds} seconds.",
        "status.received": "Received",
        "status.triage": "Being verified by staff",
        "status.dispositioned": "Forwarded to the agency",
        "status.in_progress": "In progress",
        "status.waiting_citizen": "Waiting for information from you",
        "status.responded": "Responded",
        "status.resolved": "Resolved",
        "status.closed": "Closed",
        "status.reopened": "Reopened",
        "status.rejected": "Rejected",
        "channel.web": "Web form",
        "channel.api": "Partner app",
        "channel.news": "News",
        "channel.social": "Social media",
        "error.missing": "Required.",
        "error.text_empty": "Write what the complaint is about.",
        "error.text_too_long": "At most {max} characters (this one has {length}).",
        "error.string_too_long": "Too long (at most {max_length} characters).",
        "error.control_characters": "Contains control characters; remove them and send again.",
        "error.phone_invalid": "Not an Indonesian phone number (e.g. 0812 3456 7890).",
        "error.email_invalid": "Not a valid e-mail address.",
        "error.number": "Must be a number within Indonesia's coordinates.",
        "error.choice": "Unknown choice.",
        "error.unknown_region": "Unknown city or regency.",
        "error.unknown_district": "Unknown district, or not in the chosen city/regency.",
        "error.unknown_agency": "Unknown agency.",
        "error.invalid": "Invalid value.",
        "error.too_large": "The submission is too large.",
    },
}


def translate(language: str, key: str, **values: Any) -> str:
    text = CATALOG.get(language, {}).get(key) or CATALOG[DEFAULT_LANGUAGE].get(key) or key
    try:
        return text.format(**values) if values else text
    except (KeyError, IndexError):
        return text


def language_of(request: Request) -> str:
    """``?lang=`` wins, then the ``lang`` cookie, then Indonesian. Pages stay Indonesian whatever
    the browser's language (many phones here are set to English); API clients may ask for
    English messages with Accept-Language."""
    for candidate in (request.query_params.get("lang"), request.cookies.get("lang")):
        if candidate in LANGUAGES:
            return candidate
    if not request.url.path.startswith("/api/"):
        return DEFAULT_LANGUAGE
    accept = request.headers.get("accept-language", "")
    first = accept.split(",")[0].strip().lower()
    if first.startswith("en"):
        return "en"
    return DEFAULT_LANGUAGE
