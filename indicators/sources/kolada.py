"""Client for Kolada's open API v3 (https://api.kolada.se/v3/) and the parser for its
responses, saved or live.

Every list response is a page ``{"values": [...], "next_url": ...}``; the client follows
``next_url`` until it is null or absent. Data rows look like
``{"kpi", "municipality", "period", "values": [{"gender", "value", "count", "status"}]}``.
The API takes at most 25 years per request, so year lists are split into chunks.

The HTTP layer is injectable: pass ``fetch_json(url) -> dict`` to bypass HTTP entirely,
or a ``session`` (anything with ``get(url, timeout=...)``) to keep the retry logic but
not the network. Tests use both; nothing here needs the network to be tested.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable, Optional, Sequence
from urllib.parse import urlparse

import requests

from errors import Unavailable

from indicators.rules.parsing import parse_gender, parse_number
from indicators.rules.periods import parse_period
from settings import get_settings

MAX_YEARS_PER_REQUEST = 25  # the API refuses longer year lists
MAX_PAGES = 1000  # guard against a next_url loop
TRIES = 3
BACKOFF_SECONDS = 1.0
TIMEOUT = (5, 30)  # connect, read (seconds)
RETRY_STATUSES = {429, 500, 502, 503, 504}


class KoladaError(Unavailable):
    """Kolada could not be reached or answered something unusable; the message is Swedish."""


# --- configuration (KOLADA_BASE_URL, KOLADA_MUNICIPALITY, KOLADA_COMPARE; see settings.py) ---

def base_url() -> str:
    """The API address, always ending in '/'."""
    return get_settings().kolada_base_url


def municipality_id() -> str:
    return get_settings().kolada_municipality


def compare_ids() -> list[str]:
    """Comparison units, without duplicates, blanks or the own municipality."""
    return list(get_settings().kolada_compare)


def chunks(items: Sequence[Any], size: int) -> list[list[Any]]:
    return [list(items[i:i + size]) for i in range(0, len(items), size)]


# --- HTTP ---------------------------------------------------------------------------

class KoladaClient:
    def __init__(
        self,
        base: Optional[str] = None,
        *,
        fetch_json: Optional[Callable[[str], dict]] = None,
        session: Any = None,
        sleep: Callable[[float], None] = time.sleep,
        tries: int = TRIES,
    ) -> None:
        self.base = base or base_url()
        self.host = urlparse(self.base).netloc or self.base
        self._fetch_json = fetch_json
        self._session = session
        self._sleep = sleep
        self.tries = max(1, tries)
        self.requested: list[str] = []  # every URL asked for, in order (shown in tests and logs)

    # one URL -> one page
    def get_json(self, url: str) -> dict:
        self.requested.append(url)
        if self._fetch_json is not None:
            return self._fetch_json(url)
        return self._get_with_retries(url)

    def _get_with_retries(self, url: str) -> dict:
        session = self._session or requests.Session()
        problem = ""
        for attempt in range(self.tries):
            if attempt:
                self._sleep(BACKOFF_SECONDS * 2 ** (attempt - 1))  # 1 s, 2 s, …
            try:
                response = session.get(url, timeout=TIMEOUT, headers={"Accept": "application/json"})
            except requests.Timeout:
                problem = "inget svar inom tidsgränsen"
                continue
            except requests.ConnectionError:
                # The library's text (NameResolutionError …) means nothing to a reader; say what happened.
                problem = "ingen förbindelse (nätverket saknas eller adressen kunde inte slås upp)"
                continue
            if response.status_code in RETRY_STATUSES:
                problem = f"HTTP {response.status_code} efter {attempt + 1} försök"
                continue
            if response.status_code == 404:
                return {"values": [], "not_found": True}
            if response.status_code >= 400:
                raise KoladaError(f"Kolada ({self.host}) svarade HTTP {response.status_code} för {url}.")
            return _decode(response, url)
        raise KoladaError(
            f"Kunde inte nå Kolada ({self.host}): {problem}. Kontrollera nätverket eller läs in en sparad "
            "svarsfil (på sidan: fliken ”Läs in sparad svarsfil”; på kommandoraden: --from-file)."
        )

    # paged resources
    def pages(self, url: str) -> list[dict]:
        """All pages of a list resource, following next_url until it is null or absent."""
        out: list[dict] = []
        seen: set[str] = set()
        while url and url not in seen and len(out) < MAX_PAGES:
            seen.add(url)
            page = self.get_json(url)
            if not isinstance(page, dict):
                raise KoladaError(f"Kolada gav ett oväntat svar för {url} (inte ett JSON-objekt).")
            out.append(page)
            url = page.get("next_url")
        return out

    def kpi(self, kpi_id: str) -> Optional[dict]:
        """KPI metadata (title, description, is_divided_by_gender, …); None when unknown."""
        values = [v for page in self.pages(f"{self.base}kpi/{kpi_id}") for v in page.get("values") or []]
        return next((v for v in values if isinstance(v, dict) and v.get("id") == kpi_id), None)

    def municipalities(self) -> dict[str, str]:
        """Kolada municipality id -> name (also Riket "0000" and regions)."""
        pages = self.pages(f"{self.base}municipality")
        return {str(v["id"]): str(v.get("title", "")) for p in pages for v in p.get("values") or [] if "id" in v}

    def data_urls(self, kpi_id: str, municipality_ids: Sequence[str], years: Sequence[int]) -> list[str]:
        ids = ",".join(municipality_ids)
        return [
            f"{self.base}data/kpi/{kpi_id}/municipality/{ids}/year/{','.join(str(y) for y in block)}"
            for block in chunks(sorted(set(years)), MAX_YEARS_PER_REQUEST)
        ]

    def data_pages(self, kpi_id: str, municipality_ids: Sequence[str], years: Sequence[int]) -> list[dict]:
        return [page for url in self.data_urls(kpi_id, municipality_ids, years) for page in self.pages(url)]


def _decode(response: Any, url: str) -> dict:
    try:
        return response.json()
    except ValueError as exc:
        raise KoladaError(f"Kolada gav ett svar som inte är giltig JSON för {url}: {exc}") from exc


@dataclass
class FetchResult:
    pages: list[dict] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)  # KPI id -> Kolada's title
    not_found: list[str] = field(default_factory=list)  # KPI ids Kolada does not know


def fetch_kpis(
    client: KoladaClient,
    kpi_ids: Iterable[str],
    municipality_ids: Sequence[str],
    years: Sequence[int],
    on_progress: Optional[Callable[[int, int, str], None]] = None,
) -> FetchResult:
    """Metadata and data pages for each KPI; ``on_progress(done, total, kpi_id)`` after each."""
    kpis = list(dict.fromkeys(kpi_ids))
    result = FetchResult()
    for number, kpi_id in enumerate(kpis, start=1):
        meta = client.kpi(kpi_id)
        if meta is None:
            result.not_found.append(kpi_id)
        else:
            result.titles[kpi_id] = str(meta.get("title", ""))
            result.pages.extend(client.data_pages(kpi_id, municipality_ids, years))
        if on_progress:
            on_progress(number, len(kpis), kpi_id)
    return result


# --- parsing (saved files and live pages alike) -------------------------------------

@dataclass(frozen=True)
class KoladaValue:
    kpi: str
    municipality: str
    period: str  # canonical year code, e.g. "2024"
    gender: str  # T, K or M
    value: Optional[float]  # None: missing in Kolada, never 0
    count: Optional[int]
    status: str  # Kolada's status flag, verbatim
    where: str = field(default="", compare=False)  # "svar.json, sida 1, rad 3": how messages name the row


def load_pages(text: str | bytes, name: str = "svarsfilen") -> list[dict]:
    """A saved response: one page dict or a list of pages, the same shape as the API."""
    if len(text) > MAX_FILE_BYTES:
        raise KoladaError(f"{name} är för stor ({len(text) // 1024 // 1024} MB); högst "
                          f"{MAX_FILE_BYTES // 1024 // 1024} MB per svarsfil. Inget har sparats.")
    try:
        data = json.loads(text, parse_float=_bounded_float, parse_int=_bounded_int, parse_constant=_no_constant)
    except RecursionError as exc:
        raise KoladaError(f"{name} är för djupt nästlad för att vara ett svar från Kolada; inget har sparats.") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise KoladaError(f"{name} är inte giltig JSON ({exc}); inget har sparats.") from exc
    if _depth(data) > MAX_DEPTH:
        raise KoladaError(f"{name} är nästlad djupare än {MAX_DEPTH} nivåer, vilket Koladas svar aldrig är; "
                          "inget har sparats.")
    pages = data if isinstance(data, list) else [data]
    if not pages or not all(isinstance(p, dict) and isinstance(p.get("values"), list) for p in pages):
        raise KoladaError(f"{name} har inte Koladas form: varje sida ska vara ett objekt med listan \"values\".")
    return pages


MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_DEPTH = 8  # page -> values -> row -> values -> value -> field: 6 in Kolada's answers
MAX_NUMBER = 1e15
MAX_INT_DIGITS = 18


def _bounded_float(text: str) -> float:
    number = float(text)
    if not -MAX_NUMBER <= number <= MAX_NUMBER:
        raise ValueError(f"talet {text[:20]} ligger utanför det tillåtna intervallet ±10^15")
    return number


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise ValueError(f"talet {text[:20]}… har fler än {MAX_INT_DIGITS} siffror")
    return int(text)


def _no_constant(text: str) -> float:
    raise ValueError(f"{text} är inget tal")


def _depth(data: Any) -> int:
    """Nesting depth, iteratively (the data already parsed, so it is bounded)."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            return deepest
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        stack.extend((child, level + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


def parse_pages(pages: Iterable[dict]) -> list[KoladaValue]:
    """Flatten data pages into one value per (kpi, municipality, year, gender); raises
    KoladaError naming every malformed row, so nothing half-valid is imported."""
    out: list[KoladaValue] = []
    problems: list[str] = []
    for page_no, page in enumerate(pages, start=1):
        for row_no, row in enumerate(page.get("values") or [], start=1):
            where = f"sida {page_no}, rad {row_no}"
            try:
                out.extend(replace(v, where=where) for v in _parse_row(row))
            except ValueError as exc:
                problems.append(f"{where}: {exc}")
    if problems:
        shown = "; ".join(problems[:10]) + (f" (och {len(problems) - 10} till)" if len(problems) > 10 else "")
        raise KoladaError(f"Felaktiga rader i Koladas svar; inget har sparats: {shown}")
    return out


def _parse_row(row: Any) -> list[KoladaValue]:
    if not isinstance(row, dict):
        raise ValueError("raden är inget objekt")
    kpi, municipality = row.get("kpi"), row.get("municipality")
    if not isinstance(kpi, str) or not kpi.strip():
        raise ValueError("KPI-id saknas")
    if not isinstance(municipality, (str, int)) or not str(municipality).strip():
        raise ValueError("kommun-id saknas")
    period = parse_period(row.get("period"))
    if not period.ok:
        raise ValueError(period.error)
    if period.value.kind != "year":
        raise ValueError(f"'{row.get('period')}' är inget år")
    values = row.get("values")
    if not isinstance(values, list):
        raise ValueError("listan \"values\" saknas")
    return [_parse_value(kpi.strip(), str(municipality).strip(), period.value.code, v) for v in values]


def _parse_value(kpi: str, municipality: str, period: str, item: Any) -> KoladaValue:
    if not isinstance(item, dict):
        raise ValueError("ett värde är inget objekt")
    gender = parse_gender(item.get("gender"))
    if not gender.ok:
        raise ValueError(gender.error)
    raw = item.get("value")
    value = None
    if raw is not None:
        number = parse_number(raw)
        if not number.ok:
            raise ValueError(number.error)
        value = number.value
    count = item.get("count")
    if count is not None and (isinstance(count, bool) or not isinstance(count, (int, float)) or count != int(count)):
        raise ValueError(f"antalet '{count}' är inget heltal")
    status = item.get("status")
    return KoladaValue(kpi, municipality, period, gender.value, value,
                       None if count is None else int(count), "" if status is None else str(status))
