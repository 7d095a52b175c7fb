"""Indonesian-aware name keys and fuzzy name matching for the registry search.

`name_key` turns a full name into a search key that is stored on `Person.name_key`. It is
deterministic and idempotent (`name_key(name_key(x)) == name_key(x)`). Steps, in order:

1. Lowercase, strip diacritics (NFKD), drop apostrophes (`Ma'ruf` -> `maruf`).
2. Split on spaces and commas; a token with dots that is not itself a title or degree
   (`S.Pd.`, `K.H.`) is split on its dots (`H.Ahmad` -> `h ahmad`, `M.Rizki` -> `m rizki`).
   Other punctuation separates words.
3. Drop leading honorifics and titles (`Hj.`, `H.`, `Haji`, `Dr.`, `Drs.`, `Ir.`, `Prof.`, `K.H.`,
   `Ust.`, `Ny.`, `Bpk.` ...) and trailing academic degrees (`S.Pd.`, `S.E.`, `S.H.`,
   `A.Md.`, `M.Pd.` ...). A dotted token after a comma is always a degree
   (`Siti, S.Kep.Ns.`). A name is never reduced to nothing.
4. Old (pre-1972 / Dutch) spelling and common variants, per word:
   `oe`->`u` (Noer = Nur, Soekarno = Sukarno), `dj`->`j` (Djoko = Joko), `tj`->`c`,
   `sj`->`sy`, then `sy`->`s` (Sjarif = Syarif = Sarif, Syaiful = Saiful),
   `hj`->`hy` (Tjahjono = Cahyono, Wahjuni = Wahyuni; `hj` never occurs in today's spelling),
   `nj`->`ny` only at the start of a word (Njoman = Nyoman; `Panji`, `Anjani` keep their `nj`),
   `ch`->`h` and `kh`->`h` (Achmad = Akhmad = Ahmad, Chairul = Khairul = Hairul) except
   `chr`/`chandr` at the start of a word, which become `kr`/`candr` (Christina = Kristina,
   Chandra = Candra), `ph`->`f`, `dh`->`d` (Ramadhan = Ramadan), `th`->`t`, `q`->`k`
   (Taufiq = Taufik), a final `y`->`i` (Rizky = Rizki, Hendry = Hendri), then doubled
   letters are collapsed (Muhammad -> muhamad, Hanna = Hana).
   Not applied, because they would merge different names more often than they help:
   `z`->`j`, `v`->`f`, `e`/`a` swaps (Saleh/Soleh), `j`->`y` outside `hj`.
5. Every spelling of Muhammad (Muhammad, Mohammad, Muhamad, Mochammad, Mohamad, Mukhammad,
   Moch., Moh., Muh., Mhd., Mohd., M. before another word) becomes `muhamad`.
6. Words joined by single spaces.

`name_similarity` scores a raw query against a stored key (0..100), tolerating typos, spacing,
word order, initials and partial names; `rank_names` does it fast for many keys.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from rapidfuzz import fuzz, process

K = TypeVar("K")

TITLES = frozenset(
    """
    h hj haji hajjah hajah hajji kh kyai kiai ust ustad ustadz ustaz ustadzah ustazah ustadah
    dr drs dra drg drh ir prof ns apt bid ny nn nona tn tuan sdr sdri sdra bpk bapak pak ibu bu
    """.split()
)
DEGREES = frozenset(
    """
    se sh spd spdi spdsd skom sag ssos sip ssi st sth sthi sfarm skep skm sked sps sgz shi sei
    sak ssn sds sikom sksi stp spt spi shum skeb sst str sm sn sp
    mh mm mpd mpdi msi mkes mkom mt mag mba msc mhum mfarm mkn mkm msos mak mkeb
    amd amdkeb amdkep amdkom amdpar amdak amdfarm ak lc phd bsc hc spog spa sppd
    """.split()
)
MUHAMMAD = "muhamad"
MUHAMMAD_SHORT = frozenset({"moh", "muh", "mhd", "mohd", "muhd", "md", "mh"})
MUHAMMAD_RE = re.compile(r"^m[ouh]?h?am[ae][dt]$")  # after the spelling rules below

_SEPARATORS = re.compile(r"[^a-z.,]+")
_WORD_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"oe", "u"),
        (r"dj", "j"),
        (r"tj", "c"),
        (r"sj", "sy"),
        (r"sy", "s"),
        (r"hj", "hy"),
        (r"^nj", "ny"),
        (r"^chr", "kr"),
        (r"^chandr", "candr"),
        (r"ch", "h"),
        (r"kh", "h"),
        (r"ph", "f"),
        (r"dh", "d"),
        (r"th", "t"),
        (r"q", "k"),
        (r"y$", "i"),
        (r"(.)\1+", r"\1"),
    )
)


def _ascii_lower(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.lower().replace("'", "").replace("\u2019", "").replace("`", "")


def _raw_words(text: str) -> list[tuple[str, bool]]:
    """Words, each with a flag: a dotted word after a comma, which is always a degree."""
    words: list[tuple[str, bool]] = []
    after_comma = False
    for chunk in _SEPARATORS.sub(" ", text).replace(",", " , ").split():
        if chunk == ",":
            after_comma = True
            continue
        bare = chunk.replace(".", "")
        if not bare:
            continue
        if bare in TITLES or bare in DEGREES or (after_comma and "." in chunk):
            words.append((bare, after_comma and "." in chunk))
        else:
            words.extend((part, False) for part in chunk.split(".") if part)
    return words


def _respell(word: str) -> str:
    """Apply the spelling rules until nothing changes (`ddj` -> `dj` -> `j`)."""
    previous = None
    while word != previous:
        previous = word
        for pattern, replacement in _WORD_RULES:
            word = pattern.sub(replacement, word)
    return word


def _respelled(words: frozenset[str]) -> frozenset[str]:
    """The words as they look after respelling (`hj` -> `hy`); `M.M.` -> `m` is not a degree."""
    return words | {_respell(word) for word in words if len(_respell(word)) > 1}


_TITLE_WORDS = _respelled(TITLES)
_DEGREE_WORDS = _respelled(DEGREES)


def _strip_titles(words: list[tuple[str, bool]]) -> list[str]:
    """Respelled words without leading titles and trailing degrees (never none at all)."""
    respelled = [(_respell(word), is_degree) for word, is_degree in words]
    start, end = 0, len(respelled)
    while start < end - 1 and respelled[start][0] in _TITLE_WORDS:
        start += 1
    while end - 1 > start and (respelled[end - 1][0] in _DEGREE_WORDS or respelled[end - 1][1]):
        end -= 1
    return [word for word, _is_degree in respelled[start:end]]


def _normalise(full_name: str, *, expand_initial_m: bool) -> str:
    words = _strip_titles(_raw_words(_ascii_lower(full_name)))
    result = []
    for index, word in enumerate(words):
        if MUHAMMAD_RE.match(word) or word in MUHAMMAD_SHORT:
            word = MUHAMMAD
        elif word == "m" and expand_initial_m and index < len(words) - 1:
            word = MUHAMMAD
        result.append(word)
    return " ".join(result)


def name_key(full_name: str) -> str:
    """The normalised search key of a name (stored on `Person.name_key`)."""
    return _normalise(full_name, expand_initial_m=True)


def query_key(query: str) -> str:
    """Like `name_key`, but a lone `M.` stays an initial: in a query it may be any M name."""
    return _normalise(query, expand_initial_m=False)


@dataclass(frozen=True)
class _Query:
    key: str
    spaceless: str
    words: tuple[str, ...]

    @classmethod
    def parse(cls, query: str) -> _Query:
        key = query_key(query)
        return cls(key=key, spaceless=key.replace(" ", ""), words=tuple(key.split()))


INITIAL_WEIGHT = 3  # an initial counts like a three-letter word


def _word_score(word: str, candidate_words: Sequence[str]) -> float:
    if len(word) == 1:
        return 100.0 if any(c.startswith(word) for c in candidate_words) else 0.0
    best = 0.0
    for candidate in candidate_words:
        if len(candidate) == 1:
            score = 90.0 if word.startswith(candidate) else 0.0
        else:
            score = _stricter(fuzz.ratio(word, candidate))
        best = max(best, score)
    return best


def _stricter(ratio: float) -> float:
    """Keep one-typo scores (80+), push down the 40-70 that unrelated short words get."""
    if ratio >= 80:
        return ratio
    if ratio >= 50:
        return 20 + (ratio - 50) * 2
    return ratio * 0.4


def _aligned_score(query: _Query, candidate_words: Sequence[str]) -> float:
    """How well each query word is found among the candidate's words (order-free)."""
    total = weight_sum = 0.0
    for word in query.words:
        weight = INITIAL_WEIGHT if len(word) == 1 else len(word)
        total += weight * _word_score(word, candidate_words)
        weight_sum += weight
    if not weight_sum:
        return 0.0
    # Extra words in the candidate cost at most 5 points, so that an exact name ranks first.
    coverage = min(1.0, len(query.spaceless) / max(1, sum(map(len, candidate_words))))
    return total / weight_sum * (0.95 + 0.05 * coverage)


def _score(query: _Query, candidate_key: str) -> float:
    """The best of: each query word found among the candidate's words (typos, order, initials,
    part of a name); the names compared without spaces (`nur haliza` = `nurhaliza`); the query
    found inside a longer name without spaces. Only an identical key scores 100."""
    if not query.words or not candidate_key:
        return 0.0
    candidate_words = candidate_key.split()
    spaceless = candidate_key.replace(" ", "")
    scores = [
        _aligned_score(query, candidate_words),
        _stricter(fuzz.ratio(query.spaceless, spaceless)),  # the same name, spaced differently
    ]
    if 6 <= len(query.spaceless) <= len(spaceless):  # part of a longer name, spaced differently
        partial = fuzz.partial_ratio(query.spaceless, spaceless)
        if partial >= 90:
            scores.append(0.9 * partial)
    if candidate_key == query.key:
        return 100.0
    return round(min(99.0, max(scores)), 1)  # only the identical key scores 100


def name_similarity(query: str, candidate_key: str) -> float:
    """Score 0..100 of how well a raw user query matches a stored `name_key`.

    The query is normalised here (with `query_key`); the candidate must already be a key.
    """
    return _score(_Query.parse(query), candidate_key)


PRESELECT = 300  # candidates per cheap scorer that go on to the precise one


def rank_names(
    query: str,
    candidates: Iterable[tuple[K, str]],
    *,
    limit: int = 20,
    threshold: float = 65.0,
) -> list[tuple[K, float]]:
    """The best `(id, score)` pairs for `(id, name_key)` candidates, best first.

    Two stages: rapidfuzz's native scorers pick a few hundred plausible keys from the whole
    list, then `name_similarity`'s scorer ranks those precisely.
    """
    parsed = _Query.parse(query)
    if not parsed.words:
        return []
    ids: list[K] = []
    keys: list[str] = []
    for candidate_id, key in candidates:
        ids.append(candidate_id)
        keys.append(key)
    shortlist: set[int] = set()
    for scorer, choices, text in (
        (fuzz.token_set_ratio, keys, parsed.key),
        (fuzz.ratio, [key.replace(" ", "") for key in keys], parsed.spaceless),
    ):
        matches = process.extract(
            text, choices, scorer=scorer, processor=None, limit=PRESELECT, score_cutoff=30
        )
        shortlist.update(match[2] for match in matches)
    scored = [(index, _score(parsed, keys[index])) for index in shortlist]
    ranked = sorted(
        (pair for pair in scored if pair[1] >= threshold), key=lambda pair: (-pair[1], pair[0])
    )
    return [(ids[index], score) for index, score in ranked[:limit]]
