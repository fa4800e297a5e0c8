"""Every table, imported in one place for Alembic and for tests."""

from cettar.agency.models import Agency
from cettar.clock.models import SlaClock
from cettar.clock.policies import SlaPolicy
from cettar.complaint.models import Complaint, ComplaintEvent, ComplaintRating, ReporterContact, RoutingCorrection
from cettar.intake.models import IntakeRecord
from cettar.learning.models import RoutingModel
from cettar.metrics.models import AgencyDay, AgencyRunning, DistrictRunning
from cettar.open311.models import Open311Key
from cettar.region.models import Region
from cettar.sources.models import Source, SourceItem
from cettar.audit.models import AuditEntry
from cettar.staff.models import ApiToken, Notification, Staff, StaffNotice, StaffSession

__all__ = ["AgencyDay", "AgencyRunning", "DistrictRunning", "Notification", "SlaClock", "SlaPolicy", "Agency", "Complaint", "ComplaintEvent", "ComplaintRating", "IntakeRecord", "Open311Key", "Region", "ReporterContact", "RoutingCorrection", "RoutingModel", "Source", "SourceItem", "ApiToken", "AuditEntry", "Staff", "StaffNotice", "StaffSession"]
