"""The social registry: families (one KK each) and their members (one NIK each).

Nothing here is ever hard-deleted: a family or person leaves the active registry through a status
change made by a service, which records it in the audit trail.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from padu.core.models import BaseModel
from padu.core.records.derive import abstract_model
from padu.core.scoping import ScopedManager

from . import codes
from .declarations import DESIL_ENTRY, DWELLING, FAMILY, PERSON, PERSON_DISABILITY, PPKS_ASSESSMENT
from .masks import mask_number

# The declared data fields of each record, as abstract models the concrete ones inherit.
DwellingFields = abstract_model(DWELLING, "DwellingFields", __name__)
FamilyFields = abstract_model(FAMILY, "FamilyFields", __name__)
DesilFields = abstract_model(DESIL_ENTRY, "DesilFields", __name__)
PersonFields = abstract_model(PERSON, "PersonFields", __name__)
DisabilityFields = abstract_model(PERSON_DISABILITY, "DisabilityFields", __name__)
AssessmentFields = abstract_model(PPKS_ASSESSMENT, "AssessmentFields", __name__)


class PPKSCategory(models.Model):
    """PPKS (formerly PMKS) category; a table, not an enum, because the list differs by source."""

    code = models.PositiveSmallIntegerField(_("code"), unique=True)
    name = models.CharField(_("name"), max_length=120)
    source = models.CharField(_("legal source"), max_length=120, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("PPKS category")
        verbose_name_plural = _("PPKS categories")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"


class ImportedRecord(models.Model):
    """The imports that registered a record and last changed it. Neither column is indexed: no
    page lists a batch's records, and every first import would pay for building the indexes."""

    last_import = models.ForeignKey(
        "registry.ImportBatch",
        verbose_name=_("last import"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    # An import records one audit entry for all it creates (the rows are in its stored, hashed
    # file), and the history shows the record's registration from here.
    created_import = models.ForeignKey(
        "registry.ImportBatch",
        verbose_name=_("registered by import"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )

    class Meta:
        abstract = True


class Dwelling(DwellingFields, ImportedRecord, BaseModel):
    """A dwelling (rumah tangga): the home of one or more families, and its housing attributes.
    Its data fields are declared in `declarations.dwelling.DWELLING`."""

    # The head of the household (kepala rumah tangga): a member of one of its families.
    head = models.ForeignKey(
        "registry.Person",
        verbose_name=_("head of household"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("dwelling")
        verbose_name_plural = _("dwellings")
        ordering = ["region_id", "code"]
        indexes = [
            models.Index(
                fields=["region"],
                name="dwelling_region_prefix_idx",
                opclasses=["varchar_pattern_ops"],
            ),
        ]

    def __str__(self) -> str:
        return _("Dwelling %(code)s") % {"code": self.code}


class Family(FamilyFields, ImportedRecord, BaseModel):
    """A family (one KK). Its data fields are declared in `declarations.family.FAMILY`."""

    # Every family lives in a dwelling (the services and the import give a new family one).
    dwelling = models.ForeignKey(
        Dwelling,
        verbose_name=_("dwelling"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="families",
    )

    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("family")
        verbose_name_plural = _("families")
        ordering = ["region_id", "kk_number"]
        indexes = [
            models.Index(
                fields=["region"],
                name="family_region_prefix_idx",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(fields=["status", "desil"], name="family_status_desil_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(desil__isnull=True) | models.Q(desil__gte=1, desil__lte=10),
                name="family_desil_range",
            ),
        ]

    def __str__(self) -> str:
        return _("Family KK %(kk)s") % {"kk": mask_number(self.kk_number)}


class DesilRecord(DesilFields):
    """Each desil the family was given, by period: DTSEN re-ranks every quarter. Its `kind` says
    where it came from (declarations.desil.DesilSource); an import's entry names its batch (the
    file and the day it was imported), a correction its reason."""

    family = models.ForeignKey(
        Family, verbose_name=_("family"), on_delete=models.CASCADE, related_name="desil_history"
    )
    # Not indexed: no page lists a batch's entries (see ImportedRecord).
    import_batch = models.ForeignKey(
        "registry.ImportBatch",
        verbose_name=_("import"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = ScopedManager("family__region__code")

    class Meta:
        verbose_name = _("desil record")
        verbose_name_plural = _("desil history")
        ordering = ["family", "-period", "-recorded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.family_id} desil {self.desil} ({self.period})"


class Person(PersonFields, ImportedRecord, BaseModel):
    """A member of a family (one NIK). Its data fields are declared in
    `declarations.person.PERSON`."""

    family = models.ForeignKey(
        Family, verbose_name=_("family"), on_delete=models.PROTECT, related_name="members"
    )
    # Denormalised from the family so that scoping a person list needs no join. Indexed by
    # person_region_prefix_idx alone, which serves equality as well as the prefix (a plain index
    # and its LIKE twin would cost every first import two more builds).
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("kelurahan"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    # Spelling-normalised name for fuzzy search (see registry.names); maintained by services and
    # import, and registered in NameKey.
    name_key = models.CharField(_("search key"), max_length=160)

    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["family_id", "relationship", "birth_date"]
        indexes = [
            # Scoping by region prefix; with the family id, name and id alongside, a list
            # filtered by area (and family desil, disability) is counted, and its page of ids
            # found in name order, from this index alone (PostgreSQL, index-only scan): at
            # 1,000,000 people a kecamatan's list no longer reads 20,000 pages of the table.
            models.Index(
                fields=["region"],
                name="person_region_prefix_idx",
                opclasses=["varchar_pattern_ops"],
                include=["family", "name", "id"],
            ),
            models.Index(fields=["family", "relationship"], name="person_family_rel_idx"),
            models.Index(fields=["birth_date"], name="person_birth_date_idx"),
            # Lists and search (registry.selectors): people in name order, and people with a
            # disability by area (2–3 % of the registry, so a small partial index). The name
            # index carries region and family (PostgreSQL): a page deep into a list filtered by
            # area is found by walking the index without visiting the skipped people's rows.
            models.Index(
                fields=["name", "id"], name="person_name_idx", include=["region", "family"]
            ),
            # Name search (PostgreSQL): the people of the matching keys (see NameKey), counted
            # and ranked from the index alone.
            models.Index(
                fields=["name_key", "name", "id"],
                name="person_name_key_idx",
                include=["region", "family"],
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def active_disabilities(self) -> list["PersonDisability"]:
        """The disability records in force, in type order: prefetched by the lists
        (`selectors.with_disabilities`), else read here."""
        rows = getattr(self, "disability_rows", None)
        if rows is None:
            rows = list(self.disabilities.filter(ended_on__isnull=True))
            self.disability_rows = rows
        order = codes.DisabilityType.values
        return sorted(rows, key=lambda r: order.index(r.type))

    @property
    def disability_types(self) -> list[str]:
        return [r.type for r in self.active_disabilities]

    @property
    def disability_label(self) -> str:
        """UU 8/2016: one type by name, "ganda" (multiple) when more than one."""
        types = self.disability_types
        if not types:
            return ""
        if len(types) > 1:
            return str(_("Multiple (ganda)"))
        return str(codes.DisabilityType(types[0]).label)


class PersonDisability(DisabilityFields, BaseModel):
    """One type of disability of a person, with its assessment (severity, date, source) and who
    recorded it (`created_by`, or the import `created_import`). A record is never deleted: a new
    assessment of the same type ends the one before it (`ended_on`), so the person's history of
    assessments stays. At most one record per type is in force."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="disabilities"
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ended by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    end_reason = models.CharField(_("reason for ending"), max_length=200, blank=True)
    created_import = models.ForeignKey(
        "registry.ImportBatch",
        verbose_name=_("recorded by import"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )

    objects = ScopedManager("person__region__code")

    class Meta:
        verbose_name = _("disability record")
        verbose_name_plural = _("disability records")
        ordering = ["person", "-assessed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "type"],
                condition=models.Q(ended_on__isnull=True),
                name="disability_one_active_per_type",
            ),
        ]
        indexes = [
            # The lists' "with a disability" filters and the home page's count: the records in
            # force, by type (2–3 % of the registry).
            models.Index(
                fields=["type", "person"],
                name="disability_active_type_idx",
                condition=models.Q(ended_on__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} ({self.assessed_on})"

    @property
    def region_id(self) -> str:
        return self.person.region_id


class PPKSAssessment(AssessmentFields, BaseModel):
    """One assessment of a person against a PPKS category: when, by whom, on what evidence, and
    its result. The person's categories (`Person.ppks`) follow the latest result."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="ppks_assessments"
    )
    category = models.ForeignKey(
        PPKSCategory, verbose_name=_("PPKS category"), on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedManager("person__region__code")

    class Meta:
        verbose_name = _("PPKS assessment")
        verbose_name_plural = _("PPKS assessments")
        ordering = ["person", "-assessed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.category} ({self.assessed_on})"

    @property
    def region_id(self) -> str:
        return self.person.region_id


class NameKey(models.Model):
    """Every search key (`Person.name_key`) the registry has held. The name search on
    PostgreSQL finds the keys like the query here, by trigram, and then their people by key:
    a city of 1,000,000 people has about 76,000 distinct keys, and comparing the query with
    each key once costs a twentieth of comparing it with every person's (bench/search.py).
    Services (`names.register_name_keys`) and imports add keys; none is removed (a stale key
    finds nobody)."""

    key = models.CharField(_("search key"), max_length=160, primary_key=True)

    class Meta:
        verbose_name = _("name search key")
        verbose_name_plural = _("name search keys")

    def __str__(self) -> str:
        return self.key


class ImportBatch(models.Model):
    """One import of a registry file: who, when, which file, and what it did."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")
        # Its process ended without finishing (killed, the server restarted): found by its
        # heartbeat going stale (importer.services.imports_interrupt_stale). Nothing was written.
        INTERRUPTED = "interrupted", _("Interrupted")

    class Phase(models.TextChoices):
        READING = "reading", _("Reading and checking the rows")
        WRITING = "writing", _("Writing to the registry")

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The area the import may write in (the importer's scope): the batch list is scoped by it.
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    file_name = models.CharField(_("file name"), max_length=255)
    file_sha256 = models.CharField(_("SHA-256"), max_length=64)
    file_size = models.PositiveBigIntegerField(_("file size"), default=0)
    stored_path = models.CharField(_("stored file"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.QUEUED
    )
    message = models.TextField(_("message"), blank=True)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    families_created = models.PositiveIntegerField(_("families created"), default=0)
    families_updated = models.PositiveIntegerField(_("families updated"), default=0)
    people_created = models.PositiveIntegerField(_("people created"), default=0)
    people_updated = models.PositiveIntegerField(_("people updated"), default=0)
    unchanged_rows = models.PositiveIntegerField(_("rows unchanged"), default=0)
    error_rows = models.PositiveIntegerField(_("rows with errors"), default=0)
    warning_rows = models.PositiveIntegerField(_("rows with warnings"), default=0)
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices, blank=True)
    error_report = models.CharField(_("error report"), max_length=500, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Set by the running import every PADU_IMPORT_HEARTBEAT_SECONDS (importer.runner.Heartbeat).
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    # Where the file came from (an office's list), and how its columns are read
    # (importer.mapping.Mapping as JSON; empty: the file is in the import layout).
    source = models.CharField(_("source"), max_length=120, blank=True)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)

    class Meta:
        verbose_name = _("registry import")
        verbose_name_plural = _("registry imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.file_name}"

    def audit_reason(self) -> str:
        """The reason recorded with every change the import makes."""
        return gettext("Imported from %(file)s (import #%(number)d).") % {
            "file": self.file_name,
            "number": self.pk,
        }

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.status == self.Status.DONE else 0
        return min(100, round(100 * self.processed_rows / self.total_rows))


class ImportMapping(models.Model):
    """How the files of one source (`Kelurahan Koto Tangah BNBA`) are read: the mapping last
    confirmed for it (importer.mapping.Mapping as JSON), offered again for its next file. It
    holds headings and codes of regions, no one's data."""

    name = models.CharField(_("source"), max_length=120)
    key = models.CharField(max_length=120, unique=True, editable=False)  # the name, case-folded
    mapping = models.JSONField(_("column mapping"), default=dict)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("import column mapping")
        verbose_name_plural = _("import column mappings")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
