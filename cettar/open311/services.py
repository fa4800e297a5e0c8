"""The Open311 service list: one service per complaint category (``complaint.models.CATEGORIES``),
and ``other`` for a complaint of no category, which the router sends on by its words as it does
every other. Each has its group and keywords (for a client's search), and the same attributes:
how public the complaint is (the confidentiality SP4N-LAPOR! offers) and the reporter's language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cettar.complaint.models import CATEGORIES, Privacy
from cettar.i18n import translate

OTHER = "other"  # the service of a complaint with no category


@dataclass(frozen=True)
class Group:
    id: str
    en: str


EMERGENCY = Group("Darurat", "Emergencies")
PLACES = Group("Prasarana dan lingkungan", "Infrastructure and environment")
SERVICES = Group("Pelayanan publik", "Public services")

GROUPS: dict[str, Group] = {"fire": EMERGENCY, "flood": EMERGENCY, "disaster": EMERGENCY, "emergency": EMERGENCY,
                            "infrastructure": PLACES, "environment": PLACES, "administration": SERVICES,
                            "social": SERVICES, OTHER: SERVICES}
KEYWORDS: dict[str, str] = {
    "fire": "kebakaran,api,asap,fire,smoke",
    "flood": "banjir,genangan,tergenang,flood",
    "disaster": "bencana,longsor,gempa,pohon tumbang,disaster,landslide",
    "emergency": "darurat,kecelakaan,korban,emergency,accident",
    "infrastructure": "jalan rusak,jalan berlubang,lampu pju,saluran,trotoar,jembatan,pothole,street light,drain",
    "environment": "sampah,bau,limbah,pohon,taman,polusi,rubbish,waste,tree,pollution",
    "administration": "ktp,kk,akta,izin,surat,pelayanan,identity card,permit",
    "social": "bantuan sosial,bansos,kesehatan,sekolah,warga miskin,welfare,health,school",
    OTHER: "pengaduan,keluhan,complaint",
}


def codes() -> list[str]:
    return [c for c in CATEGORIES if c] + [OTHER]


def category_of(service_code: str) -> str | None:
    """The complaint category a service code files under (None for ``other``); KeyError if unknown."""
    if service_code == OTHER:
        return None
    if service_code in CATEGORIES and service_code:
        return service_code
    raise KeyError(service_code)


def name(code: str, language: str) -> str:
    return translate(language, "open311.service.other" if code == OTHER else f"category.{code}")


def listing(language: str) -> list[dict[str, Any]]:
    """``GET services``: each service's code, name, description, metadata, type, keywords, group."""
    return [{"service_code": code, "service_name": name(code, language), "description": _description(code, language),
             "metadata": True, "type": "realtime", "keywords": KEYWORDS[code],
             "group": GROUPS[code].en if language == "en" else GROUPS[code].id} for code in codes()]


def _description(code: str, language: str) -> str:
    label = name(code, language)
    if language == "en":
        return f"{label}: routed to the responsible agency within seconds; a person routes what the router is unsure of"
    return f"{label}: diteruskan ke perangkat daerah yang berwenang dalam hitungan detik; yang meragukan dipilah petugas"


def definition(code: str, language: str) -> dict[str, Any]:
    """``GET services/{code}``: the attributes a request may carry (``attribute[code]=…``)."""
    english = language == "en"
    privacy = {Privacy.PUBLIC: ("Publik: isi dan status terlihat umum", "Public: text and status visible to all"),
               Privacy.ANONYMOUS: ("Anonim: nama pelapor tidak ditampilkan", "Anonymous: the reporter's name is not shown"),
               Privacy.CONFIDENTIAL: ("Rahasia: hanya pelapor dan petugas", "Confidential: only the reporter and the officers")}
    return {"service_code": code, "attributes": [
        {"variable": True, "code": "privacy", "datatype": "singlevaluelist", "required": False,
         "datatype_description": "public, anonymous or confidential (default public)" if english else
         "public, anonymous atau confidential (bawaan public)", "order": 1,
         "description": "Who may see the complaint" if english else "Siapa yang boleh melihat pengaduan",
         "values": [{"key": value.value, "name": pair[1] if english else pair[0]} for value, pair in privacy.items()]},
        {"variable": True, "code": "language", "datatype": "singlevaluelist", "required": False,
         "datatype_description": "id or en", "order": 2,
         "description": "The language of the messages the reporter receives" if english else
         "Bahasa pesan yang diterima pelapor",
         "values": [{"key": "id", "name": "Bahasa Indonesia"}, {"key": "en", "name": "English"}]},
    ]}
