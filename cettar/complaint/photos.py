"""Photos the reporter attaches: at most three per complaint, 5 MB each, checked by decoding.

Nothing a camera wrote is kept: every picture is decoded with Pillow, turned upright by its EXIF
orientation, and re-encoded as a new JPEG without EXIF, GPS, XMP or ICC data, at most 2,048 pixels
on its long side, with a 320-pixel thumbnail for the staff pages. The stored files live behind
``cettar.storage``. The same picture uploaded twice (a retried request) is kept once.

Who sees them: the officers handling the complaint always; the public (tracking page and API) only
when the complaint is public.
"""

from __future__ import annotations

import hashlib
import io
import uuid
import warnings
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from cettar import storage
from cettar.complaint.models import ActorType, Complaint, ComplaintPhoto, Privacy, Status
from cettar.complaint.workflow import record_event
from cettar.errors import Conflict, FieldError

MAX_PHOTOS = 3
MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 50_000_000  # a 5 MB file that decodes to more is a decompression bomb, not a photo
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
LONG_SIDE = 2048
THUMB_SIDE = 320
FIELD = "photos"


@dataclass(frozen=True)
class Upload:
    """A file as it arrived: its name (only for messages) and its bytes."""

    filename: str
    data: bytes


@dataclass(frozen=True)
class Prepared:
    sha256: str
    image: bytes
    thumbnail: bytes
    width: int
    height: int


def _label(upload: Upload, number: int) -> str:
    name = "".join(ch for ch in upload.filename if ch.isprintable())[:60]
    return f"{number} ({name})" if name else str(number)


def _jpeg(image: object, quality: int) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality, optimize=True)  # type: ignore[attr-defined]
    return out.getvalue()


def prepare(upload: Upload, *, number: int = 1) -> Prepared:
    """Decode one upload and make the stored image and its thumbnail; a field error says what is
    wrong with it (too big, empty, not a picture)."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    label = _label(upload, number)
    if not upload.data:
        raise FieldError(f"photo {label} is empty", field=FIELD, key="photo_empty", values={"photo": label})
    if len(upload.data) > MAX_PHOTO_BYTES:
        raise FieldError(f"photo {label} is over 5 MB", field=FIELD, key="photo_too_big",
                         values={"photo": label, "max_mb": MAX_PHOTO_BYTES // (1024 * 1024)})
    not_image = FieldError(f"photo {label} is not a JPEG, PNG, WebP or GIF picture", field=FIELD,
                           key="photo_not_image", values={"photo": label})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(upload.data)) as probe:
                if probe.format not in ACCEPTED_FORMATS:
                    raise not_image
                if probe.width * probe.height > MAX_PIXELS:
                    raise not_image
                probe.verify()
            with Image.open(io.BytesIO(upload.data)) as opened:
                opened.seek(0)
                opened.load()
                upright = ImageOps.exif_transpose(opened)
    except FieldError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning, OSError,
            SyntaxError, ValueError, EOFError) as exc:
        raise not_image from exc
    if upright.mode in ("RGBA", "LA", "P"):
        rgba = upright.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        upright = flat
    else:
        upright = upright.convert("RGB")
    upright.info.clear()  # nothing of the original's metadata (EXIF, XMP, ICC, comments) goes on
    upright.thumbnail((LONG_SIDE, LONG_SIDE))
    image = _jpeg(upright, 85)
    small = upright.copy()
    small.thumbnail((THUMB_SIDE, THUMB_SIDE))
    return Prepared(sha256=hashlib.sha256(upload.data).hexdigest(), image=image, thumbnail=_jpeg(small, 80),
                    width=upright.width, height=upright.height)


def prepare_all(uploads: list[Upload], *, already: int = 0) -> list[Prepared]:
    """Check the number first (a field error before any decoding), then each photo."""
    uploads = [u for u in uploads if u.data or u.filename]
    if already + len(uploads) > MAX_PHOTOS:
        raise FieldError(f"at most {MAX_PHOTOS} photos per complaint", field=FIELD, key="photo_too_many",
                         values={"max": MAX_PHOTOS, "left": max(0, MAX_PHOTOS - already)})
    return [prepare(upload, number=number) for number, upload in enumerate(uploads, start=1)]


def photos_of(session: Session, complaint: Complaint) -> list[ComplaintPhoto]:
    query = select(ComplaintPhoto).where(ComplaintPhoto.complaint_id == complaint.id).order_by(col(ComplaintPhoto.id))
    return list(session.exec(query).all())


def count_of(session: Session, complaint: Complaint) -> int:
    query = select(func.count()).select_from(ComplaintPhoto).where(ComplaintPhoto.complaint_id == complaint.id)
    return int(session.exec(query).one())


def attach(session: Session, complaint: Complaint, prepared: list[Prepared], *, now: datetime,
           actor_type: ActorType = ActorType.CITIZEN, record: bool = True) -> list[ComplaintPhoto]:
    """Store the pictures and their rows in the caller's transaction; a picture this complaint
    already has is skipped. The files are written before the commit: a transaction that then fails
    leaves unreferenced files behind, never a row without its file."""
    assert complaint.id is not None
    have = {p.sha256 for p in photos_of(session, complaint)}
    fresh = [p for p in prepared if p.sha256 not in have]
    fresh = [p for i, p in enumerate(fresh) if p.sha256 not in {q.sha256 for q in fresh[:i]}]
    if len(have) + len(fresh) > MAX_PHOTOS:
        raise FieldError(f"at most {MAX_PHOTOS} photos per complaint", field=FIELD, key="photo_too_many",
                         values={"max": MAX_PHOTOS, "left": max(0, MAX_PHOTOS - len(have))})
    store = storage.get_storage()
    rows = []
    for picture in fresh:
        name = uuid.uuid4().hex
        key, thumb_key = f"photos/{complaint.id}/{name}.jpg", f"photos/{complaint.id}/{name}-thumb.jpg"
        store.put(key, picture.image, content_type="image/jpeg")
        store.put(thumb_key, picture.thumbnail, content_type="image/jpeg")
        row = ComplaintPhoto(complaint_id=complaint.id, key=key, thumb_key=thumb_key, sha256=picture.sha256,
                             width=picture.width, height=picture.height, size_bytes=len(picture.image), created_at=now)
        session.add(row)
        rows.append(row)
    if rows:
        session.flush()
        if record:
            record_event(session, complaint, kind="photo_added", actor_type=actor_type,
                         actor="reporter" if actor_type == ActorType.CITIZEN else "", now=now,
                         data={"photos": [row.id for row in rows]})
    return rows


def add_by_reporter(session: Session, complaint: Complaint, uploads: list[Upload], *, now: datetime) -> list[ComplaintPhoto]:
    """The reporter adds photos after filing (tracking page or API), while the complaint is open."""
    if complaint.status in (Status.CLOSED, Status.REJECTED):
        raise Conflict("this complaint is closed; photos can no longer be added", key="citizen_closed")
    if not [u for u in uploads if u.data or u.filename]:
        raise FieldError("choose at least one photo", field=FIELD, key="photo_missing")
    prepared = prepare_all(uploads, already=count_of(session, complaint))
    return attach(session, complaint, prepared, now=now)


def publicly_visible(complaint: Complaint) -> bool:
    return complaint.privacy == Privacy.PUBLIC


def public_photo(session: Session, complaint: Complaint, photo_id: int) -> ComplaintPhoto | None:
    """A photo the public may see: one of this complaint's, and the complaint public."""
    photo = session.get(ComplaintPhoto, photo_id)
    if photo is None or photo.complaint_id != complaint.id or not publicly_visible(complaint):
        return None
    return photo


def read(photo: ComplaintPhoto, *, thumbnail: bool = False) -> bytes:
    return storage.get_storage().get(photo.thumb_key if thumbnail else photo.key)
