"""Photos: checked by decoding, stored without EXIF or GPS and re-encoded, at most three of 5 MB, a
field error for anything else; the public sees them only on a public complaint, the officers always.
The pictures are made here with Pillow, with camera and GPS data written into them."""

from __future__ import annotations

import io

import httpx
import pytest
from PIL import Image
from sqlmodel import select

from cettar.complaint import photos
from cettar.complaint.models import ComplaintPhoto, Privacy
from cettar.db import session_scope
from cettar.errors import FieldError
from cettar.staff.models import Role
from tests.conftest import LiveServer
from tests.staff.conftest import Account, accounts, sign_in_fully  # noqa: F401  (accounts: the fixture)
from tests.workbench.test_workbench import complaint

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def camera_jpeg(width: int = 64, height: int = 32, *, colour: tuple[int, int, int] = (200, 30, 30),
                orientation: int | None = None) -> bytes:
    """A JPEG as a phone writes it: maker, model, a GPS position, optionally an orientation."""
    image = Image.new("RGB", (width, height), colour)
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Model X"  # Model
    exif[GPS_IFD] = {1: "S", 2: (7.0, 15.0, 30.0), 3: "E", 4: (112.0, 45.0, 10.0)}  # 7°15'30"S 112°45'10"E: Surabaya
    if orientation is not None:
        exif[ORIENTATION] = orientation
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def _exif_of(data: bytes) -> dict[int, object]:
    with Image.open(io.BytesIO(data)) as image:
        return dict(image.getexif())


def test_a_photo_comes_back_without_its_camera_and_gps_data_and_upright() -> None:
    original = camera_jpeg(orientation=6)  # "rotate 90° clockwise to view"
    assert _exif_of(original)[0x010F] == "PhoneMaker" and GPS_IFD in _exif_of(original)  # the test's photo has them
    prepared = photos.prepare(photos.Upload("foto.jpg", original))
    assert _exif_of(prepared.image) == {} and _exif_of(prepared.thumbnail) == {}
    for stored in (prepared.image, prepared.thumbnail):
        assert b"PhoneMaker" not in stored and b"Exif" not in stored
    with Image.open(io.BytesIO(prepared.image)) as image:
        assert image.format == "JPEG" and image.size == (32, 64)  # turned upright, then the orientation dropped
        assert image.getpixel((16, 32))[0] > 150  # still the red picture it was


def test_large_and_transparent_pictures_are_shrunk_and_flattened() -> None:
    big = io.BytesIO()
    Image.new("RGBA", (4000, 1000), (0, 0, 255, 0)).save(big, format="PNG")
    prepared = photos.prepare(photos.Upload("layar.png", big.getvalue()))
    assert (prepared.width, prepared.height) == (2048, 512)
    with Image.open(io.BytesIO(prepared.thumbnail)) as thumb:
        assert max(thumb.size) == 320 and thumb.mode == "RGB"
        assert thumb.getpixel((10, 10)) == pytest.approx((255, 255, 255), abs=3)  # transparent became white


@pytest.mark.parametrize(("upload", "key"), [
    (photos.Upload("surat.pdf", b"%PDF-1.7\n1 0 obj << >> endobj\n"), "photo_not_image"),
    (photos.Upload("foto.jpg", camera_jpeg()[:200]), "photo_not_image"),  # cut off: it does not decode
    (photos.Upload("kosong.jpg", b""), "photo_empty"),
    (photos.Upload("besar.jpg", b"\xff\xd8" + b"\0" * photos.MAX_PHOTO_BYTES), "photo_too_big"),
])
def test_what_is_not_a_photo_is_a_field_error(upload: photos.Upload, key: str) -> None:
    with pytest.raises(FieldError) as refused:
        photos.prepare(upload, number=2)
    assert refused.value.field == "photos" and refused.value.key == key


def test_a_picture_that_would_decode_to_too_many_pixels_is_refused() -> None:
    bomb = io.BytesIO()
    Image.new("1", (10_000, 6_000)).save(bomb, format="PNG")  # 60 megapixels in a small file
    assert len(bomb.getvalue()) < photos.MAX_PHOTO_BYTES
    with pytest.raises(FieldError) as refused:
        photos.prepare(photos.Upload("bom.png", bomb.getvalue()))
    assert refused.value.key == "photo_not_image"


def test_more_than_three_is_refused_before_any_decoding() -> None:
    with pytest.raises(FieldError) as refused:
        photos.prepare_all([photos.Upload(f"{n}.jpg", b"not decoded") for n in range(4)])
    assert refused.value.key == "photo_too_many" and refused.value.values["left"] == 3


def _files(*pictures: bytes) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("photos", (f"foto{n}.jpg", data, "image/jpeg")) for n, data in enumerate(pictures, start=1)]


def _file_by_api(client: httpx.Client, privacy: Privacy) -> tuple[str, dict[str, str]]:
    filed = client.post("/api/v1/complaints", json={"text": "Jalan berlubang besar di depan pasar, bahaya untuk motor.",
                                                    "privacy": privacy.value, "region_code": "3578"})
    assert filed.status_code == 201, filed.text
    body = filed.json()
    return body["tracking_code"], ({"X-Tracking-Secret": body["access_secret"]} if body["access_secret"] else {})


def test_photos_through_the_api_public_complaint(live_server: LiveServer) -> None:
    with live_server.client() as client:
        code, _ = _file_by_api(client, Privacy.PUBLIC)
        added = client.post(f"/api/v1/complaints/{code}/photos",
                            files=_files(camera_jpeg(colour=(10, 200, 10)), camera_jpeg(colour=(10, 10, 200))))
        assert added.status_code == 200, added.text
        body = added.json()
        assert body["photo_count"] == 2 and len(body["photos"]) == 2
        full = client.get(body["photos"][0]["url"])
        thumb = client.get(body["photos"][0]["thumbnail_url"])
        assert full.status_code == 200 and full.headers["content-type"] == "image/jpeg"
        assert _exif_of(full.content) == {} and b"PhoneMaker" not in full.content
        assert thumb.status_code == 200 and len(thumb.content) > 0

        again = client.post(f"/api/v1/complaints/{code}/photos", files=_files(camera_jpeg(colour=(10, 200, 10))))
        assert again.status_code == 200 and again.json()["photo_count"] == 2  # the same picture is kept once
        too_many = client.post(f"/api/v1/complaints/{code}/photos",
                               files=_files(camera_jpeg(colour=(1, 2, 3)), camera_jpeg(colour=(4, 5, 6))))
        assert too_many.status_code == 422
        assert too_many.json()["fields"][0]["field"] == "photos"
        assert "Paling banyak 3 foto" in too_many.json()["fields"][0]["message"]
        english = client.post(f"/api/v1/complaints/{code}/photos", headers={"Accept-Language": "en"},
                              files=[("photos", ("notes.txt", b"just words", "image/jpeg"))])
        assert english.status_code == 422
        assert english.json()["fields"][0]["message"] == "Photo 1 (notes.txt) is not a JPEG, PNG, WebP or GIF picture."
        missing = client.post(f"/api/v1/complaints/{code}/photos", data={"other": "x"})
        assert missing.status_code == 422
        assert missing.json()["fields"][0]["field"] == "photos"
        assert client.get(f"/foto/{code}/999999").status_code == 404
    with session_scope() as session:
        rows = session.exec(select(ComplaintPhoto).where(ComplaintPhoto.complaint_id == complaint(code).id)).all()
        assert len(rows) == 2


@pytest.mark.parametrize("privacy", [Privacy.ANONYMOUS, Privacy.CONFIDENTIAL])
def test_photos_of_a_private_complaint_are_for_the_officers_only(
    live_server: LiveServer, accounts: dict[Role, Account], privacy: Privacy
) -> None:
    from tests.workbench.test_workbench import file

    with live_server.client() as client:
        code, secret = _file_by_api(client, privacy)
        if secret:
            assert client.post(f"/api/v1/complaints/{code}/photos", files=_files(camera_jpeg())).status_code == 404
        added = client.post(f"/api/v1/complaints/{code}/photos", headers=secret, files=_files(camera_jpeg()))
        assert added.status_code == 200, added.text
        assert added.json()["photo_count"] == 1 and added.json()["photos"] == []
        with session_scope() as session:
            photo = session.exec(select(ComplaintPhoto).where(ComplaintPhoto.complaint_id == complaint(code).id)).one()
        assert client.get(f"/foto/{code}/{photo.id}").status_code == 404
        assert client.get(f"/foto/{code}/{photo.id}?kecil=1").status_code == 404
        page = client.post(f"/lacak/{code}", data={"secret": secret["X-Tracking-Secret"]}) if secret else client.get(f"/lacak/{code}")
        assert f"/foto/{code}/" not in page.text and 'id="photos-private"' in page.text
        assert client.get(f"/staf/foto/{photo.id}", follow_redirects=False).status_code in (302, 303, 401)

    with session_scope() as session:  # the complaint goes to DISHUB, where the officer works
        from cettar.agency import service as agency_service

        row = session.merge(complaint(code))
        agency = agency_service.get_by_code(session, code="DISHUB")
        assert agency is not None
        row.agency_id, row.status = agency.id, "dispositioned"
        session.add(row)
    other = file("DINKES")
    with live_server.client() as officer:
        sign_in_fully(officer, accounts[Role.OFFICER])
        staff_page = officer.get(f"/staf/pengaduan/{code}")
        assert f'src="/staf/foto/{photo.id}?kecil=1"' in staff_page.text
        seen = officer.get(f"/staf/foto/{photo.id}")
        assert seen.status_code == 200 and _exif_of(seen.content) == {}
        assert officer.get(f"/staf/foto/{photo.id}?kecil=1").status_code == 200
        detail = officer.get(f"/api/v1/staff/complaints/{code}").json()
        assert [p["url"] for p in detail["photos"]] == [f"/staf/foto/{photo.id}"]
        assert officer.get(f"/staf/pengaduan/{other}").status_code in (403, 404)  # the other agency's complaint …
    with live_server.client() as officer:
        sign_in_fully(officer, accounts[Role.OFFICER])
        with session_scope() as session:
            row = session.merge(complaint(code))
            row.agency_id = agency_service.get_by_code(session, code="DINKES").id  # type: ignore[union-attr]
            session.add(row)
        assert officer.get(f"/staf/foto/{photo.id}").status_code in (403, 404)  # … and its photos are not theirs


def test_the_form_files_a_complaint_with_its_photos_or_names_what_is_wrong(live_server: LiveServer) -> None:
    with live_server.client() as client:
        bad = client.post("/lapor", data={"text": "", "privacy": "public"},
                          files=[("photos", ("surat.pdf", b"%PDF-1.7", "application/pdf"))])
        assert bad.status_code == 422
        assert 'id="photos-error"' in bad.text and "bukan gambar" in bad.text
        assert 'id="text-error"' in bad.text  # both field errors at once
        photo_only_wrong = client.post("/lapor", data={"text": "Sampah menumpuk di sungai dekat jembatan.", "privacy": "public"},
                                       files=[("photos", ("surat.pdf", b"%PDF-1.7", "application/pdf"))])
        assert photo_only_wrong.status_code == 422 and 'id="photos-error"' in photo_only_wrong.text
        text_wrong = client.post("/lapor", data={"text": "", "privacy": "public"}, files=_files(camera_jpeg()))
        assert text_wrong.status_code == 422 and "pilih lagi" in text_wrong.text  # the photo has to be chosen again
        with session_scope() as session:
            assert session.exec(select(ComplaintPhoto)).all() == []  # nothing kept from the refused forms

        filed = client.post("/lapor", data={"text": "Sampah menumpuk di sungai dekat jembatan.", "privacy": "public",
                                            "submission_id": "c" * 32},
                            files=_files(camera_jpeg(), camera_jpeg(colour=(0, 0, 0))))
        assert filed.status_code == 201, filed.text
        code = filed.text.split('class="code"')[1].split(">")[1].split("<")[0].strip()
        twice = client.post("/lapor", data={"text": "Sampah menumpuk di sungai dekat jembatan.", "privacy": "public",
                                            "submission_id": "c" * 32},
                            files=_files(camera_jpeg(), camera_jpeg(colour=(0, 0, 0))))
        assert twice.status_code == 201  # a double submit: the same complaint and the same two photos
        tracking = client.get(f"/lacak/{code}")
        assert tracking.text.count(f'src="/foto/{code}/') == 2


def test_uploads_are_limited_to_three_photos_and_other_bodies_stay_small(live_server: LiveServer) -> None:
    with live_server.client() as client:
        code, _ = _file_by_api(client, Privacy.PUBLIC)
        huge = client.post(f"/api/v1/complaints/{code}/photos",
                           files=[("photos", (f"{n}.jpg", b"\xff" * (5 * 1024 * 1024), "image/jpeg")) for n in range(4)])
        assert huge.status_code == 413
        big_form = client.post("/lapor", data={"text": "x" * (100 * 1024)})  # not multipart: the usual 64 KB
        assert big_form.status_code == 413
        three_big = client.post(f"/api/v1/complaints/{code}/photos",
                                files=[("photos", (f"{n}.jpg", b"\xff" * (5 * 1024 * 1024 - 100), "image/jpeg"))
                                       for n in range(3)])
        assert three_big.status_code == 422  # let through to be read, then refused as no picture
        assert three_big.json()["fields"][0]["field"] == "photos"
