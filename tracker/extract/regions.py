"""States and provinces of federations, whose governments hold meetings of their own.

A chief minister's review meeting, a governor's instructions or a provincial cabinet's
decisions are the region's government's commitments, not its country's: "Odisha Chief
Minister Naveen Patnaik reviewed ..." -> "Government of Odisha", and "Niger State Governor"
names no Niger. Only the units of the federations whose meetings are reported in English are
listed; a name that is also a country's (Georgia, Niger) counts only with its office beside it.
"""

from __future__ import annotations

import re

_REGIONS = """
India: Andhra Pradesh; Arunachal Pradesh; Assam; Bihar; Chhattisgarh; Goa; Gujarat; Haryana;
Himachal Pradesh; Jharkhand; Karnataka; Kerala; Madhya Pradesh; Maharashtra; Manipur;
Meghalaya; Mizoram; Nagaland; Odisha; Orissa; Punjab; Rajasthan; Sikkim; Tamil Nadu;
Telangana; Tripura; Uttar Pradesh; Uttarakhand; West Bengal; Delhi; Jammu and Kashmir;
Jammu & Kashmir; Ladakh; Puducherry;
Pakistan: Khyber Pakhtunkhwa; KP; Sindh; Balochistan; Gilgit-Baltistan; Punjab;
Nigeria: Abia; Adamawa; Akwa Ibom; Anambra; Bauchi; Bayelsa; Benue; Borno; Cross River;
Delta; Ebonyi; Edo; Ekiti; Enugu; Gombe; Imo; Jigawa; Kaduna; Kano; Katsina;
Kebbi; Kogi; Kwara; Lagos; Nasarawa; Niger; Ogun; Ondo; Osun; Oyo; Plateau;
Rivers; Sokoto; Taraba; Yobe; Zamfara;
United States: Alabama; Alaska; Arizona; Arkansas; California; Colorado; Connecticut;
Delaware; Florida; Georgia; Hawaii; Idaho; Illinois; Indiana; Iowa; Kansas;
Kentucky; Louisiana; Maine; Maryland; Massachusetts; Michigan;
Minnesota; Mississippi; Missouri; Montana; Nebraska;
Nevada; New Hampshire; New Jersey; New Mexico; New York; North Carolina; North Dakota; Ohio;
Oklahoma; Oregon; Pennsylvania; Rhode Island; South Carolina; South Dakota; Tennessee; Texas;
Utah; Vermont; Virginia; Washington; West Virginia; Wisconsin; Wyoming;
Australia: New South Wales; Victoria; Queensland; South Australia; Western Australia; Tasmania;
Northern Territory; Australian Capital Territory; ACT;
Canada: Ontario; Quebec; British Columbia; Alberta; Manitoba; Saskatchewan; Nova Scotia;
New Brunswick; Newfoundland and Labrador; Prince Edward Island; Yukon; Nunavut;
South Africa: Eastern Cape; Free State; Gauteng; KwaZulu-Natal; Limpopo; Mpumalanga; North West;
Northern Cape; Western Cape;
Malaysia: Sabah; Sarawak; Johor; Kedah; Kelantan; Melaka; Negeri Sembilan; Pahang; Penang; Perak;
Perlis; Selangor; Terengganu;
Indonesia: Central Java; East Java; West Java; Bali; Aceh; Papua; Jakarta; Yogyakarta; Banten;
North Sumatra; West Sumatra; South Sulawesi; East Kalimantan
"""
_WORDS = frozenset(("Delta", "Rivers", "Plateau", "Victoria", "Georgia", "Washington"))
_SHORT = {"KP": "Khyber Pakhtunkhwa", "ACT": "Australian Capital Territory", "Orissa": "Odisha"}


def _countries(table: str) -> dict[str, frozenset[str]]:
    """Region -> its countries (Punjab is India's and Pakistan's), from "Country: region;
    region; ...\nCountry: ..."."""
    regions: dict[str, frozenset[str]] = {}
    for block in re.split(r"\n(?=[A-Z][\w ]+:)", table.strip()):
        country, names = block.split(":", 1)
        for name in names.replace("\n", " ").split(";"):
            if name.strip():
                regions[name.strip()] = regions.get(name.strip(), frozenset()) | {country.strip()}
    return regions


COUNTRIES_OF = _countries(_REGIONS)
_NAMES = sorted(COUNTRIES_OF, key=len, reverse=True)
_NAME = "(?:" + "|".join(re.escape(name) for name in _NAMES) + ")"
_OFFICE = (
    r"(?:Chief\s+Minister|Governor|Gov\.|Premier|Chief\s+Secretary|(?:[Ss]tate\s+|[Pp]rovincial\s+)?"
    r"(?:[Cc]abinet|[Gg]overnment|Executive\s+Council))"
)
# "Haryana Chief Minister", "Niger State Governor", "the Khyber Pakhtunkhwa Cabinet",
# "Sabah's new government", "Texas Gov. Greg Abbott"; "the Governor of Borno State", "Chief
# Minister of Kerala", "Chief Minister Khyber Pakhtunkhwa Mehmood Khan".
_REGION_OFFICE = re.compile(
    rf"\b(?P<before>{_NAME})(?P<state>\s+State)?(?:[’']s)?\s+(?:new\s+)?(?P<office>{_OFFICE})(?!\w)"
    # "Chief Secretary Gilgit-Baltistan", "Additional Chief Secretary (Development) of ..."
    rf"|\b(?P<office2>Governor|Chief\s+Minister|Premier|Chief\s+Secretary)(?:\s*\([^()]{{1,30}}\))?"
    rf"\s+(?P<of>of\s+)?(?:the\s+)?(?P<after>{_NAME})(?P<state2>\s+State)?\b"
)

# A state's seat as the dateline of a chief minister's or his officials' meeting that names
# no state ("Bhubaneswar: ... the chief minister Naveen Patnaik took a review meeting").
# Chandigarh, the seat of two states, is left out; Hyderabad goes to Telangana, whose seat it
# is (Sindh's chief minister sits in Karachi).
_SEATS = {
    "bhubaneswar": "Odisha",
    "hyderabad": "Telangana",
    "amaravati": "Andhra Pradesh",
    "chennai": "Tamil Nadu",
    "bengaluru": "Karnataka",
    "bangalore": "Karnataka",
    "mumbai": "Maharashtra",
    "kolkata": "West Bengal",
    "thiruvananthapuram": "Kerala",
    "guwahati": "Assam",
    "dispur": "Assam",
    "lucknow": "Uttar Pradesh",
    "patna": "Bihar",
    "jaipur": "Rajasthan",
    "bhopal": "Madhya Pradesh",
    "raipur": "Chhattisgarh",
    "ranchi": "Jharkhand",
    "gandhinagar": "Gujarat",
    "shimla": "Himachal Pradesh",
    "dehradun": "Uttarakhand",
    "srinagar": "Jammu and Kashmir",
    "agartala": "Tripura",
    "imphal": "Manipur",
    "shillong": "Meghalaya",
    "aizawl": "Mizoram",
    "kohima": "Nagaland",
    "gangtok": "Sikkim",
    "itanagar": "Arunachal Pradesh",
    "panaji": "Goa",
    "puducherry": "Puducherry",
    "lahore": "Punjab",
    "karachi": "Sindh",
    "peshawar": "Khyber Pakhtunkhwa",
    "quetta": "Balochistan",
    "gilgit": "Gilgit-Baltistan",
}
_SEAT_DATELINE = re.compile(r"^\W*(?P<city>[A-Za-z]+)\s*(?:[,:—–]|-\s)")
_STATE_OFFICE = re.compile(
    r"(?i)\bchief\s+(?:minister|secretary)\b|(?-i:\bCM\b)|\bdeputy\s+commissioners?\b"
    r"|\bdistrict\s+collectors?\b|\bstate\s+government\b"
)


def regional_government(lead: str) -> tuple[str, str] | None:
    """The region whose government meets or speaks in the opening of a text: "Government of
    Odisha", "Khyber Pakhtunkhwa Cabinet", "Niger State Executive Council", with the region's
    name; else None."""
    match = _REGION_OFFICE.search(lead)
    if match is None:
        return None
    region = match.group("before") or match.group("after")
    region = _SHORT.get(region, region)
    state = " State" if (match.group("state") or match.group("state2")) else ""
    office = " ".join((match.group("office") or match.group("office2")).split())
    if match.group("office2") and not match.group("of") and not state and region in _WORDS:
        return None  # "Governor Plateau" is no name; these are states only as "X State"
    if re.search(r"(?i)cabinet|executive\s+council", office):
        # "Borno State Executive Council", "Khyber Pakhtunkhwa Cabinet"
        return f"{region}{state} {office[:1].upper()}{office[1:]}", region
    return f"Government of {region}{state}", region


def seat_government(lead: str) -> tuple[str, str] | None:
    """The government of the state whose seat heads a chief minister's or his officials'
    meeting as its dateline; else None."""
    seat = _SEAT_DATELINE.match(lead)
    region = _SEATS.get(seat.group("city").casefold()) if seat else None
    if region is None or not _STATE_OFFICE.search(lead):
        return None
    return f"Government of {region}", region
