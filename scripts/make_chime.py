"""Generate the calling screen's chime: a soft two-tone "ding-dong" of about one second.

Standard library only (wave + math), so the sound is reproducible and has no licence question:

    python scripts/make_chime.py   # writes src/satuatap/frontdesk/static/frontdesk/chime.wav

Each tone is a bell-like note (a fundamental plus two quiet partials) with a short attack and an
exponential decay; the second, lower tone starts while the first fades. Mono, 16-bit, 22,050 Hz
keeps the file small (about 45 kB).
"""

from __future__ import annotations

import math
import struct
import sys
import wave
from pathlib import Path

RATE = 22_050
DURATION = 1.05  # seconds
VOLUME = 0.55  # of full scale, leaving headroom for the overlap
OUT = Path(__file__).resolve().parents[1] / "src/satuatap/frontdesk/static/frontdesk/chime.wav"

# (start in seconds, fundamental in Hz, decay time constant in seconds)
TONES = [
    (0.00, 659.25, 0.28),  # E5: "ding"
    (0.38, 523.25, 0.30),  # C5: "dong"
]
# Bell-like partials: (frequency ratio, relative amplitude)
PARTIALS = [(1.0, 1.0), (2.0, 0.32), (3.0, 0.10)]
ATTACK = 0.008  # seconds: avoids a click at the start of each tone


def sample(t: float) -> float:
    value = 0.0
    for start, frequency, decay in TONES:
        local = t - start
        if local < 0:
            continue
        envelope = math.exp(-local / decay) * min(1.0, local / ATTACK)
        for ratio, amplitude in PARTIALS:
            value += amplitude * envelope * math.sin(2 * math.pi * frequency * ratio * local)
    # Fade the last 50 ms to silence so the file ends without a click.
    tail = DURATION - t
    if tail < 0.05:
        value *= max(0.0, tail / 0.05)
    return value


def render() -> bytes:
    count = int(RATE * DURATION)
    raw = [sample(n / RATE) for n in range(count)]
    peak = max(abs(v) for v in raw) or 1.0
    scale = VOLUME * 32767 / peak
    return b"".join(struct.pack("<h", round(v * scale)) for v in raw)


def main(path: Path = OUT) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(render())
    return path


if __name__ == "__main__":
    written = main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
    print(f"wrote {written} ({written.stat().st_size} bytes)")
