"""The demo archive: the seed article, fully annotated.

Sources for facts that are not in the article itself are recorded in
docs/decisions.md ("The demo archive"). Quotes are copied from the article body
exactly as it prints them.
"""

from pathlib import Path

SEED_TEXT = (Path(__file__).parent / "seed-article.txt").read_text(encoding="utf-8")
SEED_TITLE, _, SEED_BODY = SEED_TEXT.partition("\n")
SEED_TITLE = SEED_TITLE.strip()
SEED_BODY = SEED_BODY.strip()

OUTLET = {
    "slug": "techballad",
    "name": "TechBallad",
    "url": "https://www.techballad.com/",
    "country": "",
    "description": (
        "Website that published the seed article, a rewrite of a Mint (livemint.com) "
        "report of 30 October 2023."
    ),
}

ARTICLE = {
    "slug": "israel-gaza-war-james-cleverly-and-antony-blinken-discuss-humanitarian-access",
    "title": SEED_TITLE,
    "url": (
        "https://www.techballad.com/"
        "israel-gaza-war-james-cleverly-and-antony-blinken-discuss-humanitarian-access-to-gaza/"
    ),
    "published_on": "2023-10-30",
    "language": "en",
    "summary": (
        "Report on the Blinken–Cleverly phone call of 28 October 2023 about humanitarian "
        "access to Gaza and the release of hostages, Cleverly's call with Eli Cohen, and "
        "IDF claims about its operations in northern Gaza and an air strike near Mount Dov."
    ),
    "body": SEED_BODY,
}

# slug: (name, kind, country, parent slug, wikidata id, description, aliases)
ACTORS = [
    ("united-states", "United States", "state", "US", None, "", "", ["US", "USA"]),
    ("united-kingdom", "United Kingdom", "state", "GB", None, "", "", ["UK", "Britain"]),
    ("israel", "Israel", "state", "IL", None, "Q801", "", ["Tel Aviv"]),
    (
        "us-department-of-state",
        "US Department of State",
        "government_body",
        "US",
        "united-states",
        "",
        "The foreign ministry of the United States.",
        ["State Department", "Department of State", "U.S. Department of State"],
    ),
    (
        "foreign-commonwealth-development-office",
        "UK Foreign, Commonwealth & Development Office",
        "government_body",
        "GB",
        "united-kingdom",
        "",
        "The foreign ministry of the United Kingdom.",
        ["FCDO", "Foreign Office", "Foreign, Commonwealth & Development Office"],
    ),
    (
        "uk-home-office",
        "UK Home Office",
        "government_body",
        "GB",
        "united-kingdom",
        "",
        "",
        ["Home Office"],
    ),
    (
        "israel-ministry-of-foreign-affairs",
        "Israel Ministry of Foreign Affairs",
        "government_body",
        "IL",
        "israel",
        "",
        "",
        ["Israeli Foreign Ministry"],
    ),
    (
        "israel-defense-forces",
        "Israel Defense Forces",
        "military",
        "IL",
        "israel",
        "",
        "The armed forces of Israel.",
        ["IDF", "Israeli Defense Forces", "Israeli army"],
    ),
    (
        "israel-air-force",
        "Israel Air Force",
        "military",
        "IL",
        "israel-defense-forces",
        "",
        "The air arm of the Israel Defense Forces.",
        ["IAF", "Israeli Air Force"],
    ),
    (
        "hamas",
        "Hamas",
        "armed_group",
        "PS",
        None,
        "",
        "Palestinian Islamist movement and armed group governing the Gaza Strip.",
        [],
    ),
    (
        "antony-blinken",
        "Antony Blinken",
        "person",
        "US",
        None,
        "",
        "United States Secretary of State, 2021–2025.",
        ["Antony J. Blinken", "Secretary Blinken", "@SecBlinken", "Tony Blinken"],
    ),
    (
        "james-cleverly",
        "James Cleverly",
        "person",
        "GB",
        None,
        "",
        "British politician; Foreign Secretary 2022–2023, Home Secretary 2023–2024.",
        ["@JamesCleverly", "Foreign Secretary Cleverly"],
    ),
    (
        "eli-cohen",
        "Eli Cohen",
        "person",
        "IL",
        None,
        "",
        "Israeli politician; Minister of Foreign Affairs 2022–2024.",
        ["@elicoh1"],
    ),
    (
        "matthew-miller",
        "Matthew Miller",
        "person",
        "US",
        None,
        "",
        "Spokesperson of the US Department of State, 2023–2025.",
        ["Matthew A. Miller", "@StateDeptSpox"],
    ),
    (
        "joe-biden",
        "Joe Biden",
        "person",
        "US",
        None,
        "Q6279",
        "President of the United States, 2021–2025.",
        ["Joseph R. Biden", "President Biden", "@POTUS"],
    ),
    (
        "rishi-sunak",
        "Rishi Sunak",
        "person",
        "GB",
        None,
        "",
        "Prime Minister of the United Kingdom, 2022–2024.",
        ["Prime Minister Sunak", "@RishiSunak"],
    ),
]

# (person slug, title, organisation slug, start, end)
ROLES = [
    ("antony-blinken", "Secretary of State", "us-department-of-state", "2021-01-26", "2025-01-20"),
    (
        "james-cleverly",
        "Foreign Secretary",
        "foreign-commonwealth-development-office",
        "2022-09-06",
        "2023-11-13",
    ),
    ("james-cleverly", "Home Secretary", "uk-home-office", "2023-11-13", "2024-07-05"),
    (
        "eli-cohen",
        "Minister of Foreign Affairs",
        "israel-ministry-of-foreign-affairs",
        "2022-12-29",
        "2024-01-01",
    ),
    ("matthew-miller", "Spokesperson", "us-department-of-state", "2023-04-24", "2025-01-20"),
    ("joe-biden", "President of the United States", "united-states", "2021-01-20", "2025-01-20"),
    (
        "rishi-sunak",
        "Prime Minister of the United Kingdom",
        "united-kingdom",
        "2022-10-25",
        "2024-07-05",
    ),
]

# slug: (name, kind, parent slug, latitude, longitude)
PLACES = [
    ("israel", "Israel", "country", None, None, None),
    ("tel-aviv", "Tel Aviv", "city", "israel", "32.085300", "34.781800"),
    ("palestine", "Palestine", "country", None, None, None),
    ("gaza-strip", "Gaza Strip", "region", "palestine", "31.416700", "34.333300"),
    ("northern-gaza", "Northern Gaza", "region", "gaza-strip", "31.540000", "34.500000"),
    ("mount-dov", "Mount Dov (Shebaa Farms)", "site", None, "33.283300", "35.700000"),
]

# slug: fields, with participants as (actor slug, role)
EVENTS = [
    {
        "slug": "blinken-cleverly-call-2023-10-28",
        "title": "Blinken–Cleverly phone call on Gaza",
        "kind": "call",
        "cameo_code": "041",
        "start_date": "2023-10-28",
        "date_precision": "day",
        "place": None,
        "description": (
            "Phone call between the US Secretary of State and the UK Foreign Secretary on "
            "the Israel–Hamas war, regional escalation, hostages and humanitarian aid to Gaza. "
            "The State Department's readout of 29 October says the call took place the day "
            "before."
        ),
        "participants": [("antony-blinken", "participant"), ("james-cleverly", "participant")],
    },
    {
        "slug": "cleverly-cohen-call-2023-10-28",
        "title": "Cleverly–Cohen phone call",
        "kind": "call",
        "cameo_code": "041",
        "start_date": "2023-10-28",
        "date_precision": "day",
        "place": None,
        "description": (
            "James Cleverly spoke to Israel's foreign minister Eli Cohen and reaffirmed the "
            "UK's support for Israel's self-defence in accordance with international "
            "humanitarian law. Dated by the FCDO post describing both calls as made 'today'."
        ),
        "participants": [("james-cleverly", "initiator"), ("eli-cohen", "participant")],
    },
    {
        "slug": "hamas-attack-on-israel-2023-10-07",
        "title": "Hamas attack on Israel of 7 October",
        "kind": "attack",
        "start_date": "2023-10-07",
        "date_precision": "day",
        "place": "israel",
        "description": "The attack by Hamas on Israel that both the US and UK condemned.",
        "participants": [("hamas", "initiator"), ("israel", "target")],
    },
    {
        "slug": "biden-visit-to-israel-2023-10-18",
        "title": "Joe Biden visits Israel",
        "kind": "visit",
        "cameo_code": "042",
        "start_date": "2023-10-18",
        "date_precision": "day",
        "place": "tel-aviv",
        "description": "US President Joe Biden visited Israel to show solidarity.",
        "participants": [("joe-biden", "initiator"), ("israel", "target")],
    },
    {
        "slug": "sunak-visit-to-israel-2023-10-19",
        "title": "Rishi Sunak visits Israel",
        "kind": "visit",
        "cameo_code": "042",
        "start_date": "2023-10-19",
        "date_precision": "day",
        "place": "israel",
        "description": "UK Prime Minister Rishi Sunak visited Israel to show solidarity.",
        "participants": [("rishi-sunak", "initiator"), ("israel", "target")],
    },
    {
        "slug": "idf-ground-operations-northern-gaza-2023-10",
        "title": "IDF ground operations in northern Gaza",
        "kind": "ground_operation",
        "start_date": "2023-10-27",
        "date_precision": "day",
        # The article calls them "ongoing ground operations" and gives no end.
        "ongoing": True,
        "place": "northern-gaza",
        "description": (
            "Israeli ground operations in the northern Gaza Strip, which the IDF says target "
            "Hamas militants and facilities. Ongoing when the article was published."
        ),
        "participants": [("israel-defense-forces", "initiator"), ("hamas", "target")],
    },
    {
        "slug": "iaf-air-strike-mount-dov-2023-10",
        "title": "Israel Air Force strike on a cell in the Mount Dov area",
        "kind": "air_strike",
        "start_date": "2023-10-01",
        "date_precision": "month",
        "place": "mount-dov",
        "description": (
            "According to the IDF, the Israel Air Force struck a cell in the Mount Dov area "
            "that had carried out missions directed at Israeli territory. The article does "
            "not give the day."
        ),
        "participants": [("israel-air-force", "initiator")],
    },
]

# Statements: text is copied from the body; quotes must be found there verbatim.
STATEMENTS = [
    {
        "speaker": "matthew-miller",
        "on_behalf_of": "us-department-of-state",
        # Printed as Miller's words, this is the outlet's rewording of the State
        # Department's readout (it even implies hostages were released). The readout's
        # own wording is not in the archive: as reported, issued by the Department.
        "issuer": "us-department-of-state",
        "kind": "quote",
        "channel": "call_readout",
        "said_on": "2023-10-29",
        "events": [("blinken-cleverly-call-2023-10-28", "describes")],
        "mentioned": ["antony-blinken", "james-cleverly", "israel", "hamas"],
        "text": (
            "Secretary of State Antony J. Blinken had a conversation with UK Foreign Secretary "
            "James Cleverly. During this exchange, Secretary Blinken and Foreign Secretary "
            "Cleverly reiterated Israel’s right to self-defense, discussed their engagement "
            "with regional partners to prevent further escalation of the conflict, and ensured "
            "the safe release of hostages. They also stressed the importance of delivering "
            "sustained humanitarian aid to the civilians in Gaza."
        ),
    },
    {
        "speaker": "james-cleverly",
        "on_behalf_of": "foreign-commonwealth-development-office",
        # The article credits Cleverly, but the post speaks of him in the third person
        # ("Today @JamesCleverly spoke to…"): the Foreign Office's account posted it. Its
        # own wording is not in the archive, so it stays as reported.
        "issuer": "foreign-commonwealth-development-office",
        "kind": "quote",
        "channel": "social_media",
        "said_on": "2023-10-28",
        # The post reports two calls: the one with Eli Cohen, and the one with Blinken.
        "events": [
            ("cleverly-cohen-call-2023-10-28", "describes"),
            ("blinken-cleverly-call-2023-10-28", "describes"),
        ],
        "mentioned": ["eli-cohen", "antony-blinken", "israel"],
        "text": (
            "Today @JamesCleverly spoke to @elicoh1 and reiterated our support for Israel’s "
            "self-defense in accordance with international humanitarian law. The Foreign "
            "Secretary also spoke to @SecBlinken to help prevent regional escalation and "
            "called for humanitarian pauses to facilitate the delivery of life-saving aid to "
            "civilians."
        ),
    },
    {
        "speaker": "us-department-of-state",
        "on_behalf_of": None,
        "kind": "paraphrase",
        "channel": "official_statement",
        "said_on": "2023-10-29",
        "events": [("blinken-cleverly-call-2023-10-28", "describes")],
        "mentioned": ["antony-blinken", "james-cleverly", "israel"],
        "text": (
            "According to an official statement, both leaders affirmed Israel’s legitimate "
            "right to self-defense and explored collaborative measures with regional partners "
            "to de-escalate the conflict and secure the safe release of hostages."
        ),
    },
    {
        "speaker": "israel-defense-forces",
        "on_behalf_of": None,
        "kind": "paraphrase",
        "channel": "official_statement",
        "said_on": None,
        "events": [("idf-ground-operations-northern-gaza-2023-10", "claims")],
        "mentioned": ["hamas"],
        "text": (
            "The IDF has reported the successful elimination of several terrorists as their "
            "ground forces continue to expand their presence in the northern Gaza region."
        ),
    },
    {
        "speaker": "israel-defense-forces",
        "on_behalf_of": None,
        "kind": "paraphrase",
        "channel": "official_statement",
        "said_on": None,
        "events": [("idf-ground-operations-northern-gaza-2023-10", "claims")],
        "mentioned": ["hamas"],
        "text": (
            "The IDF spokesperson has highlighted the disturbing tactic employed by Hamas, "
            "which involves using the civilian population of Gaza as human shields during the "
            "ongoing offensive."
        ),
    },
    {
        "speaker": "israel-defense-forces",
        "on_behalf_of": None,
        "kind": "paraphrase",
        "channel": "official_statement",
        "said_on": None,
        "events": [("idf-ground-operations-northern-gaza-2023-10", "claims")],
        "mentioned": [],
        "text": (
            "The IDF underscores its commitment to distinguishing between terrorists and "
            "civilians in its operations."
        ),
    },
    {
        "speaker": "israel-defense-forces",
        "on_behalf_of": None,
        "kind": "paraphrase",
        "channel": "official_statement",
        "said_on": None,
        "events": [("iaf-air-strike-mount-dov-2023-10", "claims")],
        "mentioned": ["israel-air-force"],
        "text": (
            "In addition to the ground operations, the Israel Air Force conducted an airstrike "
            "on a terrorist cell located in the Mount Dov region. This particular cell had been "
            "involved in carrying out missions directed toward Israeli territory."
        ),
    },
]

CONDEMNATION = (
    "Both the US and the UK strongly condemned the attack by Hamas on Israel and expressed "
    "their unwavering support for Israel’s right to self-defense in response to the actions "
    "taken by Hamas on October 7."
)
# The article credits the condemnation to both governments: one statement for each.
STATEMENTS += [
    {
        "speaker": speaker,
        "on_behalf_of": None,
        "kind": "paraphrase",
        "channel": "other",
        "said_on": None,
        "events": [("hamas-attack-on-israel-2023-10-07", "condemns")],
        "mentioned": ["hamas", "israel"],
        "text": CONDEMNATION,
    }
    for speaker in ("united-states", "united-kingdom")
]

MENTIONED_IN_ARTICLE = [
    "antony-blinken",
    "james-cleverly",
    "eli-cohen",
    "matthew-miller",
    "joe-biden",
    "rishi-sunak",
    "us-department-of-state",
    "israel",
    "hamas",
    "israel-defense-forces",
    "israel-air-force",
    "united-states",
    "united-kingdom",
]
