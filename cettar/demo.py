"""Demo data: the East Java regions, the Surabaya agency directory, and a few sample complaints
(written for the demo, not taken from any citizen) filed through the ordinary intake path."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from cettar.agency import service as agency_service
from cettar.complaint.models import Channel, Privacy
from cettar.intake import service as intake_service
from cettar.region import service as region_service
from cettar.types import utcnow
from ingest import IncomingComplaint

SAMPLES = [
    ("Lampu PJU mati", "Lampu penerangan jalan di depan musala Jl. Kenjeran gang 3 mati sudah seminggu, malam gelap sekali.", "3578-kenjeran"),
    ("Saluran tersumbat", "Saluran got di Jl. Rungkut Asri tersumbat sampah, kalau hujan genangan sampai masuk rumah warga.", "3578-rungkut"),
    ("Pohon hampir tumbang", "Ada pohon besar di Jl. Darmo yang miring dan rantingnya hampir patah, mohon dipangkas sebelum tumbang.", "3578-wonokromo"),
    ("KTP belum jadi", "Saya sudah rekam e-KTP dua bulan lalu di kecamatan tapi sampai sekarang belum jadi, mohon info.", "3578-gubeng"),
    ("Pertanyaan umum", "Mohon informasi jam layanan kantor untuk hari Sabtu.", None),
]


@dataclass
class SeedResult:
    regions: int
    agencies: int
    complaints: list[str]


def seed_demo(session: Session, *, with_complaints: bool = True) -> SeedResult:
    regions = region_service.load_file(session, path=region_service.DEMO_REGIONS)
    agencies = agency_service.load_file(session, path=agency_service.DEMO_AGENCIES)
    codes: list[str] = []
    if with_complaints:
        now = utcnow()
        for number, (title, text, district) in enumerate(SAMPLES, start=1):
            filed = intake_service.file_complaint(
                session,
                incoming=IncomingComplaint(
                    text=text, title=title, channel=Channel.WEB, source="demo", external_id=f"demo-{number}",
                    region_code="3578", district_code=district, privacy=Privacy.PUBLIC,
                ),
                now=now,
            )
            codes.append(filed.complaint.tracking_code)
    return SeedResult(regions=regions, agencies=agencies, complaints=codes)
