"""Agencies' own results data: indicator series, indicators, yearly observations per
organisation, the import batches they came from and the history of corrected values
(issue 12). The shared schema is /tmp/notes/INDICATORS-SCHEMA.md; other modules code against
these names."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.models import Organisation


def _in_language(obj, field: str, language: str | None = None) -> str:
    """``field`` in ``language`` (the active UI language by default), Swedish when blank."""
    language = (language or get_language() or "sv")[:2]
    return getattr(obj, f"{field}_{language}", "") or getattr(obj, f"{field}_sv", "")


class IndicatorSeries(models.Model):
    code = models.SlugField(_("code"), max_length=80, unique=True)
    name_sv = models.CharField(_("name (Swedish)"), max_length=200)
    name_da = models.CharField(_("name (Danish)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description_sv = models.TextField(_("description (Swedish)"), blank=True)
    description_da = models.TextField(_("description (Danish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    source = models.CharField(_("source"), max_length=300)
    source_url = models.URLField(_("source address"), blank=True)
    licence = models.CharField(_("licence"), max_length=100)
    members_only = models.BooleanField(
        _("members only"),
        default=False,
        help_text=_("Only signed-in members see this series, its charts, downloads and runs."),
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("indicator series")
        verbose_name_plural = _("indicator series")

    def __str__(self):
        return self.name

    def name_in(self, language: str) -> str:
        return _in_language(self, "name", language)

    @property
    def name(self) -> str:
        return _in_language(self, "name")

    @property
    def description(self) -> str:
        return _in_language(self, "description")


class Indicator(models.Model):
    series = models.ForeignKey(
        IndicatorSeries,
        on_delete=models.CASCADE,
        related_name="indicators",
        verbose_name=_("series"),
    )
    code = models.SlugField(_("code"), max_length=80)
    name_sv = models.CharField(_("name (Swedish)"), max_length=200)
    name_da = models.CharField(_("name (Danish)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    unit = models.CharField(
        _("unit"), max_length=40, help_text=_('For example "%", "SEK", "level", "index".')
    )
    scale_min = models.FloatField(_("lowest allowed value"), null=True, blank=True)
    scale_max = models.FloatField(_("highest allowed value"), null=True, blank=True)
    higher_is_better = models.BooleanField(_("higher is better"), null=True, blank=True)
    currency = models.CharField(
        _("currency"),
        max_length=3,
        blank=True,
        help_text=_("SEK, DKK or EUR for amounts; blank otherwise."),
    )
    price_year = models.PositiveSmallIntegerField(
        _("price year"),
        null=True,
        blank=True,
        help_text=_("The year whose prices the amounts are in."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["series", "order", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(
                fields=["series", "code"], name="indicator_code_unique_in_series"
            ),
        ]

    def __str__(self):
        return self.name

    def name_in(self, language: str) -> str:
        return _in_language(self, "name", language)

    @property
    def name(self) -> str:
        return _in_language(self, "name")

    @property
    def is_money(self) -> bool:
        return bool(self.currency)


class ImportBatch(models.Model):
    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Previewed")
        QUEUED = "queued", _("Waiting to be imported")
        IMPORTING = "importing", _("Importing")
        IMPORTED = "imported", _("Imported")
        REJECTED = "rejected", _("Rejected")
        FAILED = "failed", _("Failed")

    file_name = models.CharField(_("file name"), max_length=255)
    file_sha256 = models.CharField(_("file checksum (SHA-256)"), max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PREVIEWED
    )
    rows_total = models.PositiveIntegerField(_("rows in the file"), default=0)
    rows_created = models.PositiveIntegerField(_("rows created"), default=0)
    rows_updated = models.PositiveIntegerField(_("rows updated"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("rows unchanged"), default=0)
    rows_rejected = models.PositiveIntegerField(_("rows rejected"), default=0)
    # [{"row": n, "reason_code": "...", "message": "..."}], one entry per rejected row.
    report = models.JSONField(_("report"), default=list, blank=True)
    # What the confirmation asked for, and the background import's progress in file rows.
    series_code = models.CharField(_("series"), max_length=80, blank=True)
    valid_rows_only = models.BooleanField(_("valid rows only"), default=False)
    progress_rows = models.PositiveIntegerField(_("file rows checked"), default=0)
    progress_total = models.PositiveIntegerField(_("file rows (estimated)"), default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")

    def __str__(self):
        return (
            f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"
            if self.created_at
            else self.file_name
        )


class Observation(models.Model):
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        related_name="observations",
        verbose_name=_("indicator"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="observations",
        verbose_name=_("organisation"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.FloatField(_("value"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="observations",
        verbose_name=_("import batch"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["indicator", "organisation", "year"]
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "organisation", "year"], name="observation_unique_per_year"
            ),
        ]
        indexes = [models.Index(fields=["indicator", "year"], name="observation_indicator_year")]

    def __str__(self):
        return f"{self.indicator_id}/{self.organisation_id}/{self.year}: {self.value}"


class ObservationChange(models.Model):
    """A corrected value's previous value, kept when an import changes it."""

    observation = models.ForeignKey(
        Observation, on_delete=models.CASCADE, related_name="history", verbose_name=_("observation")
    )
    old_value = models.FloatField(_("previous value"))
    new_value = models.FloatField(_("new value"))
    old_note = models.CharField(_("previous note"), max_length=300, blank=True)
    batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="changes",
        verbose_name=_("import batch"),
    )
    changed_at = models.DateTimeField(_("changed"), auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("corrected value")
        verbose_name_plural = _("corrected values")

    def __str__(self):
        return f"{self.old_value} -> {self.new_value}"


class DataVersion(models.Model):
    """One row whose number grows with every change of observations, rates or indices
    (``versions.py``): a saved run compares it with the number it was computed on."""

    number = models.PositiveBigIntegerField(_("number"), default=0)
    # New on every change: a counter rolled back (a test, a restored backup) and raised again
    # must not repeat a version that caches have seen with other data.
    token = models.CharField(_("token"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("data version")
        verbose_name_plural = _("data versions")

    def __str__(self):
        return str(self.number)


class ExchangeRate(models.Model):
    """1 unit of ``currency`` = ``to_sek`` SEK in ``year``; maintained by the administrator."""

    currency = models.CharField(_("currency"), max_length=3)
    year = models.PositiveSmallIntegerField(_("year"))
    to_sek = models.FloatField(
        _("value in SEK"), help_text=_("What one unit of the currency is worth in SEK.")
    )

    class Meta:
        ordering = ["currency", "year"]
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        constraints = [
            models.UniqueConstraint(
                fields=["currency", "year"], name="exchange_rate_unique_per_year"
            ),
        ]

    def __str__(self):
        return f"{self.currency} {self.year}: {self.to_sek} SEK"


class PriceIndex(models.Model):
    """Consumer price index per currency and year, for comparisons at fixed prices."""

    currency = models.CharField(_("currency"), max_length=3)
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.FloatField(_("index value"))

    class Meta:
        ordering = ["currency", "year"]
        verbose_name = _("price index")
        verbose_name_plural = _("price indices")
        constraints = [
            models.UniqueConstraint(
                fields=["currency", "year"], name="price_index_unique_per_year"
            ),
        ]

    def __str__(self):
        return f"{self.currency} {self.year}: {self.value}"


class IndicatorRun(models.Model):
    """A saved analysis: its parameters, result and the data version it was computed on."""

    class Method(models.TextChoices):
        KMEANS = "kmeans", _("Groups (k-means)")
        CORRELATION = "correlation", _("Correlation")
        PEERS = "peers", _("Peers of an organisation")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    title = models.CharField(_("title"), max_length=200)
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    # {"indicators": [ids], "filters": {...}, "k": 3, "organisation": id}
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    share_token = models.UUIDField(
        _("share token"), default=uuid.uuid4, unique=True, editable=False
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    result = models.JSONField(_("result"), null=True, blank=True)
    data_version = models.CharField(_("data version"), max_length=64, blank=True)
    computed_at = models.DateTimeField(_("computed"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("indicator run")
        verbose_name_plural = _("indicator runs")

    def __str__(self):
        return self.title
