"""English singular and plural forms for feature names: people -> person, categories -> category.

The rules and tables are those of the `inflection` package (a port of Rails' inflector). It
imports in milliseconds, where `inflect` takes about two seconds (it type-checks itself on
import), which add-feature cannot afford. A name the rules get wrong can be given in the
other form (`add-feature person`).
"""

import inflection

# Nouns Rails' tables get wrong (heros, leafs; gases -> gase, gas -> ga), answered first.
_CORRECTIONS = {"hero": "heroes", "leaf": "leaves", "gas": "gases"}
_CORRECTED_SINGULARS = {plural: singular for singular, plural in _CORRECTIONS.items()}


def singularize(word: str) -> str:
    """The singular of a lower-case English noun (already singular nouns are kept)."""
    if word in _CORRECTIONS:
        return word
    # Never to nothing: Rails takes `s` for a plural ending and leaves `` of it.
    return _CORRECTED_SINGULARS.get(word) or str(inflection.singularize(word)) or word


def pluralize(word: str) -> str:
    """The plural of a lower-case English noun (already plural nouns are kept)."""
    singular = singularize(word)
    return _CORRECTIONS.get(singular) or str(inflection.pluralize(singular))
