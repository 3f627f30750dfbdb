"""Records, prepared names and hits of watchlist matching (pure Python, no Django)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from masar.screening.scoring import TokenMatch

__all__ = ["Hit", "PreparedName", "TokenMatch", "WatchlistRecord"]


@dataclass(slots=True)
class WatchlistRecord:
    """One watchlist entry as loaded from a list version.

    ``names`` holds the primary name first, then aliases, in any script.
    ``birth_date`` is ``"YYYY"``, ``"YYYY-MM"`` or ``"YYYY-MM-DD"``;
    ``nationality`` an ISO 3166 alpha-3 or alpha-2 code.
    """

    entry_id: str
    names: list[str]
    birth_date: str | None = None
    nationality: str | None = None


@dataclass(frozen=True, slots=True)
class Hit:
    """A watchlist entry whose score reached the threshold, with the reasons why."""

    entry_id: str
    matched_alias: str
    score: float
    name_score: float
    birth_date_adjustment: float
    birth_date_reason: str
    nationality_adjustment: float
    nationality_reason: str
    rarity_adjustment: float
    rarity_reason: str
    expected_chance_matches: float
    token_matches: tuple[TokenMatch, ...]
    unmatched_query_tokens: tuple[str, ...]
    unmatched_entry_tokens: tuple[str, ...]
    disagreement_adjustment: float = 0.0
    disagreement_reason: str = "no name part disagrees"

    def explain(self) -> dict[str, Any]:
        """JSON-serializable account of the score: token pairs and adjustments."""
        return {
            "entry_id": self.entry_id,
            "matched_alias": self.matched_alias,
            "score": round(self.score, 2),
            "name_score": round(self.name_score, 2),
            "token_pairs": [
                {
                    "query_token": m.query_token,
                    "entry_token": m.entry_token,
                    "how": m.how,
                    "ratio": round(m.ratio, 2),
                }
                for m in self.token_matches
            ],
            "unmatched_query_tokens": list(self.unmatched_query_tokens),
            "unmatched_entry_tokens": list(self.unmatched_entry_tokens),
            "birth_date": {
                "adjustment": self.birth_date_adjustment,
                "reason": self.birth_date_reason,
            },
            "nationality": {
                "adjustment": self.nationality_adjustment,
                "reason": self.nationality_reason,
            },
            "name_rarity": {
                "adjustment": round(self.rarity_adjustment, 2),
                "reason": self.rarity_reason,
                "expected_chance_matches": float(f"{self.expected_chance_matches:.3g}"),
            },
            "name_parts": {
                "adjustment": self.disagreement_adjustment,
                "reason": self.disagreement_reason,
            },
        }


class PreparedName(NamedTuple):
    """Tokens of a name with their phonetic keys and weights, ready for scoring."""

    tokens: tuple[str, ...]
    keys: tuple[str, ...]
    weights: tuple[float, ...]
