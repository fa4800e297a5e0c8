"""The Open311 service list: one service per complaint category (``complaint.models.CATEGORIES``),
and ``other`` for a complaint of no category, which the router sends on by its words as it does
every other. Each has its group and keywords (for a client's search), and the same attributes:
how public the complaint is (the confidentiality SP4N-LAPOR! offers) and the reporter's language."""

from __future__ import annotations

from typing import Any

from cettar.complaint.models import CATEGORIES, Privacy
from cettar.i18n import N_, translate

OTHER = "other"  # the service of a complaint with no category


EMERGENCY, PLACES, SERVICES = N_("open311.group.emergency"), N_("open311.group.places"), N_("open311.group.services")
GROUPS: dict[str, str] = {"fire": EMERGENCY, "flood": EMERGENCY, "disaster": EMERGENCY, "emergency": EMERGENCY,
                          "infrastructure": PLACES, "environment": PLACES, "administration": SERVICES,
                          "social": SERVICES, OTHER: SERVICES}  # the message key of each service's group
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
             "group": translate(language, GROUPS[code])} for code in codes()]


def _description(code: str, language: str) -> str:
    return translate(language, "open311.service.description", name=name(code, language))


PRIVACY_NAMES = {Privacy.PUBLIC: N_("open311.privacy.public"), Privacy.ANONYMOUS: N_("open311.privacy.anonymous"),
                 Privacy.CONFIDENTIAL: N_("open311.privacy.confidential")}


def definition(code: str, language: str) -> dict[str, Any]:
    """``GET services/{code}``: the attributes a request may carry (``attribute[code]=…``)."""
    return {"service_code": code, "attributes": [
        {"variable": True, "code": "privacy", "datatype": "singlevaluelist", "required": False,
         "datatype_description": translate(language, "open311.attribute.privacy_values"), "order": 1,
         "description": translate(language, "open311.attribute.privacy"),
         "values": [{"key": value.value, "name": translate(language, key)} for value, key in PRIVACY_NAMES.items()]},
        {"variable": True, "code": "language", "datatype": "singlevaluelist", "required": False,
         "datatype_description": "id or en", "order": 2, "description": translate(language, "open311.attribute.language"),
         "values": [{"key": "id", "name": "Bahasa Indonesia"}, {"key": "en", "name": "English"}]},
    ]}
