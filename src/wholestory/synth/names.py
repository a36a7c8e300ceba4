"""Name lists for the synthetic partnership: common names, nicknames and places.

The lists are common English given names and surnames of the kind published in
birth-name and surname frequency tables: no list here describes a real person.
Nickname pairs are what makes the same child look like two people across
agencies (school records "Jamie", the GP "James"), which is exactly the noise
identity linking has to see through. Street and town names are invented.
"""

from __future__ import annotations

from typing import Final


def _words(text: str) -> tuple[str, ...]:
    """A whitespace-separated list, kept compact in the source."""
    return tuple(text.split())


def _pairs(text: str) -> tuple[tuple[str, str], ...]:
    """``formal:familiar`` items, whitespace-separated."""
    return tuple((a, b) for a, b in (item.split(":") for item in text.split()))


#: Given names of children born 2008-2026.
GIRLS: Final = _words(
    """
    Olivia Amelia Isla Ava Mia Isabella Sophia Grace Lily Freya Emily Ivy Ella Rosie Evie
    Florence Poppy Charlotte Willow Harper Sophie Jessica Chloe Ellie Lucy Katie Megan
    Hannah Holly Lauren Abigail Matilda Elizabeth Eleanor Evelyn Daisy Phoebe Sienna
    Millie Scarlett Ruby Maisie Erin Layla Zara Aisha Fatima Maryam Amira Hollie Summer
    Imogen Georgia Madison Alexandra Victoria Rebecca Samantha Jennifer Natalie Danielle
    Stephanie Kelly Kayleigh Jade Amy Leah Zoe Gabriella Isabelle Abbie Lola Esme Darcy
    Bethany Niamh Caitlin Molly Tilly Nancy Elsie Aria Luna Maya Hallie
    """
)
BOYS: Final = _words(
    """
    Oliver George Harry Noah Jack Leo Jacob Oscar Charlie Muhammad Mohammed Alfie Thomas
    Joshua James William Henry Freddie Archie Theo Theodore Arthur Lucas Isaac Ethan
    Daniel Samuel Joseph Benjamin Alexander Max Logan Mason Harrison Dylan Riley Tyler
    Lewis Callum Connor Kyle Jamie Liam Nathan Ryan Matthew Luke Michael Christopher
    Jonathan Nicholas Robert Richard Anthony Edward Frederick Alfred Zachary Jake Jayden
    Kai Reuben Toby Finley Ibrahim Yusuf Ali Adam Aaron Elliot Jenson Rory Sebastian
    Stanley Tommy Louis Ronnie Bobby Teddy Albie Harvey Brandon
    """
)
#: Given names of parents and partners (born roughly 1965-2008).
WOMEN: Final = _words(
    """
    Sarah Emma Laura Gemma Claire Lisa Michelle Kelly Kellie Rachel Nicola Hayley Stacey
    Amy Jade Danielle Natalie Stephanie Samantha Rebecca Victoria Jennifer Elizabeth
    Catherine Katherine Deborah Susan Patricia Margaret Joanne Louise Leanne Kirsty
    Charlotte Jessica Hannah Lauren Chloe Sophie Amber Zoe Aimee Chantelle Kimberley
    Abigail Jodie Nadia Fatima Ayesha Shabana Yasmin Amina Joanna Karen Tracey Donna
    Lindsay Kayleigh Megan Bethany
    """
)
MEN: Final = _words(
    """
    David Mark Paul Andrew Daniel Lee Craig Darren Jason Wayne Stephen Michael Christopher
    Matthew James John Robert Richard Thomas William Anthony Jonathan Nicholas Benjamin
    Joseph Samuel Edward Kevin Gary Dean Scott Adam Ryan Liam Jamie Carl Shaun Ashley Luke
    Nathan Kieran Jordan Aaron Mohammed Imran Tariq Asif Kyle Callum Connor Martin Peter
    Simon Neil Gavin Alexander Frederick Charles Philip
    """
)
SURNAMES: Final = _words(
    """
    Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson
    Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel
    Jackson Wood Turner Martin Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison
    Morgan Allen James Scott Phillips Watson Davis Parker Price Bennett Young Griffiths
    Mitchell Kelly Cook Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox
    Richards Khan Marshall Anderson Simpson Ellis Adams Singh Begum Wilkinson Foster
    Chapman Powell Webb Rogers Gray Mason Ali Hunt Hussain Campbell Matthews Owen Palmer
    Holmes Mills Barnes Knight Lloyd Butler Russell Barker Fisher Stevens Jenkins Murray
    Dixon Harvey Graham Pearson Ahmed Fletcher Walsh Kaur Gibson Howard Andrews Stewart
    Elliott Reynolds Saunders Payne Fox Ford Pearce Day Brooks West Lawrence Cole Atkinson
    Bradley Spencer Gill Dawson Ball Burton O'Brien Watts Rose Booth Perry Ryan Grant
    Wells Armstrong Francis Rees Hayes Hart Hudson Newman Barrett Webster Hunter Gregory
    Carr Lowe Page Marsh Riley Dunn Woods Parsons Berry Stone Reid Holland Hawkins Harding
    Porter Robertson Newton Oliver Reed Kennedy Williamson Bird Gardner Shah Dean Lane
    Cooke Bates Henderson Parry Burgess Bishop Walton Burns Nicholson Shepherd Ross Cross
    Long Freeman Warren Nicholls Hamilton Byrne Sutton McDonald Yates Hodgson Robson
    Curtis Hopkins O'Connor Harper Coleman Watkins Moss McCarthy Chambers O'Neill Griffin
    """
)

#: (formal, familiar) pairs: how one given name is written differently by agencies.
#: Spelling variants (Mohammed/Muhammad) are included: they behave the same way.
NICKNAME_PAIRS: Final = _pairs(
    """
    James:Jamie James:Jim William:Bill William:Will William:Billy Elizabeth:Liz
    Elizabeth:Beth Elizabeth:Lizzie Mohammed:Mo Mohammed:Muhammad Mohammed:Mohammad
    Muhammad:Mohammed Kelly:Kellie Catherine:Cathy Catherine:Kate Katherine:Kate
    Katherine:Katie Thomas:Tom Thomas:Tommy Daniel:Dan Daniel:Danny Michael:Mike
    Michael:Mikey Christopher:Chris Matthew:Matt Joseph:Joe Samuel:Sam Benjamin:Ben
    Alexander:Alex Nicholas:Nick Jonathan:Jon Robert:Rob Robert:Bobby Richard:Rich
    Anthony:Tony Edward:Eddie Edward:Ted Charles:Charlie Henry:Harry Jacob:Jake
    Joshua:Josh Oliver:Ollie Alfred:Alfie Frederick:Freddie Theodore:Theo Zachary:Zac
    Nathan:Nate Lewis:Louis Jessica:Jess Rebecca:Becky Samantha:Sam Victoria:Vicky
    Jennifer:Jenny Abigail:Abbie Amelia:Millie Isabella:Bella Isabelle:Izzy
    Charlotte:Lottie Eleanor:Ellie Gabriella:Gabby Olivia:Liv Florence:Flo Margaret:Maggie
    Patricia:Trish Susan:Sue Deborah:Debbie Stephanie:Steph Natalie:Nat Danielle:Dani
    Nicola:Nikki Kimberley:Kim Georgia:Georgie Madison:Maddie Matilda:Tilly Evelyn:Evie
    Alexandra:Alex Zoe:Zoey Kayleigh:Kayley Jade:Jayde Aimee:Amy Chantelle:Shantelle
    Hollie:Holly Stephen:Steve Andrew:Andy David:Dave Peter:Pete Kieran:Keiran Shaun:Sean
    Lindsay:Lindsey Tracey:Tracy Joanne:Jo
    """
)


def _variants() -> dict[str, tuple[str, ...]]:
    """Both directions of every pair: the true name may be the familiar one."""
    table: dict[str, list[str]] = {}
    for formal, familiar in NICKNAME_PAIRS:
        table.setdefault(formal, []).append(familiar)
        table.setdefault(familiar, []).append(formal)
    return {name: tuple(dict.fromkeys(alts)) for name, alts in sorted(table.items())}


#: Given name -> the other ways an agency may write it.
NAME_VARIANTS: Final[dict[str, tuple[str, ...]]] = _variants()

#: First words of invented street names.
STREET_WORDS: Final = _words(
    """
    Wrenfield Larkspur Hazelmere Copperbeech Ashgrove Thornbury Kestrel Millbrook Foxglove
    Brackenridge Oakhurst Willowmead Sandpiper Elmstead Rowanberry Hollowell Badger
    Cinderford Marlowe Birchwood Heronsgate Quarrybank Nettlebed Brambleside Cobblestone
    Daisyfield Fernhill Goldthorn Harebell Ivydene Juniper Kingfisher Lavender Meadowsweet
    Nightingale Orchardleigh Primrose Quillwood Redwing Skylark Tansy Upperfold Violetbank
    Waterlily Yarrow Alderbrook Blackthorn Chestnut Dovecote Eastfold Fieldfare Greenfinch
    Hawthorn Inglenook Jasmine
    """
)
STREET_KINDS: Final = _words("Road Street Close Avenue Lane Drive Way Crescent Grove Court")
#: Invented towns of the fictional partnership, one per postcode district.
TOWNS: Final = tuple(
    town.strip()
    for town in [
        "\n    Eastwick Vale",
        " Northam Cross",
        " Lower Brindley",
        " Saltmarsh",
        " Kingsholt",
        " Ashby Fen",
        "\n    Harlow Green",
        " Westmoor",
        " Fennick",
        " Caddington Row",
        " Oldbridge",
        " Thornleigh",
        " Stoneham Parva",
        "\n    Marlbury",
        " Wexcombe",
        " Little Haddow",
        " Brightwell End",
        " Coldharbour",
        " Dunmere",
        " Elsworth Heath\n    ",
    ]
)
