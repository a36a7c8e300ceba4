"""Names of a diverse UK population, written for the cross-check generator alone.

The linking was tuned on the main generator's names and the product's own
nickname list; measuring it on those again would flatter it. These lists are
separate on purpose: other origins, other spellings, names with accents,
Polish surnames that change with sex, South Asian title surnames (Begum, Kaur)
that a mother carries and her children do not.

Each list runs from common to rare, and names are drawn with weights that fall
away like a real population's (a few names common, most rare: Smith about one
person in fifty, Noah about one boy in thirty), so that common names recur
across unrelated families as they do in life.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Final


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _zipf(count: int, skew: float) -> tuple[float, ...]:
    """Cumulative weights for ``count`` names, the first the commonest."""
    return tuple(accumulate(1.0 / (rank + 2) ** skew for rank in range(count)))


@dataclass(frozen=True)
class NameList:
    """Names with their cumulative draw weights, so a draw is one bisect."""

    names: tuple[str, ...]
    skew: float = 0.4
    weights: tuple[float, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "weights", _zipf(len(self.names), self.skew))

    def draw(self, rng: random.Random) -> str:
        return rng.choices(self.names, cum_weights=self.weights)[0]


@dataclass(frozen=True)
class Origin:
    """The names of one heritage group: adults' and children's generations differ."""

    key: str
    share: float
    women: NameList
    men: NameList
    girls: NameList
    boys: NameList
    families: NameList
    #: family names some women carry in place of the family's (Begum, Kaur)
    women_titles: tuple[str, ...] = ()
    #: how often a person of this origin is recorded with given and family swapped
    swap_bias: float = 0.0

    def given(self, rng: random.Random, sex: str, child: bool) -> str:
        if sex == "F":
            return (self.girls if child else self.women).draw(rng)
        return (self.boys if child else self.men).draw(rng)


def _origin(
    key: str,
    share: float,
    women: str,
    men: str,
    girls: str,
    boys: str,
    families: str,
    *,
    women_titles: tuple[str, ...] = (),
    swap_bias: float = 0.0,
) -> Origin:
    return Origin(
        key,
        share,
        NameList(_words(women)),
        NameList(_words(men)),
        NameList(_words(girls)),
        NameList(_words(boys)),
        NameList(_words(families), skew=0.5),
        women_titles,
        swap_bias,
    )


ORIGINS: Final[tuple[Origin, ...]] = (
    _origin(
        "white_british",
        0.66,
        """Sarah Emma Laura Claire Lisa Rebecca Gemma Kelly Nicola Michelle Amy Hannah
        Rachel Louise Samantha Jessica Stacey Jennifer Katie Joanne Victoria Charlotte Donna
        Natalie Lauren Kerry Helen Leanne Danielle Zoe Jade Hayley Amanda Jodie Stephanie
        Katherine Catherine Margaret Elizabeth Karen Tracey Sophie Chloe Kirsty Melissa""",
        """David James Daniel Michael Christopher Matthew Mark Paul Andrew Richard Robert
        Thomas Steven Lee Jonathan Craig Ryan Adam Stuart Darren Jamie Carl Gary Dean Wayne
        Anthony Simon Ben Luke Liam Scott Kevin Jason Neil Alexander William Nicholas Samuel
        Joseph Edward Shane Kieran""",
        """Olivia Amelia Isla Ava Mia Ivy Lily Isabella Rosie Sophia Grace Freya Willow
        Florence Emily Ella Poppy Evie Elsie Charlotte Evelyn Sienna Daisy Phoebe Sophie Alice
        Harper Matilda Ruby Emilia Maya Millie Isabelle Erin Esme Lucy Jessica Scarlett Eliza
        Layla Hallie Imogen Thea Chloe Ellie Abigail Molly Holly Katie Megan Lola Maisie
        Harriet Bethany Hollie Keira Emma""",
        """Noah Oliver George Arthur Leo Harry Oscar Archie Henry Theodore Freddie Jack
        Charlie Theo Alfie Jacob Thomas Finley Arlo Lucas Tommy Isaac Edward Albert Reggie
        Teddy Joshua Max Alexander William James Riley Jaxon Ethan Mason Logan Dylan Harrison
        Samuel Daniel Joseph Toby Louie Kai Jayden Tyler Callum Bailey Ronnie Frankie
        Benjamin Jenson Rory""",
        """Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts
        Robinson Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke
        Jackson Wood Turner Martin Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison
        Morgan Allen James Scott Phillips Watson Davis Parker Price Bennett Young Griffiths
        Mitchell Kelly Cook Carter Richardson Bailey Collins Bell Shaw Miller Cox Richards
        Marshall Anderson Simpson Ellis Adams Wilkinson Foster Chapman Powell Webb Rogers Gray
        Mason Hunt Holmes Palmer Lloyd Barker Reynolds Butler Stevens Dixon Knight Fisher
        Barnes Harvey Jenkins Pearson Hunter Russell Rowland Rowlands Stephens Stephenson
        Gibson Matthews Mills Owen Fletcher Wells Lawrence Atkinson Pearce Dawson Armstrong
        Burton Hudson Howard Spencer Ford Holland Sutton Parsons Hopkins Nicholson Ashworth
        Greenwood Hargreaves Sutcliffe Whitehead Ingram Thomson Macdonald Fraser Robertson
        Pritchard Jarvis Hodgson Pickering Brooks Dunn Rees Howells Pugh Bevan Atherton
        Fairclough Entwistle Ollerenshaw""",
    ),
    _origin(
        "south_asian",
        0.10,
        """Fatima Ayesha Sana Amina Zainab Maryam Nadia Saima Shazia Farzana Rukhsana
        Nasreen Shabana Rubina Samina Yasmin Bushra Asma Hina Sadia Priya Anjali Pooja Sunita
        Kiran Neha Harpreet Manpreet Jaspreet Rajinder Nusrat Shahnaz Taslima Parveen""",
        """Mohammed Muhammad Imran Asif Tariq Shahid Zubair Adnan Kamran Naveed Faisal Amir
        Bilal Usman Abdul Ali Hassan Rizwan Sajid Wasim Rahul Sanjay Vikram Arjun Amit Rajesh
        Gurpreet Harjit Sukhdev Mandeep Shahidul Rezaul Jahangir Mizanur""",
        """Aisha Maryam Zara Hafsa Inaaya Eshal Aleena Anaya Haniya Khadija Safa Zoya Amira
        Hiba Sumaya Noor Riya Anika Simran Jasleen Mehreen Alisha Iqra Laiba""",
        """Muhammad Mohammed Ibrahim Yusuf Zayn Ayaan Adam Musa Hamza Zakariya Ismail Ahmed
        Rayyan Idris Arham Hassan Aryan Dev Arjun Rohan Harvir Jai Abdullah Zain""",
        """Khan Hussain Ahmed Ali Patel Akhtar Iqbal Mahmood Rahman Shah Hussein Mirza Malik
        Butt Raja Chaudhry Aslam Sharif Singh Sharma Kumar Gill Sandhu Uddin Islam Miah
        Chowdhury Mistry Parmar Bhatti Rashid Qureshi Anwar Siddiqui""",
        women_titles=("Begum", "Bibi", "Kaur"),
    ),
    _origin(
        "black_african",
        0.045,
        """Blessing Precious Grace Faith Chiamaka Ngozi Adaeze Funmilayo Oluwaseun Abimbola
        Folake Adwoa Akosua Ama Abena Fadumo Hodan Amina Sahra Nyasha Tendai Chipo Ruth
        Esther Mercy""",
        """Emmanuel Samuel Daniel Oluwaseun Adebayo Olumide Chukwuemeka Obinna Chinedu Kwame
        Kofi Kwabena Yaw Abdi Mohamed Ahmed Abdirahman Farhan Tatenda Tinashe Joseph Michael
        Godfrey""",
        """Precious Favour Blessing Zara Amara Adaeze Chidera Tiwatope Oluwadamilola Ayomide
        Ifeoluwa Nana Efua Ikram Hibaq Ruqiya Tanaka Nyasha Kemi Temi""",
        """David Daniel Joshua Emmanuel Samuel Oluwatobi Ayomide Chidi Tobenna Kwame Kobina
        Abdirahman Mohamed Ilyas Tatenda Tanaka Jayden Elijah Nathaniel Caleb""",
        """Okafor Okonkwo Adeyemi Oluwole Adebayo Okeke Eze Nwosu Obi Ogunleye Afolabi Mensah
        Owusu Asante Boateng Osei Appiah Mohamed Abdi Hassan Warsame Moyo Ncube Chikwanha
        Mutasa Banda Phiri""",
        swap_bias=0.03,
    ),
    _origin(
        "black_caribbean",
        0.025,
        """Sharon Marcia Paulette Simone Donna Natasha Keisha Shanice Tanisha Beverley Janet
        Claudette Andrea Nicole Chantelle Jade""",
        """Marlon Delroy Winston Leroy Andre Carlton Trevor Dwayne Jermaine Tyrone Clive
        Errol Jerome Kareem Nathan Lloyd""",
        """Tia Leah Jada Amani Nia Aaliyah Kiara Mya Serena Shanaya""",
        """Jayden Malachi Kai Tyrese Jaheim Elijah Josiah Isaiah Reuben Kemar Ezekiel
        Nathaniel""",
        """Campbell Brown Williams Grant Francis Clarke Thomas Morgan Henry Reid Gordon Bailey
        Forbes Lewis McKenzie Samuels Walters Bennett Powell Richards Edwards Stewart""",
    ),
    _origin(
        "eastern_european",
        0.05,
        """Anna Katarzyna Agnieszka Magdalena Joanna Małgorzata Monika Ewa Aleksandra
        Natalia Marta Justyna Ioana Elena Andreea Maria Mihaela Alina Cristina Ramona Jurgita
        Rasa Kristina""",
        """Piotr Tomasz Paweł Krzysztof Michał Łukasz Marcin Grzegorz Jakub Mateusz Wojciech
        Kamil Andrei Alexandru Ionuț Florin Mihai Adrian Bogdan Tomas Mindaugas Darius
        Marius""",
        """Zuzanna Julia Zofia Maja Lena Hanna Amelia Oliwia Alicja Wiktoria Sofia Ana Daria
        Bianca Ema Patricija Gabija Emilia""",
        """Antoni Jan Aleksander Franciszek Szymon Filip Jakub Kacper Mikołaj Wiktor Stefan
        David Luca Matei Rareș Luka Dominik Nojus""",
        """Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński
        Szymański Woźniak Dąbrowski Kozłowski Jankowski Mazur Kwiatkowski Krawczyk Piotrowski
        Grabowski Nowakowski Pawłowski Popescu Ionescu Popa Pop Radu Dumitru Stan Stoica
        Gheorghe Matei Constantin Kazlauskas Petrauskas Jankauskas""",
    ),
    _origin(
        "irish",
        0.04,
        """Siobhán Aoife Niamh Ciara Sinéad Áine Orla Róisín Caoimhe Mary Bridget Kathleen
        Eileen Maeve Gráinne Deirdre Clodagh Shauna Aisling Sorcha""",
        """Seán Patrick Ciarán Declan Cormac Darragh Eoin Pádraig Conor Liam Kevin Brendan
        Colm Fergal Niall Ronan Cathal Oisín Dermot Eamon""",
        """Aoife Saoirse Niamh Caoimhe Ciara Róisín Ava Éabha Clodagh Aisling Orla Nora""",
        """Oisín Cillian Fionn Tadhg Darragh Conor Seán Rían Odhrán Cian Eoin Niall""",
        """Murphy Kelly O'Sullivan Walsh O'Brien Byrne Ryan O'Connor O'Neill Doyle McCarthy
        Gallagher O'Doherty Kennedy Lynch Murray Quinn Moore McLaughlin Carroll Connolly Daly
        O'Connell Brennan Burke Collins Fitzgerald McGrath Nolan Keane""",
    ),
    _origin(
        "turkish_kurdish_arab",
        0.02,
        """Elif Zeynep Ayşe Fatma Emine Hatice Leyla Nour Rania Huda Layla Dilan""",
        """Mehmet Mustafa Ahmet Hüseyin Murat Emre Yusuf Omar Karim Khalid Rebwar Hawre""",
        """Elif Zeynep Defne Eylül Azra Lina Sara Yasmin Mila Rojin""",
        """Yusuf Emir Ömer Kerem Eymen Adam Omar Ali Rêbaz Baran""",
        """Yilmaz Kaya Demir Şahin Çelik Yıldız Aydın Öztürk Arslan Doğan Al-Sayed Haddad
        Mahmoud Abdullah Rahimi Karimi Ahmadi Hosseini""",
        swap_bias=0.02,
    ),
    _origin(
        "chinese",
        0.015,
        """Mei Ling Xiu Ying Hui Jing Yan Lan Fang Jenny Amy""",
        """Wei Jun Hao Ming Jian Tao Lei Kevin Jason Chi""",
        """Chloe Emily Zoe Mia Jasmine Lily Xinyi Yutong Ruoxi""",
        """Ethan Lucas Ryan Zihan Haoran Yuxuan Jayden Ivan""",
        """Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Lin Ng Wong Chan Cheung Lam
        Leung""",
        swap_bias=0.08,
    ),
)

_ORIGIN_WEIGHTS: Final = tuple(accumulate(o.share for o in ORIGINS))


def draw_origin(rng: random.Random) -> Origin:
    """A heritage group, in proportion to the partnership's population."""
    return rng.choices(ORIGINS, cum_weights=_ORIGIN_WEIGHTS)[0]


#: Polish surnames change ending with sex: Kowalski, Kowalska.
_FEMININE_ENDINGS: Final = (("ski", "ska"), ("cki", "cka"), ("dzki", "dzka"))


def family_name_for(family: str, sex: str) -> str:
    """The form of a family name a person of this sex carries (Kowalska for a woman)."""
    if sex != "F":
        return family
    for male, female in _FEMININE_ENDINGS:
        if family.endswith(male):
            return family[: -len(male)] + female
    return family


def masculine_form(family: str) -> str:
    """The dictionary form of a gendered surname, as a careless record writes it."""
    for male, female in _FEMININE_ENDINGS:
        if family.endswith(female):
            return family[: -len(female)] + male
    return family


def all_given_names() -> set[str]:
    """Every given name in every list, for tests and checks."""
    names: set[str] = set()
    for o in ORIGINS:
        for lst in (o.women, o.men, o.girls, o.boys):
            names.update(lst.names)
    return names


def all_family_names() -> set[str]:
    """Every family name in every list, for tests and checks."""
    return {n for o in ORIGINS for n in o.families.names} | {
        t for o in ORIGINS for t in o.women_titles
    }
