"""Realistic Indonesian names for the generator, and the misspellings the benchmark searches for.

Names are drawn from lists of given names, with more common names drawn more often (a Zipf-like
weight by position), in the shapes that occur in Java, Sumatra and Nusa Tenggara: one to four
words, `Siti …`/`Nur …`/`Sri …` for women, `Muhammad …` (in all its spellings) for men, joined
forms (`Nurhayati`, `Sriwahyuni`), old Dutch-era spellings for people born before ~1975
(`Soeparman`, `Djoko`, `Tjahjono`), and a pilgrimage title (`Hj.`, `H.`) on some older people.
"""

from __future__ import annotations

import random
import re

FEMALE_FIRST = """
Siti Nur Sri Dewi Eka Dwi Tri Rina Yuli Ani Ratna Rini Wati Yuni Lina Indah Fitri Ayu Putri
Nining Euis Imas Iis Cucu Dede Neneng Enok Tati Titin Entin Aan Eti Yayah Ai Nani Mimin Tuti
Sumiati Suryani Sulastri Sumarni Suwarni Supini Sukini Painem Tukinah Kasmini Wagiyem Juminten
Sartini Sarinah Karsih Warsih Kartini Kustini Masitoh Mutmainah Munawaroh Khoiriyah Aminah
Fatimah Khadijah Aisyah Maryam Zainab Halimah Rohmah Rahmawati Nurhayati Nurjanah Nurhaliza
Nurlela Nuraini Nurul Anisa Annisa Nabila Salsabila Aulia Amelia Dian Diah Endang Erna Evi Farida
Fauziah Hartini Hasanah Heni Ika Ina Indri Irma Kurniasih Laela Lilis Lia Maya Mega Mira Murni
Nanik Novi Nia Puji Purwanti Rahayu Ratih Reni Retno Ria Rika Rosita Rukmini Sadiah Septi Sinta
Sofia Suci Tini Tika Tuminah Umi Utami Wahyuni Widya Winarti Wulan Yanti Yati Yeni Zahra
Baiq Ni Luh Kadek Komang Inaq Mariana Yohana Agustina Maria Magdalena Elisabeth
""".split()

FEMALE_OTHER = """
Aminah Rahmawati Lestari Wulandari Rahayu Handayani Susanti Kurniawati Setiawati Purwanti
Maryani Suryani Hidayati Nurjanah Fitriani Yuliani Wahyuni Safitri Puspita Anggraini Pratiwi
Astuti Ningsih Sulistyowati Hartati Widayanti Mulyani Kusumawati Permatasari Oktaviani
Novitasari Damayanti Ramadhani Khoirunnisa Maulida Zulaikha Mardiyah Solikhah Komariah
Rohayati Sumiati Kartika Indriani Apriliani Agustina Cahyani Febriani Hasanah Jamilah Kholifah
Latifah Marlina Munawaroh Nuraeni Rosmawati Sa'adah Syarifah Umayah Yulianti Zubaedah
Mariyam Sundari Suharti Kasanah Rukayah Maesaroh Romlah Juwariyah Sholikhah Muslimah
Nurhasanah Musyarofah Haryati Suprihatin Winarsih Tumini Darsini Paini Ngatini Jumiati
Aprilia Anjani Andriani Ayuningsih Dwiyanti Fadilah Hikmah Kusmiati Laelasari Mutiara
""".split()

MALE_FIRST = """
Muhammad Ahmad Agus Budi Eko Dedi Hendra Joko Bambang Slamet Supriyadi Sutrisno Suparman
Sugeng Wahyu Rudi Andi Asep Ujang Cecep Dadang Deden Encep Iwan Ade Aep Yayan Yusuf Ismail
Abdul Imam Arif Rizki Fajar Dimas Bayu Adi Aditya Ari Dwi Tri Eka Nur Hadi Heri Hasan Husein
Ibrahim Ilham Irfan Jaka Kurniawan Lukman Mahmud Mulyadi Nanang Nasrul Purnomo Rahmat Ridwan
Roni Saiful Samsul Sarip Sholeh Sukirman Sumarno Suparno Sutarno Syamsudin Taufik Teguh Tono
Untung Wawan Wahid Yanto Yoga Zainal Zaenal Abdullah Ali Amin Anwar Aris Darto Darmaji Karto
Kasmadi Kusnadi Mardi Maryono Muhtar Nurdin Paijo Parjo Rasmin Sanusi Sarmin Siswanto Sobari
Solihin Sukardi Sunarto Suratno Tarmuji Tukiman Waluyo Warsito Lalu Gede Made Ketut Wayan
Yohanes Petrus Stefanus Fransiskus Ardiansyah Firmansyah Hidayat Rohman
""".split()

MALE_OTHER = """
Saputra Setiawan Pratama Kurniawan Hidayat Santoso Wijaya Nugroho Prasetyo Susanto Gunawan
Firmansyah Hermawan Ramadhan Maulana Hakim Rahman Hidayatullah Syahputra Wibowo Purnomo
Subagyo Sulistyo Haryanto Suryadi Efendi Hasanudin Syarifudin Nurhadi Fauzi Rosyid Mustofa
Hamzah Kholil Anshori Ashari Fathoni Ridho Abdillah Ilyas Zakaria Yunus Sofyan Hamdani
Mukhlis Mulyana Sopian Suherman Sukmana Sunandar Supriatna Suganda Permana Kusuma Darmawan
Irawan Budiman Iskandar Junaedi Mansur Nasution Priyanto Rachmat Riyadi Siswoyo Sudirman
Sugiarto Sujarwo Sukendar Sumantri Supardi Suwandi Tarmizi Triyono Widodo Yulianto Zulkifli
Hartono Cahyono Sutrisno Suparman Mulyono Sugianto Marzuki Ramli Rusdi Salim Sahroni Anwari
Kurnia Pamungkas Wicaksono Utomo Suprapto Ahmadi Arifin Bachtiar Chandra Dermawan Effendi
""".split()

# `Muhammad` as people write it on forms and as it stands on old KTPs.
MUHAMMAD_SPELLINGS = ["Muhammad"] * 8 + ["Mohammad", "Muhamad", "Mochammad", "Moh.", "M."]
OLD_SPELLING = [(r"u", "oe"), (r"j", "dj"), (r"c", "tj"), (r"y", "j"), (r"sy", "sj")]
JOINED_PREFIXES = ("Nur", "Sri")  # written joined as often as apart (Nurhayati, Sriwahyuni)


def _cum_weights(items: list[str], exponent: float = 0.8) -> list[float]:
    total, out = 0.0, []
    for rank in range(len(items)):
        total += 1.0 / (rank + 3) ** exponent
        out.append(total)
    return out


_FF, _FO = _cum_weights(FEMALE_FIRST), _cum_weights(FEMALE_OTHER, 0.5)
_MF, _MO = _cum_weights(MALE_FIRST), _cum_weights(MALE_OTHER, 0.5)


def _old_spelling(word: str, rng: random.Random) -> str:
    pattern, replacement = rng.choice(OLD_SPELLING)
    lower = word.lower()
    index = lower.find(pattern)
    if index < 0:
        return word
    new = word[:index] + replacement + word[index + len(pattern) :]
    return new[0].upper() + new[1:]


def make_name(rng: random.Random, *, sex: str, birth_year: int) -> str:
    """One full name as it would be typed from a KTP."""
    female = sex == "F"
    first, first_w = (FEMALE_FIRST, _FF) if female else (MALE_FIRST, _MF)
    other, other_w = (FEMALE_OTHER, _FO) if female else (MALE_OTHER, _MO)
    shape = rng.random()
    words = [rng.choices(first, cum_weights=first_w)[0]]
    if words[0] == "Muhammad":
        words[0] = rng.choice(MUHAMMAD_SPELLINGS)
    if shape < 0.04:  # one name only (Wahyuni, Sutrisno)
        words = [rng.choices(other, cum_weights=other_w)[0]]
    elif shape < 0.50:
        words.append(rng.choices(other, cum_weights=other_w)[0])
    elif shape < 0.93:
        words.append(rng.choices(first + other, k=1)[0])
        words.append(rng.choices(other, cum_weights=other_w)[0])
    else:
        words += rng.choices(other, k=3) if rng.random() < 0.5 else rng.choices(other, k=2)
    if words[0] in JOINED_PREFIXES and len(words) > 1 and rng.random() < 0.25:
        words[:2] = [words[0] + words[1].lower()]  # Nurhaliza, Sriwahyuni
    if len(words) > 1 and words[-1] == words[-2]:
        words.pop()
    if birth_year < 1975 and rng.random() < 0.3:
        index = rng.randrange(len(words))
        words[index] = _old_spelling(words[index], rng)
    if birth_year < 1980 and rng.random() < 0.08:
        words.insert(0, "Hj." if female else "H.")
    return " ".join(words)


# --- misspellings -------------------------------------------------------------------------------

TYPO_KINDS = (
    "drop_letter",
    "double_letter",
    "swap_letters",
    "muhammad_spelling",
    "oe_u",
    "y_i_end",
    "split_join",
    "initial",
    "title_added",
)

_TITLE_RE = re.compile(r"^(Hj?\.)\s+")


def _word_positions(words: list[str], min_len: int) -> list[int]:
    return [i for i, w in enumerate(words) if len(w) >= min_len and w.isalpha()]


def _letter_typo(words: list[str], kind: str, rng: random.Random) -> list[str] | None:
    positions = _word_positions(words, 4)
    if not positions:
        return None
    i = rng.choice(positions)
    w = words[i]
    j = rng.randrange(1, len(w) - 1)
    if kind == "drop_letter":
        w = w[:j] + w[j + 1 :]
    elif kind == "double_letter":
        w = w[: j + 1] + w[j] + w[j + 1 :]
    else:  # swap
        if w[j] == w[j + 1]:
            return None
        w = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    return words[:i] + [w] + words[i + 1 :]


def _muhammad(words: list[str], rng: random.Random) -> list[str] | None:
    for i, w in enumerate(words):
        if re.fullmatch(r"(?i)m(u|o)c?h?amm?ad|moh\.|m\.", w):
            choices = [s for s in ("Moh.", "Mochammad", "Muhamad", "Mohamad", "Muh.") if s != w]
            return words[:i] + [rng.choice(choices)] + words[i + 1 :]
    return None


def _oe_u(words: list[str], rng: random.Random) -> list[str] | None:
    for swap in ((r"oe", "u"), (r"u", "oe")):
        positions = [i for i, w in enumerate(words) if swap[0] in w.lower()[1:]]
        if positions:
            i = rng.choice(positions)
            w = words[i]
            k = w.lower().index(swap[0], 1)
            return words[:i] + [w[:k] + swap[1] + w[k + len(swap[0]) :]] + words[i + 1 :]
    return None


def _y_i_end(words: list[str], rng: random.Random) -> list[str] | None:
    positions = [i for i, w in enumerate(words) if len(w) > 3 and w[-1] in "iy"]
    if not positions:
        return None
    i = rng.choice(positions)
    w = words[i]
    return words[:i] + [w[:-1] + ("y" if w[-1] == "i" else "i")] + words[i + 1 :]


def _split_join(words: list[str], rng: random.Random) -> list[str] | None:
    for i, w in enumerate(words):
        for prefix in JOINED_PREFIXES:
            if w.startswith(prefix) and len(w) > len(prefix) + 2:
                return (
                    words[:i]
                    + [prefix, w[len(prefix)].upper() + w[len(prefix) + 1 :]]
                    + words[i + 1 :]
                )
    plain = [i for i, w in enumerate(words) if w.isalpha()]
    pairs = [i for i in plain if i + 1 in plain]
    if not pairs:
        return None
    i = rng.choice(pairs)
    return words[:i] + [words[i] + words[i + 1].lower()] + words[i + 2 :]


def _initial(words: list[str], rng: random.Random) -> list[str] | None:
    if len(words) < 2 or not words[0].isalpha():
        return None
    return [words[0][0] + "."] + words[1:]


def misspell(full_name: str, sex: str, kind: str, rng: random.Random) -> tuple[str, str]:
    """A misspelling of `full_name` of the given kind (or the next kind that applies)."""
    start = TYPO_KINDS.index(kind)
    words = _TITLE_RE.sub("", full_name).split()
    for offset in range(len(TYPO_KINDS)):
        current = TYPO_KINDS[(start + offset) % len(TYPO_KINDS)]
        if current in ("drop_letter", "double_letter", "swap_letters"):
            result = _letter_typo(words, current, rng)
        elif current == "muhammad_spelling":
            result = _muhammad(words, rng)
        elif current == "oe_u":
            result = _oe_u(words, rng)
        elif current == "y_i_end":
            result = _y_i_end(words, rng)
        elif current == "split_join":
            result = _split_join(words, rng)
        elif current == "initial":
            result = _initial(words, rng)
        else:
            result = (
                ["Hj." if sex == "F" else "H."] + words if not _TITLE_RE.match(full_name) else None
            )
        if result and " ".join(result) != full_name:
            return " ".join(result), current
    return full_name, "unchanged"
