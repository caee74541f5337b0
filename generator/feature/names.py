"""A feature's names in every form the generated code needs, from what the user typed."""

import keyword
import re
from dataclasses import dataclass

from generator.core.errors import InvalidInput
from generator.feature import reserved
from generator.feature.inflection import pluralize, singularize

# Words of a name in any case style; digits stay with the word before them (v2-items: v2, items).
_WORDS = re.compile(r"[A-Z]+[0-9]*(?=[A-Z][a-z])|[A-Z]?[a-z]+[0-9]*|[A-Z]+[0-9]*|[0-9]+")


def pascal(snake: str) -> str:
    return "".join(part.capitalize() for part in snake.split("_"))


@dataclass(frozen=True)
class FeatureNames:
    """Every name a feature needs, derived from what the user typed."""

    plural: str
    """Package, table and module name: `order_items`."""
    singular: str
    """A variable holding one row: `order_item`."""

    @property
    def class_name(self) -> str:
        return pascal(self.singular)

    @property
    def url(self) -> str:
        return self.plural.replace("_", "-")

    @property
    def title(self) -> str:
        """For messages: `Order item`."""
        return self.singular.replace("_", " ").capitalize()

    @property
    def a_title(self) -> str:
        """For messages: `an order item`."""
        article = "an" if self.singular[0] in "aeiou" else "a"
        return f"{article} {self.title.lower()}"

    @property
    def plural_title(self) -> str:
        return self.plural.replace("_", " ")

    @property
    def id_param(self) -> str:
        return f"{self.singular}_id"


def feature_names(plural: str) -> FeatureNames:
    return FeatureNames(plural=plural, singular=singularize_snake(plural))


def singularize_snake(snake: str) -> str:
    """`order_items` -> `order_item`: only the last word changes number."""
    *head, last = snake.split("_")
    return "_".join([*head, singularize(last)])


def parse_feature_name(raw: str) -> FeatureNames:
    """`orders`, `order`, `order-items`, `OrderItem`, `people` -> names in every form needed."""
    text = raw.strip()
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", text):
        problem = "must start with a letter" if text[:1].isdigit() else "is not a valid name"
        raise InvalidInput(
            f"Feature name '{raw}' {problem}; use letters, digits, '-' or '_', e.g. 'order-items'."
        )
    if len(text) > reserved.MAX_NAME_LENGTH:
        raise InvalidInput(
            f"Feature name '{raw}' is longer than {reserved.MAX_NAME_LENGTH} characters; "
            "choose a shorter one."
        )
    words = [word.lower() for word in _WORDS.findall(text)]
    snake = "_".join(words)
    *head, last = words
    plural = "_".join([*head, pluralize(last)])
    names = feature_names(plural)
    for candidate in sorted({snake, plural, names.singular}):
        if keyword.iskeyword(candidate):
            raise InvalidInput(f"Feature name '{raw}' gives '{candidate}', a Python keyword.")
    if plural in reserved.FEATURES or snake in reserved.FEATURES:
        raise InvalidInput(f"Feature name '{raw}' is taken by the project itself.")
    ambiguous = {names.singular, names.class_name} & reserved.AMBIGUOUS
    if ambiguous:
        raise InvalidInput(
            f"Feature name '{raw}' gives '{ambiguous.pop()}', a name ruff refuses as too easily "
            "read as 1 or 0 (E741, E742); choose another."
        )
    if names.singular in reserved.SINGULARS:
        raise InvalidInput(
            f"Feature name '{raw}' gives '{names.singular}', a name the generated code uses "
            "for something else; choose another."
        )
    return names


def target_names(target: str) -> FeatureNames:
    """The names of a referenced feature; `users` is reserved for new features, not for refs."""
    if target.lower() == "users":
        return feature_names("users")
    return parse_feature_name(target)
