"""Every indicator the office reports (domain brief section 8), defined once.

Dashboards, exports, the API and the roll-up computation all read this list. An indicator
names the roll-up *series* it reads (`series`, by default its own code) and which column of the
roll-up gives its rows (`row_field`): the three departure tables are one series ("departures",
stored with scheme, destination and sector) read by destination, by scheme and by sector.

How a table's cells are made from the roll-up rows (`aggregate`):

- ``sum``: the sum of the values (people, services, cases, events, rupiah);
- ``mean``: Σ value / Σ weight, seconds stored and shown in minutes (waiting and service time);
- ``ikm``: per element Σ answers / Σ answered, and the index from the nine element means
  (exact, `frontdesk.ikm`);
- ``stock``: what is open at the end of the period, inflow minus outflow from the first day
  on (complaints pending = received − resolved up to the period's last day).

Age bands of every person count: 0-17, 18-24, 25-39, 40-59, 60+ and unknown, the age on the
day of the event from `Person.birth_date` (for a case and its referrals and money: on the day
the complaint was received, so that received − resolved gives pending in every cell).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from satuatap.core.i18n import in_language

SEXES: tuple[str, ...] = ("F", "M", "U")
AGE_BANDS: tuple[str, ...] = ("0-17", "18-24", "25-39", "40-59", "60+", "unknown")

GROUPS: tuple[str, ...] = ("frontdesk", "registry", "placement", "training", "mrc", "outreach")

# The roll-up columns a table can be read by, and the filters that act on them.
ROW_FIELDS = ("dimension", "scheme", "destination")
PLACEMENT_FILTERS = ("scheme", "destination")


@dataclass(frozen=True)
class Indicator:
    code: str
    name_id: str
    name_en: str
    definition_id: str
    definition_en: str
    unit: str  # people, services, cases, referrals, events, rupiah, minutes, index
    group: str  # the XLSX sheet: frontdesk, registry, placement, training, mrc, outreach
    dimension: str  # what the rows are: desk, destination, scheme, sector, reason, … or ""
    is_person_count: bool  # counts people: split by sex and age band
    case_related: bool  # could identify a survivor: suppressed outside the office
    source: str
    # --- beyond the shared design ---------------------------------------------------------
    aggregate: str = "sum"  # sum, mean, ikm, stock
    series: str = ""  # the roll-up series read ("" = the code)
    row_field: str = "dimension"  # the roll-up column that gives the rows
    # Split by sex and age band although not a count of people (money recovered, times, IKM).
    split_by_sex: bool = False
    # One record can fall in several rows (a complaint in two categories, a visitor at two
    # desks): the total row is stored on its own (dimension "") and is not the sum of the rows.
    rows_overlap: bool = False
    # The filters that apply (scheme, destination); the others leave the table as it is.
    filters: tuple[str, ...] = ()
    # For a stock: the series flowing in and out.
    stock_of: tuple[str, str] | None = None
    # Rows shown even when zero: every value of a short fixed list (categories, reasons…).
    fixed_rows: tuple[str, ...] = field(default=())
    # Which way is good news: "up" (a higher satisfaction index), "down" (a shorter wait), or
    # "" when a change is neither (more departures or complaints received is not better or
    # worse in itself). Dashboards colour and word a change by it, never by its direction.
    better: str = ""

    @property
    def name(self) -> str:
        return in_language(self.name_id, self.name_en)

    @property
    def definition(self) -> str:
        return in_language(self.definition_id, self.definition_en)

    @property
    def stored_series(self) -> str:
        return self.series or self.code

    @property
    def by_sex_and_age(self) -> bool:
        """Whether the rows carry `by_sex` and `by_age_band` cells."""
        return self.is_person_count or self.split_by_sex

    @property
    def is_additive(self) -> bool:
        """Cells add up to their totals (so complementary suppression applies)."""
        return self.aggregate in ("sum", "stock")

    def accepts(self, filter_name: str) -> bool:
        return filter_name in self.filters


def _choices(text_choices) -> tuple[str, ...]:
    return tuple(str(value) for value in text_choices.values if value)


def _build() -> list[Indicator]:
    from satuatap.cases.facts import Category, Channel, ReferralState
    from satuatap.frontdesk.facts import ELEMENT_CODES
    from satuatap.placement.facts import CourseKind, ReturnReason, Scheme

    people = "people"
    return [
        # --- Front desk ---------------------------------------------------------------------
        Indicator(
            code="visitors",
            name_id="Pengunjung per loket",
            name_en="Visitors by desk",
            definition_id=(
                "Kunjungan yang didaftarkan di meja depan (orang yang check-in), per loket yang "
                "dituju. Pengunjung yang mendapat tiket di dua loket dihitung di setiap loket, "
                "tetapi sekali dalam total."
            ),
            definition_en=(
                "Visits checked in at the front desk (people checked in), by the desk they "
                "were sent to. A visitor with tickets at two desks counts at each desk but once "
                "in the total."
            ),
            unit=people,
            group="frontdesk",
            dimension="desk",
            is_person_count=True,
            case_related=False,
            source="frontdesk.Visit, frontdesk.Ticket (day of the visit, office time)",
            rows_overlap=True,
        ),
        Indicator(
            code="services_served",
            name_id="Layanan yang diselesaikan per loket",
            name_en="Services (tickets served) by desk",
            definition_id="Tiket antrean yang selesai dilayani, per loket.",
            definition_en="Queue tickets served to the end, by desk.",
            unit="services",
            group="frontdesk",
            dimension="desk",
            is_person_count=True,
            case_related=False,
            source="frontdesk.Ticket with status served (day of the ticket)",
        ),
        Indicator(
            code="waiting_time",
            better="down",
            name_id="Rata-rata waktu tunggu",
            name_en="Average waiting time",
            definition_id=(
                "Rata-rata menit dari pengambilan tiket sampai dipanggil, untuk tiket yang "
                "selesai dilayani, per loket."
            ),
            definition_en=(
                "Average minutes from the ticket's issue to its first call, for tickets served, "
                "by desk."
            ),
            unit="minutes",
            group="frontdesk",
            dimension="desk",
            is_person_count=False,
            case_related=False,
            source="frontdesk.Ticket issued_at → called_at (status served)",
            aggregate="mean",
            split_by_sex=True,
        ),
        Indicator(
            code="service_time",
            name_id="Rata-rata waktu layanan",
            name_en="Average service time",
            definition_id=(
                "Rata-rata menit dari mulai dilayani sampai selesai, untuk tiket yang selesai "
                "dilayani, per loket."
            ),
            definition_en=(
                "Average minutes from the start of service to its end, for tickets served, by desk."
            ),
            unit="minutes",
            group="frontdesk",
            dimension="desk",
            is_person_count=False,
            case_related=False,
            source="frontdesk.Ticket served_at (or called_at) → finished_at (status served)",
            aggregate="mean",
            split_by_sex=True,
        ),
        Indicator(
            code="ikm",
            better="up",
            name_id="Indeks Kepuasan Masyarakat (IKM)",
            name_en="Satisfaction index (IKM)",
            definition_id=(
                "IKM menurut PermenPANRB 14/2017: rata-rata tiap unsur × 1/9, dijumlah, × 25 "
                "(skala 25–100), dari survei kunjungan dalam periode; dihitung tepat dari jumlah "
                "jawaban per unsur."
            ),
            definition_en=(
                "The IKM of PermenPANRB 14/2017: each element's mean × 1/9, summed, × 25 (25–100 "
                "scale), over the surveys of the period's visits; computed exactly from the sums "
                "of the answers per element."
            ),
            unit="index",
            group="frontdesk",
            dimension="element",
            is_person_count=False,
            case_related=False,
            source="frontdesk.Survey (day of the visit)",
            aggregate="ikm",
            split_by_sex=True,
            fixed_rows=tuple(ELEMENT_CODES),
        ),
        Indicator(
            code="ikm_respondents",
            name_id="Responden survei IKM",
            name_en="IKM survey respondents",
            definition_id="Survei kepuasan yang diisi untuk kunjungan dalam periode.",
            definition_en="Satisfaction surveys answered for the period's visits.",
            unit=people,
            group="frontdesk",
            dimension="",
            is_person_count=True,
            case_related=False,
            source="frontdesk.Survey (day of the visit)",
        ),
        # --- Registry ---------------------------------------------------------------------
        Indicator(
            code="registrations",
            name_id="Pendaftaran di basis data PMI",
            name_en="Registrations in the registry",
            definition_id=(
                "Orang yang didaftarkan di basis data PMI kantor (tanggal pendaftaran, waktu "
                "kantor); catatan ganda yang digabung tidak dihitung."
            ),
            definition_en=(
                "People registered in the office's registry (day of registration, office "
                "time); duplicate records merged into another are not counted."
            ),
            unit=people,
            group="registry",
            dimension="",
            is_person_count=True,
            case_related=False,
            source="people.Person created_at",
        ),
        # --- Placement --------------------------------------------------------------------
        Indicator(
            code="departures_by_destination",
            name_id="Keberangkatan per negara tujuan",
            name_en="Departures by destination",
            definition_id=(
                "Berkas penempatan dengan tanggal keberangkatan dalam periode, per negara tujuan."
            ),
            definition_en="Placement files with a departure date in the period, by destination.",
            unit=people,
            group="placement",
            dimension="destination",
            is_person_count=True,
            case_related=False,
            source="placement.PlacementFile departure_date (country, else the job order's)",
            series="departures",
            row_field="destination",
            filters=PLACEMENT_FILTERS,
        ),
        Indicator(
            code="departures_by_scheme",
            name_id="Keberangkatan per skema",
            name_en="Departures by scheme",
            definition_id=(
                "Berkas penempatan dengan tanggal keberangkatan dalam periode, per skema "
                "penempatan."
            ),
            definition_en=(
                "Placement files with a departure date in the period, by placement scheme."
            ),
            unit=people,
            group="placement",
            dimension="scheme",
            is_person_count=True,
            case_related=False,
            source="placement.PlacementFile departure_date, scheme",
            series="departures",
            row_field="scheme",
            filters=PLACEMENT_FILTERS,
            fixed_rows=_choices(Scheme),
        ),
        Indicator(
            code="departures_by_sector",
            name_id="Keberangkatan per sektor",
            name_en="Departures by sector",
            definition_id=(
                "Berkas penempatan dengan tanggal keberangkatan dalam periode, per sektor."
            ),
            definition_en="Placement files with a departure date in the period, by sector.",
            unit=people,
            group="placement",
            dimension="sector",
            is_person_count=True,
            case_related=False,
            source="placement.PlacementFile departure_date, sector (else the job order's)",
            series="departures",
            row_field="dimension",
            filters=PLACEMENT_FILTERS,
        ),
        Indicator(
            code="returns_by_reason",
            name_id="Kepulangan per alasan",
            name_en="Returns by reason",
            definition_id=(
                "Berkas penempatan dengan tanggal kepulangan dalam periode, per alasan pulang. "
                "Alasan seperti dideportasi atau masalah dapat mengenali penyintas: angka kecil "
                "disembunyikan di luar kantor."
            ),
            definition_en=(
                "Placement files with a return date in the period, by reason for the return. "
                "Reasons such as deported or problem could identify a survivor: small counts "
                "are suppressed outside the office."
            ),
            unit=people,
            group="placement",
            dimension="reason",
            is_person_count=True,
            case_related=True,
            source="placement.PlacementFile return_date, return_reason",
            series="returns",
            filters=PLACEMENT_FILTERS,
            fixed_rows=_choices(ReturnReason),
        ),
        # --- Training ---------------------------------------------------------------------
        Indicator(
            code="people_trained",
            better="up",
            name_id="Orang yang lulus pelatihan",
            name_en="People trained",
            definition_id=(
                "Peserta yang lulus pelatihan kompetensi atau OPP, pada hari terakhir kursus."
            ),
            definition_en=(
                "Enrolments passed in a competency training or an OPP, on the course's last day."
            ),
            unit=people,
            group="training",
            dimension="course_kind",
            is_person_count=True,
            case_related=False,
            source="placement.Enrolment result passed; Course end_date",
            fixed_rows=_choices(CourseKind),
        ),
        # --- MRC --------------------------------------------------------------------------
        Indicator(
            code="information_contacts",
            better="up",
            name_id="Kontak informasi (orang yang dijangkau)",
            name_en="Information contacts (people reached)",
            definition_id=(
                "Orang yang menerima informasi dari MRC, per saluran: kontak perorangan menurut "
                "jenis kelamin dan umur orangnya, kontak kelompok menurut hitungan pesertanya."
            ),
            definition_en=(
                "People given information by the MRC, by channel: individual contacts by the "
                "person's sex and age band, group contacts by their participant counts."
            ),
            unit=people,
            group="mrc",
            dimension="channel",
            is_person_count=True,
            case_related=False,
            source="cases.Contact kind information, GroupCount",
            fixed_rows=_choices(Channel),
        ),
        Indicator(
            code="counselling_contacts",
            name_id="Kontak konseling (orang yang dijangkau)",
            name_en="Counselling contacts (people reached)",
            definition_id=(
                "Orang yang mendapat konseling dari MRC, per saluran (perorangan dan kelompok)."
            ),
            definition_en=(
                "People counselled by the MRC, by channel (individual and group sessions)."
            ),
            unit=people,
            group="mrc",
            dimension="channel",
            is_person_count=True,
            case_related=True,
            source="cases.Contact kind counselling, GroupCount",
            fixed_rows=_choices(Channel),
        ),
        Indicator(
            code="complaints_received",
            name_id="Pengaduan diterima per kategori",
            name_en="Complaints received by category",
            definition_id=(
                "Kasus pengaduan yang diterima dalam periode, per kategori. Kasus dengan dua "
                "kategori dihitung di setiap kategori, tetapi sekali dalam total."
            ),
            definition_en=(
                "Complaint cases received in the period, by category. A case in two categories "
                "counts in each but once in the total."
            ),
            unit="cases",
            group="mrc",
            dimension="category",
            is_person_count=True,
            case_related=True,
            source="cases.Case received_on, CaseCategory",
            rows_overlap=True,
            fixed_rows=_choices(Category),
        ),
        Indicator(
            code="complaints_resolved",
            better="up",
            name_id="Pengaduan selesai per kategori",
            name_en="Complaints resolved by category",
            definition_id=(
                "Kasus pengaduan yang ditutup (penutupan disetujui supervisor) dalam periode, "
                "per kategori."
            ),
            definition_en=(
                "Complaint cases closed (closure approved by a supervisor) in the period, by "
                "category."
            ),
            unit="cases",
            group="mrc",
            dimension="category",
            is_person_count=True,
            case_related=True,
            source="cases.Case closed_at (status closed), CaseCategory",
            rows_overlap=True,
            fixed_rows=_choices(Category),
        ),
        Indicator(
            code="complaints_pending",
            better="down",
            name_id="Pengaduan belum selesai per kategori",
            name_en="Complaints pending by category",
            definition_id=(
                "Kasus pengaduan yang sudah diterima tetapi belum ditutup pada hari terakhir "
                "periode, per kategori."
            ),
            definition_en=(
                "Complaint cases received and not closed at the end of the period's last day, "
                "by category."
            ),
            unit="cases",
            group="mrc",
            dimension="category",
            is_person_count=True,
            case_related=True,
            source="complaints received minus complaints resolved, up to the period's end",
            aggregate="stock",
            rows_overlap=True,
            stock_of=("complaints_received", "complaints_resolved"),
            fixed_rows=_choices(Category),
        ),
        Indicator(
            code="money_recovered",
            better="up",
            name_id="Uang yang dipulihkan (Rp)",
            name_en="Money recovered (Rp)",
            definition_id=(
                "Uang yang dipulihkan untuk pekerja (rupiah) pada kasus yang ditutup dalam "
                "periode, menurut jenis kelamin dan umur klien."
            ),
            definition_en=(
                "Money recovered for the worker (rupiah) in cases closed in the period, by the "
                "client's sex and age band."
            ),
            unit="rupiah",
            group="mrc",
            dimension="",
            is_person_count=False,
            case_related=True,
            source="cases.Case money_recovered_idr, closed_at",
            split_by_sex=True,
        ),
        Indicator(
            code="referrals_by_partner",
            name_id="Rujukan per mitra",
            name_en="Referrals by partner",
            definition_id="Rujukan yang dikirim ke mitra dalam periode, per mitra.",
            definition_en="Referrals sent to partner organisations in the period, by partner.",
            unit="referrals",
            group="mrc",
            dimension="partner",
            is_person_count=True,
            case_related=True,
            source="cases.Referral sent_at, partner",
        ),
        Indicator(
            code="referrals_by_result",
            name_id="Rujukan per hasil",
            name_en="Referrals by result",
            definition_id=(
                "Rujukan menurut keadaannya sekarang (belum dijawab, diterima, ditolak, selesai), "
                "pada hari keadaan itu dicapai (dikirim, dijawab, diselesaikan)."
            ),
            definition_en=(
                "Referrals by their current state (not answered yet, accepted, declined, "
                "completed), on the day they reached it (sent, answered, completed)."
            ),
            unit="referrals",
            group="mrc",
            dimension="result",
            is_person_count=True,
            case_related=True,
            source="cases.Referral state, sent_at / answered_at / completed_at",
            fixed_rows=_choices(ReferralState),
        ),
        # --- Outreach ---------------------------------------------------------------------
        Indicator(
            code="outreach_events",
            better="up",
            name_id="Kegiatan penjangkauan per desa",
            name_en="Outreach events by village",
            definition_id="Kegiatan sosialisasi, pelatihan dan pertemuan di desa, per desa.",
            definition_en="Socialisation, training and community meetings held, by village.",
            unit="events",
            group="outreach",
            dimension="village",
            is_person_count=False,
            case_related=False,
            source="outreach.OutreachEvent date, village",
        ),
        Indicator(
            code="outreach_people_reached",
            better="up",
            name_id="Orang yang dijangkau per desa",
            name_en="People reached by village",
            definition_id=(
                "Peserta kegiatan penjangkauan menurut hitungan jenis kelamin dan kelompok umur, "
                "per desa."
            ),
            definition_en=(
                "Participants of outreach events, from their counts by sex and age band, by "
                "village."
            ),
            unit=people,
            group="outreach",
            dimension="village",
            is_person_count=True,
            case_related=False,
            source="outreach.OutreachCount",
        ),
    ]


class _Registry:
    """The list, built on first use (labels come from the apps' models)."""

    _items: list[Indicator] | None = None

    def items(self) -> list[Indicator]:
        if self._items is None:
            items = _build()
            assert len({i.code for i in items}) == len(items), "duplicate indicator code"
            self._items = items
        return self._items


_registry = _Registry()


class _IndicatorList:
    """`INDICATORS`: behaves as the ordered list of every indicator."""

    def __iter__(self):
        return iter(_registry.items())

    def __len__(self) -> int:
        return len(_registry.items())

    def __getitem__(self, index):
        return _registry.items()[index]

    def __repr__(self) -> str:
        return repr(_registry.items())


INDICATORS = _IndicatorList()


def get_indicator(code: str) -> Indicator:
    """The indicator with this code; KeyError when there is none."""
    for indicator in _registry.items():
        if indicator.code == code:
            return indicator
    raise KeyError(code)


def indicators_in_group(group: str) -> list[Indicator]:
    return [i for i in _registry.items() if i.group == group]


def stored_series() -> list[str]:
    """Every series the roll-up table holds."""
    names: list[str] = []
    for indicator in _registry.items():
        parts = indicator.stock_of or (indicator.stored_series,)
        for name in parts:
            if name not in names:
                names.append(name)
    return names
