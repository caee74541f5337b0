"""Singular and plural nouns, and the names a feature gets from what the user typed."""

import pytest

from generator.core.errors import InvalidInput
from generator.feature import parse_feature_name
from generator.feature.inflection import pluralize, singularize

PAIRS = [
    ("order", "orders"),
    ("person", "people"),
    ("category", "categories"),
    ("status", "statuses"),
    ("address", "addresses"),
    ("box", "boxes"),
    ("company", "companies"),
    ("movie", "movies"),
    ("hero", "heroes"),
    ("news", "news"),
    ("day", "days"),
    ("key", "keys"),
    ("bus", "buses"),
    ("match", "matches"),
    ("wish", "wishes"),
    ("quiz", "quizzes"),
    ("photo", "photos"),
    ("shoe", "shoes"),
    ("child", "children"),
    ("analysis", "analyses"),
    ("leaf", "leaves"),
    ("series", "series"),
    ("equipment", "equipment"),
]


@pytest.mark.parametrize(("singular", "plural"), PAIRS)
def test_pairs(singular: str, plural: str) -> None:
    assert pluralize(singular) == plural
    assert singularize(plural) == singular


@pytest.mark.parametrize(("singular", "plural"), PAIRS)
def test_each_form_is_kept_when_already_there(singular: str, plural: str) -> None:
    assert pluralize(plural) == plural
    assert singularize(singular) == singular


@pytest.mark.parametrize(("singular", "plural"), [("gas", "gases"), ("alias", "aliases")])
def test_words_ending_in_as(singular: str, plural: str) -> None:
    assert singularize(plural) == singular
    assert singularize(singular) == singular


# raw -> plural (package, table), singular, class name, URL path
FEATURE_NAMES = [
    ("orders", "orders", "order", "Order", "orders"),
    ("order", "orders", "order", "Order", "orders"),
    ("Order", "orders", "order", "Order", "orders"),
    ("ORDERS", "orders", "order", "Order", "orders"),
    (" orders ", "orders", "order", "Order", "orders"),
    ("order-items", "order_items", "order_item", "OrderItem", "order-items"),
    ("order-item", "order_items", "order_item", "OrderItem", "order-items"),
    ("OrderItem", "order_items", "order_item", "OrderItem", "order-items"),
    ("OrderItems", "order_items", "order_item", "OrderItem", "order-items"),
    ("order_items", "order_items", "order_item", "OrderItem", "order-items"),
    ("people", "people", "person", "Person", "people"),
    ("person", "people", "person", "Person", "people"),
    ("Person", "people", "person", "Person", "people"),
    ("categories", "categories", "category", "Category", "categories"),
    ("statuses", "statuses", "status", "Status", "statuses"),
    ("status", "statuses", "status", "Status", "statuses"),
    ("addresses", "addresses", "address", "Address", "addresses"),
    ("news", "news", "news", "News", "news"),
    ("HTTPRequests", "http_requests", "http_request", "HttpRequest", "http-requests"),
    ("sales-people", "sales_people", "sales_person", "SalesPerson", "sales-people"),
]


@pytest.mark.parametrize(("raw", "plural", "singular", "class_name", "url"), FEATURE_NAMES)
def test_feature_names(raw: str, plural: str, singular: str, class_name: str, url: str) -> None:
    names = parse_feature_name(raw)
    assert (names.plural, names.singular, names.class_name, names.url) == (
        plural,
        singular,
        class_name,
        url,
    )


def test_derived_names_for_messages_and_parameters() -> None:
    names = parse_feature_name("order-items")
    assert names.id_param == "order_item_id"
    assert names.title == "Order item"
    assert names.a_title == "an order item"
    assert names.plural_title == "order items"
    assert parse_feature_name("people").a_title == "a person"


REFUSED = [
    ("9lives", "must start with a letter"),
    ("", "is not a valid name"),
    ("   ", "is not a valid name"),
    ("order items", "is not a valid name"),
    ("orders!", "is not a valid name"),
    ("-orders", "is not a valid name"),
    ("class", "a Python keyword"),
    ("classes", "gives 'class', a Python keyword"),
    ("import", "a Python keyword"),
    ("users", "taken by the project itself"),
    ("user", "taken by the project itself"),
    ("Users", "taken by the project itself"),
    ("auth", "taken by the project itself"),
    ("core", "taken by the project itself"),
    ("health", "taken by the project itself"),
    ("tests", "taken by the project itself"),
    ("migrations", "taken by the project itself"),
    ("sessions", "gives 'session', a name the generated code uses"),
    ("queries", "gives 'query', a name the generated code uses"),
]


@pytest.mark.parametrize(("raw", "why"), REFUSED)
def test_refused_feature_names(raw: str, why: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_feature_name(raw)
    message = caught.value.message
    assert message.startswith(f"Feature name '{raw}' "), message
    assert why in message


@pytest.mark.parametrize(("raw", "plural", "url"), [("v2-items", "v2_items", "v2-items")])
def test_digits_stay_in_their_word(raw: str, plural: str, url: str) -> None:
    names = parse_feature_name(raw)
    assert (names.plural, names.url) == (plural, url)
