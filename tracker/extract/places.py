"""Country names and demonyms, used to name governments ("the Belarusian side" -> Belarus).

Each entry is "Canonical name/alias/alias...": aliases are other names and adjectives that
stand for the same country. Lookup is by capitalised word, so scanning a text is linear.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_COUNTRIES = """
Afghanistan/Afghan; Albania/Albanian; Algeria/Algerian; Andorra/Andorran; Angola/Angolan;
Argentina/Argentine/Argentinian; Armenia/Armenian; Australia/Australian; Austria/Austrian;
Azerbaijan/Azerbaijani/Azeri; Bahrain/Bahraini; Bangladesh/Bangladeshi; Belarus/Belarusian/
Belarussian/Byelorussian; Belgium/Belgian; Benin/Beninese; Bhutan/Bhutanese; Bolivia/Bolivian;
Bosnia and Herzegovina/Bosnian; Botswana; Brazil/Brazilian; Brunei; Bulgaria/Bulgarian;
Burkina Faso; Burundi; Cambodia/Cambodian; Cameroon/Cameroonian; Canada/Canadian;
Chad/Chadian; Chile/Chilean; China/Chinese/PRC; Colombia/Colombian; Congo/Congolese;
Costa Rica/Costa Rican; Croatia/Croatian; Cuba/Cuban; Cyprus/Cypriot; Czech Republic/Czechia/
Czech; Denmark/Danish; Djibouti; Dominican Republic/Dominican; Ecuador/Ecuadorian;
Egypt/Egyptian; El Salvador/Salvadoran; Eritrea/Eritrean; Estonia/Estonian; Eswatini;
Equatorial Guinea; Ethiopia/Ethiopian; Fiji/Fijian; Finland/Finnish; France/French; Gabon/Gabonese;
Gambia/Gambian; Georgia/Georgian; Germany/German; Ghana/Ghanaian; Greece/Greek;
Guatemala/Guatemalan; Guinea-Bissau; Guinea/Guinean; Guyana/Guyanese; Haiti/Haitian;
Honduras/Honduran;
Hungary/Hungarian; Iceland/Icelandic; India/Indian; Indonesia/Indonesian; Iran/Iranian;
Iraq/Iraqi; Ireland/Irish; Israel/Israeli; Italy/Italian; Jamaica/Jamaican; Japan/Japanese;
Jordan/Jordanian; Kazakhstan/Kazakh/Kazakhstani; Kenya/Kenyan; Kuwait/Kuwaiti;
Kyrgyzstan/Kyrgyz; Laos/Lao/Laotian; Latvia/Latvian; Lebanon/Lebanese; Liberia/Liberian;
Libya/Libyan; Liechtenstein; Lithuania/Lithuanian; Luxembourg; Madagascar/Malagasy;
Malawi/Malawian; Malaysia/Malaysian; Maldives/Maldivian; Mali/Malian; Malta/Maltese;
Mauritania/Mauritanian; Mauritius/Mauritian; Mexico/Mexican; Moldova/Moldovan; Monaco;
Mongolia/Mongolian; Montenegro/Montenegrin; Morocco/Moroccan; Mozambique/Mozambican;
Myanmar/Burmese; Namibia/Namibian; Nepal/Nepalese/Nepali; Netherlands/Dutch; New Zealand;
Nicaragua/Nicaraguan; Niger; Nigeria/Nigerian; North Korea/DPRK/North Korean;
North Macedonia/Macedonian;
Norway/Norwegian; Oman/Omani; Pakistan/Pakistani; Palestine/Palestinian; Panama/Panamanian;
Papua New Guinea;
Paraguay/Paraguayan; Peru/Peruvian; Philippines/Philippine/Filipino; Poland/Polish;
Portugal/Portuguese; Qatar/Qatari; Romania/Romanian; Russia/Russian/Russian Federation;
Rwanda/Rwandan; Saudi Arabia/Saudi; Senegal/Senegalese; Serbia/Serbian; Seychelles;
Sierra Leone; Singapore/Singaporean; Slovakia/Slovak; Slovenia/Slovenian; Somalia/Somali;
South Africa/South African; South Korea/Republic of Korea/ROK/Korean; South Sudan; Spain/Spanish;
Sri Lanka/Sri Lankan; Sudan/Sudanese; Suriname; Sweden/Swedish; Switzerland/Swiss;
Syria/Syrian; Tajikistan/Tajik; Tanzania/Tanzanian; Thailand/Thai; Togo/Togolese;
Tunisia/Tunisian; Turkey/Turkish/Türkiye; Turkmenistan/Turkmen; Uganda/Ugandan;
Ukraine/Ukrainian; United Arab Emirates/UAE/Emirati; United Kingdom/British/UK/Britain;
United States/American/USA/US/U.S.; Uruguay/Uruguayan; Uzbekistan/Uzbek; Venezuela/Venezuelan;
Vietnam/Vietnamese/Viet Nam/Việt Nam; Yemen/Yemeni; Zambia/Zambian; Zimbabwe/Zimbabwean;
Antigua and Barbuda/Antigua/Antiguan; Bahamas/Bahamian; Barbados/Barbadian; Belize/Belizean;
Dominica; Grenada/Grenadian; Saint Kitts and Nevis/St Kitts and Nevis/St. Kitts and Nevis/
St Kitts/St. Kitts/Kittitian; Saint Lucia/St Lucia/St. Lucia/Saint Lucian; Saint Vincent and
the Grenadines/St Vincent and the Grenadines/St. Vincent and the Grenadines/Vincentian;
Trinidad and Tobago/Trinidadian; Samoa/Samoan; Tonga/Tongan; Vanuatu; Solomon Islands;
Kiribati; Tuvalu; Nauru; Palau; Marshall Islands; Federated States of Micronesia/Micronesia/FSM;
Timor-Leste/East Timor/Timorese; Cabo Verde/Cape Verde; Comoros; Lesotho; Central African
Republic; Côte d'Ivoire/Côte d’Ivoire/Ivory Coast/Ivorian; Kosovo; San Marino; Holy See/Vatican;
Sao Tome and Principe; Eswatini/Swaziland
"""


# Words end at a hyphen, so both sides of "India-Mexico" or "EU-China" are found.
_CAPITALISED = re.compile(r"\b[A-Z][\w’']*")


def _index() -> dict[str, list[tuple[str, str]]]:
    """First word of every alias -> [(alias, canonical)], longest alias first."""
    index: dict[str, list[tuple[str, str]]] = {}
    for entry in " ".join(_COUNTRIES.split()).replace("/ ", "/").split(";"):
        names = [name.strip() for name in entry.split("/") if name.strip()]
        for alias in names:
            # keyed by the first word as the scan meets it: "Guinea-Bissau" at "Guinea",
            # "U.S." at "U"
            key = _CAPITALISED.match(alias)
            index.setdefault(key.group() if key else alias, []).append((alias, names[0]))
    for aliases in index.values():
        aliases.sort(key=lambda pair: -len(pair[0]))
    return index


_INDEX = _index()


_NOT_A_PARTY = re.compile(r"\s+(?:Peninsula|War|Armistice|Demilitari[sz]ed)\b")


_WATERS_OF = re.compile(r"\b(?:Gulf|Sea|Bay|Straits?)\s+of\s+$")
# Countries that are also first names: followed by a surname they are a person.
_FIRST_NAMES = frozenset(("Chad", "Jordan", "Israel", "Georgia", "India", "Kenya"))
_SURNAME = re.compile(
    r"\s+(?!(?:Government|Prime|President|Minister|Ministry|King|Queen|Foreign|Embassy|State"
    r"|National|Armed|Defen[cs]e|Parliament|Cabinet)\b)[A-Z][a-z]+\b"
)


def find_countries(text: str) -> Iterator[tuple[int, str]]:
    """Yield (offset, canonical country) for every country name or demonym in `text`."""
    for start, _, country in country_spans(text):
        yield start, country


def country_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """Yield (start, end, canonical country) for every country name or demonym in `text`."""
    covered = 0  # "Korean" inside "North Korean" is not another country
    for match in _CAPITALISED.finditer(text):
        if match.start() < covered:
            continue
        word = match.group().removesuffix("’s").removesuffix("'s")
        for alias, country in _INDEX.get(word, ()):
            end = match.start() + len(alias)
            if text.startswith(alias, match.start()) and not text[end : end + 1].isalnum():
                if (
                    _NOT_A_PARTY.match(text, end)
                    or text.endswith("inter-", 0, match.start())
                    or _WATERS_OF.search(text, max(0, match.start() - 12), match.start())
                    or (alias in _FIRST_NAMES and _SURNAME.match(text, end))
                ):
                    break  # "the Korean Peninsula", "inter-Korean talks", "the Gulf of Mexico",
                    # "Chad Carlson" (a person)
                covered = end
                yield match.start(), end, country
                break


def countries_in(text: str) -> list[str]:
    """Distinct countries named in `text`, in order of first mention."""
    return list(dict.fromkeys(country for _, country in find_countries(text)))


def country_names() -> list[str]:
    """Every name and demonym the table knows, canonical names included."""
    return [alias for aliases in _INDEX.values() for alias, _ in aliases]
