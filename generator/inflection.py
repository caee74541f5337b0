"""English singular and plural forms for feature names: people -> person, categories -> category.

Small on purpose: rules for the regular cases and tables for the words that break them. A name
the rules get wrong can always be given in the other form (`add-feature person`).
"""

import re

_IRREGULAR = {
    "person": "people",
    "child": "children",
    "man": "men",
    "woman": "women",
    "mouse": "mice",
    "goose": "geese",
    "foot": "feet",
    "tooth": "teeth",
    "ox": "oxen",
    "leaf": "leaves",
    "knife": "knives",
    "life": "lives",
    "wife": "wives",
    "half": "halves",
    "shelf": "shelves",
    "wolf": "wolves",
    "thief": "thieves",
    "quiz": "quizzes",
    "criterion": "criteria",
    "analysis": "analyses",
    "crisis": "crises",
    "thesis": "theses",
    "diagnosis": "diagnoses",
    "index": "indices",
    "matrix": "matrices",
    "vertex": "vertices",
    "datum": "data",
    "medium": "media",
    "movie": "movies",
    "cookie": "cookies",
    "tie": "ties",
    "pie": "pies",
    "shoe": "shoes",
    "gas": "gases",
    "alias": "aliases",
    "atlas": "atlases",
    "canvas": "canvases",
    "bias": "biases",
    "lens": "lenses",
    "hero": "heroes",
    "potato": "potatoes",
    "tomato": "tomatoes",
    "echo": "echoes",
    "canoe": "canoes",
}
_IRREGULAR_SINGULAR = {plural: singular for singular, plural in _IRREGULAR.items()}

_UNCOUNTABLE = frozenset(
    {
        "equipment",
        "information",
        "news",
        "series",
        "species",
        "feedback",
        "metadata",
        "software",
        "hardware",
        "inventory",
        "staff",
        "sheep",
        "fish",
        "deer",
        "money",
        "rice",
        "music",
        "traffic",
        "furniture",
        "luggage",
        "baggage",
        "evidence",
        "research",
    }
)

# (pattern, replacement), the first that matches wins.
_SINGULAR_RULES = [
    (r"(.*[^aeiou])ies$", r"\1y"),
    (r"(.*(?:ss|x|z|ch|sh|us|is))es$", r"\1"),
    (r"(.*[^aeiou]o)es$", r"\1"),  # heroes, potatoes
    (r"(.*(?:ss|us|is))$", r"\1"),  # already singular: address, status, analysis
    (r"(.+)s$", r"\1"),  # never to nothing: `s` stays `s`
]
_PLURAL_RULES = [
    (r"(.*[^aeiou])y$", r"\1ies"),
    (r"(.*(?:s|x|z|ch|sh))$", r"\1es"),
    (r"(.*)$", r"\1s"),
]


def _apply(rules: list[tuple[str, str]], word: str) -> str:
    for pattern, replacement in rules:
        match = re.fullmatch(pattern, word)
        if match:
            return match.expand(replacement)
    return word


def singularize(word: str) -> str:
    """The singular of a lower-case English noun (already singular nouns are kept)."""
    if word in _UNCOUNTABLE or word in _IRREGULAR:
        return word
    if word in _IRREGULAR_SINGULAR:
        return _IRREGULAR_SINGULAR[word]
    return _apply(_SINGULAR_RULES, word)


def pluralize(word: str) -> str:
    """The plural of a lower-case English noun (already plural nouns are kept)."""
    singular = singularize(word)
    if singular in _UNCOUNTABLE:
        return singular
    if singular in _IRREGULAR:
        return _IRREGULAR[singular]
    return _apply(_PLURAL_RULES, singular)
