#!/usr/bin/env python3
"""Refresh the region data shipped in `src/satuatap/regions/data/` from the npm package
`idn-area-data`.

    python scripts/refresh_region_data.py 4.0.2
    python scripts/refresh_region_data.py 4.0.1 --from-dir /tmp/idn/package   # already extracted

It runs `npm pack idn-area-data@VERSION` in a temporary directory, extracts the tarball,
gzips the four CSVs we use (provinces, regencies, districts, villages; islands are skipped),
copies the ODbL licence and rewrites `SOURCE.json` and `README.md` with the version and the
sha256 of each (uncompressed) CSV. The gzip files are written reproducibly (no name, mtime 0),
so refreshing to the same version leaves the working tree unchanged.

Standard library only: this runs before the project is installed. After refreshing, run
`satuatap load_regions` and the region tests (`pytest tests/regions`), which check the counts.
`code_changes.csv` (our table of region code changes) is left as it is; `load_regions` refuses
the new data if the table no longer fits it (a code it names as today's is gone), and a new
release that renumbers regions needs rows added there, with their source.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "idn-area-data"
FILES = ("provinces", "regencies", "districts", "villages")
DATA_DIR = Path(__file__).resolve().parent.parent / "src" / "satuatap" / "regions" / "data"

README = """\
# Region data

Indonesian administrative regions (province, regency/city, district, village) loaded by
`satuatap load_regions`.

Data from idn-area-data {version} by fityannugroho, licensed ODbL 1.0; region codes from
Kemendagri (the Ministry of Home Affairs' decree on region codes and data).
Source: https://github.com/fityannugroho/idn-area-data (npm package `{package}@{version}`).

The licence is in `LICENSE.md` next to this file: if you redistribute
this data or a database derived from it, keep the attribution and share alike under ODbL.

Files are the package's CSVs, gzip-compressed; `islands.csv` is not used. Checksums are of the
uncompressed CSVs and are checked by the loader (`SOURCE.json` holds the same values).

| file | rows | sha256 (uncompressed CSV) |
|---|---:|---|
{rows}

Refresh with `python scripts/refresh_region_data.py NEW_VERSION` (needs `npm`).

## Code changes (`code_changes.csv`)

Our own table, not part of idn-area-data, loaded with the regions by `satuatap load_regions`
(and checked against them: today's code must be in the data, a moved region's old code must
not). A NIK never changes, so a NIK issued before a region got a new code still carries the
old one; the NIK check uses this table to accept it with a note naming today's code.

Columns: `old_code`, `old_name` (the name under the old code), `new_code` (today's code),
`kind` (`moved`: the region took the new code and the old one was retired; `split`: a new
region was formed from part of the old one, which keeps its code), `changed_on` (the date of
the law that made the change), `source`.

It covers the 2022 splits of Papua and Papua Barat: the provinces Papua Selatan (93), Papua
Tengah (94) and Papua Pegunungan (95), formed from Papua (91) by UU 14, 15 and 16/2022 of
25 July 2022, and Papua Barat Daya (96), formed from Papua Barat (92) by UU 29/2022 of
8 December 2022; the 26 regencies and cities that moved to them (Merauke 91.01 → 93.01,
Kota Sorong 92.71 → 96.71, …) and their 594 districts, which were renumbered (Merauke's
91.01.01 → 93.01.01, but Yahukimo's 91.13.36 Holuon → 95.03.34 Holuwon). Old codes are those
of Kepmendagri 050-145/2022 (for Papua Barat also 100.1.1-6117/2022), new codes those of
Kepmendagri 100.1.1-6117/2022 and 300.2.2-2138/2025 as published in idn-area-data 1.4.3 (old
Papua), 2.0.0, 3.0.3 (old Papua Barat) and 4.0.1 (today). Districts were matched by name within
their regency; five spelt differently after the move (Holuon/Holuwon, Seredela/Seradala,
Kwelemdua/Kwelamdua, Ayip/Ayib, Kobagma/Kobakma) were matched by hand. Three districts of
today (93.04.24 Tomor Birip, 93.04.25 Sor Ep, 94.03.24 Fajar Timur) were formed later and
have no old code.
"""


def _npm_pack(version: str, workdir: Path) -> Path:
    """Download and extract the package tarball; return the extracted `package/` directory."""
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("npm is not installed; install it or pass --from-dir with an extracted package")
    result = subprocess.run(  # noqa: S603 - fixed program, version validated by npm
        [npm, "pack", f"{PACKAGE}@{version}", "--silent"],
        cwd=workdir,
        check=True,
        capture_output=True,
        text=True,
    )
    tarball = workdir / result.stdout.strip().splitlines()[-1]
    with tarfile.open(tarball) as archive:
        archive.extractall(workdir, filter="data")
    return workdir / "package"


def _package_version(package_dir: Path) -> str | None:
    manifest = package_dir / "package.json"
    if not manifest.exists():
        return None
    return json.loads(manifest.read_text(encoding="utf-8")).get("version")


def _count_rows(raw: bytes) -> int:
    reader = csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""))
    next(reader)  # header
    return sum(1 for row in reader if row)


def refresh(*, version: str, package_dir: Path, target: Path) -> dict:
    source_dir = package_dir / "data"
    found = _package_version(package_dir)
    if found is not None and found != version:
        sys.exit(f"{package_dir} holds {PACKAGE} {found}, not {version}")
    target.mkdir(parents=True, exist_ok=True)
    files = {}
    for stem in FILES:
        raw = (source_dir / f"{stem}.csv").read_bytes()
        name = f"{stem}.csv.gz"
        with open(target / name, "wb") as out:
            # filename="" and mtime=0: byte-identical output for identical input.
            with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0, compresslevel=9) as gz:
                gz.write(raw)
        files[name] = {"sha256": hashlib.sha256(raw).hexdigest(), "rows": _count_rows(raw)}
    shutil.copyfile(source_dir / "LICENSE.md", target / "LICENSE.md")
    source = {
        "package": PACKAGE,
        "version": version,
        "url": f"https://www.npmjs.com/package/{PACKAGE}/v/{version}",
        "license": "ODbL-1.0",
        "attribution": f"Data from {PACKAGE} {version} by fityannugroho, licensed ODbL 1.0; "
        "region codes from Kemendagri",
        "checksum": "sha256 of the uncompressed CSV",
        "files": files,
    }
    (target / "SOURCE.json").write_text(json.dumps(source, indent=2) + "\n", encoding="utf-8")
    rows = "\n".join(
        f"| `{name}` | {info['rows']} | `{info['sha256']}` |" for name, info in files.items()
    )
    (target / "README.md").write_text(
        README.format(version=version, package=PACKAGE, rows=rows), encoding="utf-8"
    )
    return source


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("version", help=f"{PACKAGE} version, e.g. 4.0.2")
    parser.add_argument(
        "--from-dir",
        type=Path,
        help="use an already extracted package directory (the one holding data/) instead of npm",
    )
    parser.add_argument("--target", type=Path, default=DATA_DIR, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        package_dir = args.from_dir or _npm_pack(args.version, Path(tmp))
        source = refresh(version=args.version, package_dir=package_dir, target=args.target)
    for name, info in source["files"].items():
        print(f"{name}: {info['rows']} rows, sha256 {info['sha256']}")
    print(f"Wrote {PACKAGE} {args.version} to {args.target}")


if __name__ == "__main__":
    main()
