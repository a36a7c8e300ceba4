"""Other names people go by: the cross-check generator's own nickname habits.

A child called Alexander on the GP register is "Sasha" at school and "Alex"
to the police; Małgorzata is "Gosia" at home and "Margaret" at the job centre.
This list is written for the cross-check alone and deliberately does not read
the product's nickname file: a link that only works because the generator
and the linker share a list measures nothing.
"""

from __future__ import annotations

import random
from typing import Final

#: Formal name -> names the same person is known by.
VARIANTS: Final[dict[str, tuple[str, ...]]] = {
    "Alexander": ("Alex", "Sasha", "Xander", "Alec"),
    "Aleksander": ("Olek", "Alex"),
    "Aleksandra": ("Ola", "Alex"),
    "Margaret": ("Maggie", "Peggy", "Meg"),
    "Elizabeth": ("Liz", "Beth", "Lizzie", "Betty"),
    "Katherine": ("Kate", "Katie", "Kathy"),
    "Catherine": ("Cath", "Cathy", "Kate"),
    "Kathleen": ("Kath", "Kathy"),
    "William": ("Will", "Billy", "Bill"),
    "Robert": ("Rob", "Bobby", "Robbie"),
    "Thomas": ("Tom", "Tommy"),
    "Daniel": ("Dan", "Danny"),
    "Joseph": ("Joe", "Joey"),
    "Samuel": ("Sam", "Sammy"),
    "Benjamin": ("Ben", "Benji"),
    "Jessica": ("Jess", "Jessie"),
    "Rebecca": ("Becky", "Becca"),
    "Victoria": ("Vicky", "Tori"),
    "Christopher": ("Chris", "Kit"),
    "Michael": ("Mike", "Mikey", "Mick"),
    "Jonathan": ("Jon", "Jonny"),
    "Matthew": ("Matt",),
    "Nicholas": ("Nick", "Nicky"),
    "Nicola": ("Nicky", "Nic"),
    "Charlotte": ("Charlie", "Lottie"),
    "Olivia": ("Liv", "Livvy"),
    "Isabella": ("Bella", "Izzy"),
    "Isabelle": ("Izzy", "Belle"),
    "Abigail": ("Abbie", "Abby"),
    "Amelia": ("Millie", "Mia"),
    "Samantha": ("Sam", "Sammie"),
    "Stephanie": ("Steph",),
    "Jennifer": ("Jen", "Jenny"),
    "Edward": ("Ed", "Eddie", "Ted"),
    "Theodore": ("Theo", "Teddy"),
    "Anthony": ("Tony", "Ant"),
    "Patrick": ("Paddy", "Pat"),
    "Richard": ("Rich", "Ricky"),
    "Andrew": ("Andy", "Drew"),
    "Steven": ("Steve", "Stevie"),
    "Harrison": ("Harry",),
    "Frankie": ("Frank",),
    "Muhammad": ("Mohammed", "Mohammad", "Muhammed", "Mo"),
    "Mohammed": ("Muhammad", "Mohamed", "Mo"),
    "Mohamed": ("Mohammed", "Mohamud"),
    "Zakariya": ("Zakaria", "Zak"),
    "Ibrahim": ("Ebrahim",),
    "Yusuf": ("Yousuf", "Yousef"),
    "Katarzyna": ("Kasia", "Kate"),
    "Małgorzata": ("Gosia", "Margaret"),
    "Wojciech": ("Wojtek",),
    "Krzysztof": ("Krzys", "Chris"),
    "Mateusz": ("Matt",),
    "Oluwaseun": ("Seun",),
    "Oluwadamilola": ("Dami", "Damilola"),
    "Oluwatobi": ("Tobi",),
    "Chukwuemeka": ("Emeka",),
    "Abimbola": ("Bola",),
    "Funmilayo": ("Funmi",),
    "Adaeze": ("Ada",),
    "Ifeoluwa": ("Ife",),
    "Siobhán": ("Shiv",),
    "Pádraig": ("Patrick", "Paddy"),
    "Seán": ("Shaun", "Shawn"),
    "Ciarán": ("Kieran",),
    "Bridget": ("Bridie",),
    "Hüseyin": ("Hussein",),
    "Ayşe": ("Aisha",),
    "Xiaoling": ("Ling",),
    "Hao": ("Howard",),
    "Wei": ("William",),
}


def known_as(given: str, rng: random.Random) -> str:
    """A name the person is known by instead of ``given``, or ``given`` if none."""
    options = VARIANTS.get(given)
    return rng.choice(options) if options else given


def has_variant(given: str) -> bool:
    return given in VARIANTS
