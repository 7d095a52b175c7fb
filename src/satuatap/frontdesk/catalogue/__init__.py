"""The service catalogue of an office: which services each desk offers, with a target time.

The office head configures it in the UI; `DEFAULT_SERVICES` is a starting point per desk type
(codes from core/migrations/0002_default_desk_types.py) that `install_default_services` copies
into an office. Every write checks `frontdesk.configure_services` for the office.

The package: the defaults and limits here, `selectors.py` (an office's services, by desk),
`services.py` (installing the defaults, adding, changing and withdrawing a service).
"""

from __future__ import annotations

from dataclasses import dataclass

MIN_TARGET_MINUTES = 1
MAX_TARGET_MINUTES = 480  # one working day


@dataclass(frozen=True)
class DefaultService:
    name_id: str
    name_en: str
    target_minutes: int
    allows_anonymous: bool = False


DEFAULT_SERVICES: dict[str, tuple[DefaultService, ...]] = {
    "ketenagakerjaan": (
        DefaultService("Pendaftaran CPMI", "CPMI registration", 20),
        DefaultService("Rekomendasi paspor", "Passport recommendation", 15),
    ),
    "pengaduan-informasi": (
        DefaultService(
            "Informasi migrasi aman", "Safe-migration information", 10, allows_anonymous=True
        ),
        DefaultService("Konseling", "Counselling", 30),
        DefaultService("Pengaduan", "Complaint", 30),
    ),
    "kependudukan": (DefaultService("Pemeriksaan KTP/KK", "ID card and family card check", 10),),
    "kesehatan": (
        DefaultService("Rujukan pemeriksaan kesehatan", "Medical check-up referral", 15),
    ),
    "keimigrasian": (DefaultService("Permohonan paspor", "Passport application", 30),),
    "kepolisian": (DefaultService("SKCK", "Police certificate (SKCK)", 20),),
    "perbankan": (DefaultService("Pembukaan rekening", "Bank account opening", 20),),
    "jaminan-sosial": (
        DefaultService("Pendaftaran BPJS Ketenagakerjaan", "BPJS Ketenagakerjaan enrolment", 15),
    ),
    "bp3mi": (
        DefaultService("Verifikasi dokumen akhir", "Final document verification", 20),
        DefaultService(
            "Informasi lowongan resmi",
            "Official job vacancy information",
            10,
            allows_anonymous=True,
        ),
    ),
}
