"""The vocabulary: per language, each date word a reporter writes and the token it stands for.

Everything the reader knows about English, French, German and Spanish is in
these tables, side by side so the languages stay parallel: the same token
kinds, the same meanings, the same exceptions written down. The tokenizer
turns words into tokens with them and the grammar works on tokens only, so
adding a word, or a language, is an edit here (plus a test), not in the
grammar. Words are written folded (lower case, no accents; see
`tokens.fold`), except `NUMBER_WORDS`, which dateparser sees unfolded.

Tokens: ("month", 1-12) ("weekday", 0-6) ("season", 21-24) ("edge", 1-3) ("rel", -1/0/1)
("unit", 1 day, 7 week, 30 month, 365 year) ("num", n) ("ago", 0) ("deictic", days)
("since"|"by"|"before"|"after"|"between"|"from"|"to"|"and", 0) ("quarter_w", 0)
("decade_w", 0) ("fill", 0); the tokenizer adds ("year", y), ("num", n), ("dash", 0),
("isoday", ordinal), ("isomonth", year * 12 + month - 1), ("yearpair", first year),
("decade", first year, or two digits - 100) and ("quarter", n) for what digits write.
"""

from __future__ import annotations

#: The languages with a grammar here (and the order they are tried in by default).
LANGUAGES: tuple[str, ...] = ("en", "fr", "de", "es")

#: A token: its kind and its value (see the list above).
Tok = tuple[str, int]

_MONTHS = {
    "en": "january february march april may june july august september october november december",
    "fr": "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre",
    "de": "januar februar marz april mai juni juli august september oktober november dezember",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre "
    "diciembre",
}
_MONTH_ABBREVIATIONS = {
    "en": {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
           "sept": 9, "oct": 10, "nov": 11, "dec": 12},
    "fr": {"janv": 1, "fevr": 2, "fev": 2, "avr": 4, "juil": 7, "oct": 10, "nov": 11, "dec": 12},
    "de": {"jan": 1, "feb": 2, "mrz": 3, "maerz": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
           "sep": 9, "sept": 9, "okt": 10, "nov": 11, "dez": 12, "janner": 1},
    "es": {"ene": 1, "feb": 2, "abr": 4, "jun": 6, "jul": 7, "ago": 8, "sep": 9, "sept": 9,
           "setiembre": 9, "oct": 10, "nov": 11, "dic": 12},
}  # fmt: skip
_WEEKDAYS = {
    "en": "monday tuesday wednesday thursday friday saturday sunday",
    "fr": "lundi mardi mercredi jeudi vendredi samedi dimanche",
    "de": "montag dienstag mittwoch donnerstag freitag samstag sonntag",
    "es": "lunes martes miercoles jueves viernes sabado domingo",
}
_NUMBERS = {
    "en": "one two three four five six seven eight nine ten eleven twelve",
    "fr": "un deux trois quatre cinq six sept huit neuf dix onze douze",
    "de": "eins zwei drei vier funf sechs sieben acht neun zehn elf zwolf",
    "es": "uno dos tres cuatro cinco seis siete ocho nueve diez once doce",
}
# The words for the rest, as "token:word word ...". Unit values are days, to tell them apart.
_WORDS = {
    "en": """
        season/21:spring season/22:summer season/23:autumn fall season/24:winter
        edge/1:early beginning start edge/2:mid middle edge/3:late end
        rel/-1:last rel/0:this rel/1:next
        unit/1:day days unit/7:week weeks unit/30:month months unit/365:year years
        num/1:a an ago:ago deictic/-1:yesterday deictic/0:today deictic/1:tomorrow
        deictic/-2:daybeforeyesterday
        since:since by:by until till before:before after:after between:between from:from
        to:to through and:and quarter_w:quarter decade_w:decade
        num/1:first num/2:second num/3:third num/4:fourth
        fill:the of in on at during
        """,
    "fr": """
        season/21:printemps season/22:ete season/23:automne season/24:hiver
        edge/1:debut edge/2:mi milieu edge/3:fin
        rel/-1:dernier derniere passe passee rel/0:ce cet cette rel/1:prochain prochaine
        unit/1:jour jours unit/7:semaine semaines unit/30:mois unit/365:an ans annee
        num/1:une premier 1er num/2:deuxieme second seconde num/3:troisieme num/4:quatrieme
        ago:ilya deictic/-1:hier deictic/0:aujourdhui deictic/1:demain deictic/-2:avanthier
        since:depuis apartirde by:dici jusqua before:avant after:apres between:entre
        from:de du d' to:a au and:et quarter_w:trimestre decade_w:annees
        fill:le la les l' des en aux dans courant
        """,
    "de": """
        season/21:fruhling fruhjahr season/22:sommer season/23:herbst season/24:winter
        edge/1:anfang beginn edge/2:mitte edge/3:ende
        rel/-1:letzten letzte letztes letzter vergangenen vergangene vergangenes vorigen
        rel/-1:vorige voriges rel/0:dieses diesen diesem dieser diese
        rel/1:nachsten nachste nachstes kommenden kommende
        unit/1:tag tage tagen unit/7:woche wochen unit/30:monat monate monaten monats
        unit/365:jahr jahre jahren jahres
        num/1:ein eine einem einer einen ersten erste num/2:zweiten zweite
        num/3:dritten dritte num/4:vierten vierte
        ago:vor deictic/-1:gestern deictic/0:heute deictic/1:morgen deictic/-2:vorgestern
        since:seit by:bis before:vor after:nach between:zwischen from:von ab to:bis
        and:und quarter_w:quartal
        fill:im am in der die das den dem des um zum zur
        """,
    "es": """
        season/21:primavera season/22:verano season/23:otono season/24:invierno
        edge/1:principios comienzos inicios principio comienzo inicio
        edge/2:mediados edge/3:finales fines fin
        rel/-1:pasado pasada rel/0:este esta rel/1:proximo proxima queviene
        unit/1:dia dias unit/7:semana semanas unit/30:mes meses unit/365:ano anos
        num/1:un una primer primero num/2:segundo num/3:tercer tercero num/4:cuarto
        ago:hace deictic/-1:ayer deictic/0:hoy deictic/1:manana deictic/-2:anteayer
        since:desde apartirde by:hasta para before:antes after:despues between:entre
        from:de del desde to:a al hasta and:y quarter_w:trimestre decade_w:decada
        fill:el la los las en durante
        """,
}
# Words that mean two things, told apart by position in the grammar (`grammar.phrase`):
# fr/es "de" is "from" before a "to" and "of" elsewhere; fr/es "a" is "to" after a "from"
# and "at" elsewhere; de "vor" is "ago" before a number and a unit and "before" elsewhere;
# de "bis" and es "hasta" are "by" first in a phrase and "to" after a "from"; es "desde" is
# "since", or "from" with a "to".
SOFT = ("fr", "es")  # the languages whose "from" and "to" words are also "of" and "at"
# Phrases of several words that are one token, joined before the words are split.
JOINS = {
    "en": [(r"\b(the )?day before yesterday\b", "daybeforeyesterday")],
    "fr": [
        (r"\bil y a\b", "ilya"),
        (r"\bavant[- ]hier\b", "avanthier"),
        (r"\baujourd' ?hui\b", "aujourdhui"),
        (r"\ba partir d[e']", "apartirde"),
        (r"\bd' ?ici\b", "dici"),
        (r"\bjusqu' ?(a|au|en)\b", "jusqua"),
        (r"\bau cours d[e']", "courant"),
    ],
    "de": [],
    "es": [
        (r"\bantes de ayer\b", "anteayer"),
        (r"\bque viene\b", "queviene"),
        (r"\ba partir de\b", "apartirde"),
    ],
}


def _build(lang: str) -> dict[str, Tok]:
    """One language's table, word to token (a word's first meaning wins)."""
    table: dict[str, Tok] = {}
    for i, word in enumerate(_MONTHS[lang].split()):
        table[word] = ("month", i + 1)
    for word, month in _MONTH_ABBREVIATIONS[lang].items():
        table[word] = ("month", month)
    for i, word in enumerate(_WEEKDAYS[lang].split()):
        table[word] = ("weekday", i)
    for i, word in enumerate(_NUMBERS[lang].split()):
        table.setdefault(word, ("num", i + 1))
    kind, value = "fill", 0
    for item in _WORDS[lang].split():
        if ":" in item:
            head, item = item.split(":", 1)
            kind, _, number = head.partition("/")
            value = int(number) if number else 0
        table.setdefault(item, (kind, value))
    return table


#: Per language, every word known there and its token.
TABLES = {lang: _build(lang) for lang in LANGUAGES}

# Number words a language writes where dateparser wants digits ("hace dos días").
NUMBER_WORDS = {
    lang: {w: i + 1 for i, w in enumerate(_NUMBERS[lang].split())} for lang in LANGUAGES
}
NUMBER_WORDS["de"].update({"fünf": 5, "zwölf": 12, "ein": 1, "eine": 1, "einem": 1, "einer": 1})
NUMBER_WORDS["fr"]["une"] = 1
NUMBER_WORDS["es"].update({"un": 1, "una": 1})
NUMBER_WORDS["en"].update({"a": 1, "an": 1})

# English decades in words ("the nineties"): two digits, the century resolved by the grammar.
DECADE_WORDS_EN = {
    "twenties": 20,
    "thirties": 30,
    "forties": 40,
    "fifties": 50,
    "sixties": 60,
    "seventies": 70,
    "eighties": 80,
    "nineties": 90,
}
