import re
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wholestory.identity import group_table, name_groups, parse_table
from wholestory.identity import normalise_name as normalise


def _data_lines() -> list[tuple[int, str]]:
    text = resources.files("wholestory.identity").joinpath("nicknames.txt").read_text("utf-8")
    return [
        (number, line)
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.startswith("#")
    ]


def _share(a: str, b: str) -> bool:
    return bool(set(name_groups(a)) & set(name_groups(b)))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Jamie", "James"),
        ("Kellie", "Kelly"),
        ("Kelley", "Kelly"),
        ("Bill", "William"),
        ("Liam", "William"),
        ("Peggy", "Margaret"),
        ("Jon", "John"),
        ("Jack", "John"),
        ("Stephen", "Steven"),
        ("Katherine", "Catherine"),
        ("Kathryn", "Catherine"),
        ("Zoe", "Zoey"),
        ("Aiden", "Ayden"),
        ("Aidan", "Aiden"),
        ("Mohammed", "Muhammad"),
        ("Mohamed", "Mohammad"),
        ("Alex", "Alexander"),
        ("Alex", "Alexandra"),
        ("Chris", "Christopher"),
        ("Chris", "Christine"),
        ("Sam", "Samuel"),
        ("Sam", "Samantha"),
        ("Piotr", "Peter"),
        ("Padraig", "Patrick"),
        ("Tunde", "Babatunde"),
    ],
)
def test_variants_share_a_group(a: str, b: str) -> None:
    assert _share(a, b)
    assert _share(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("James", "Jane"),
        ("Kelly", "Kevin"),
        ("John", "Joan"),
        ("Alexander", "Alexandra"),
        ("Samuel", "Samantha"),
        ("John", "Sean"),
        ("Joseph", "Yusuf"),
    ],
)
def test_different_names_share_no_group(a: str, b: str) -> None:
    assert not _share(a, b)


def test_keys_are_the_formal_names_heading_groups() -> None:
    assert name_groups("bill") == ("william",)
    assert name_groups("alex") == ("alexander", "alexandra", "alexis")
    assert name_groups("william") == ("william",)


def test_unknown_and_empty_names_have_no_groups() -> None:
    assert name_groups("Zyxwq") == ()
    assert name_groups(None) == ()
    assert name_groups("") == ()
    assert name_groups("   ") == ()
    assert name_groups("-'-") == ()


def test_case_accents_and_spaces_are_normalised() -> None:
    assert name_groups("  ZOË ") == name_groups("zoe") == ("zoe",)
    assert name_groups("Chloé") == name_groups("chloe")
    assert name_groups("Łukasz") == name_groups("lukasz") == ("luke",)
    assert name_groups("Seán") == ("sean",)
    assert name_groups("D’Arcy") == name_groups("Darcy") == name_groups("d'arcy") == ("darcy",)
    assert normalise(" Mary\u00a0 Jane ") == "mary jane"
    assert normalise("Anne–Marie") == "anne-marie"


def test_double_names_answer_for_each_part() -> None:
    expected = tuple(sorted({*name_groups("mary"), *name_groups("jane")}))
    assert name_groups("Mary-Jane") == expected
    assert name_groups("mary jane") == expected
    assert name_groups("Mary  /  Jane") == expected
    assert "joanne" in name_groups("Jo-Anne")  # run together it is Joanne


@given(st.text(max_size=30))
def test_any_text_gives_sorted_known_keys(text: str) -> None:
    keys = name_groups(text)
    assert list(keys) == sorted(set(keys))
    table = group_table()
    assert all(key in table and key in table[key] for key in keys)


@given(st.text(max_size=30))
def test_normalise_is_idempotent_and_ascii(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once
    assert re.fullmatch(r"[a-z' -]*", once)


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("william Bill", "'Bill' is not a name"),
        ("zoë zoe", "'zoë' is not a name"),
        ("william  bill", "single spaces"),
        ("william bill ", "single spaces"),
        ("william\tbill", "is not a name"),
        ("william-", "is not a name"),
        ("william", "at least two names"),
        ("william bill billy bill", "bill appears twice"),
        ("kelly kellie", "already heads the group on line 2"),
    ],
)
def test_a_malformed_line_is_named_by_number(line: str, problem: str) -> None:
    text = f"# comment\nkelly kelley\n\n{line}\n"
    with pytest.raises(ValueError, match=r"test\.txt line 4:") as raised:
        parse_table(text, source="test.txt")
    assert problem in str(raised.value)


def test_parse_table_lists_every_group_of_a_name() -> None:
    table = parse_table("# names\nalexander alex sandy\nalexandra alex sandy\n\nsandra sandy\n")
    assert table["alex"] == ("alexander", "alexandra")
    assert table["sandy"] == ("alexander", "alexandra", "sandra")
    assert table["sandra"] == ("sandra",)


def test_the_file_starts_with_a_comment_and_has_enough_groups() -> None:
    text = resources.files("wholestory.identity").joinpath("nicknames.txt").read_text("utf-8")
    assert text.startswith("#")
    assert len(_data_lines()) >= 300


def test_every_name_in_the_file_is_allowed() -> None:
    for number, line in _data_lines():
        for name in line.split(" "):
            assert re.fullmatch(r"[a-z]+(?:['-][a-z]+)*", name), (number, name)


def test_no_group_is_duplicated() -> None:
    keys: dict[str, int] = {}
    members: dict[frozenset[str], int] = {}
    for number, line in _data_lines():
        names = line.split(" ")
        assert len(set(names)) == len(names), number
        assert names[0] not in keys, (number, keys.get(names[0]))
        assert frozenset(names) not in members, (number, members.get(frozenset(names)))
        keys[names[0]] = number
        members[frozenset(names)] = number


def test_the_table_loads_from_the_package() -> None:
    table = group_table()
    assert table["kellie"] == ("kelly",)
    table["kellie"] = ("kevin",)
    assert group_table()["kellie"] == ("kelly",)
    assert name_groups("kellie") == ("kelly",)
