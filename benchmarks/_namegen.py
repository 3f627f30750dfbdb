"""Synthetic Muslim personal names for the screening benchmark.

The generator knows nothing about :mod:`masar.screening`: it models how names
are *written*. Arabic-origin name parts are stored as phonemes (notation
below) and rendered either in Arabic script or in Latin with the conventions of
a region (Gulf, Levant, Egypt, Maghreb, South Asia, Indonesia, Turkey, West
Africa, Somalia, scholarly ALA-LC-like), each choice drawn at random per
rendering, which is how real spelling variation arises: Mohammed, Mohamed,
Muhammad, Mehmet-like Turkish forms, Somali Maxamed, French Mouhamadou-like
"ou" forms... Other parts are syllable-generated (Javanese, Turkish surnames,
West African family names, pseudo-Arabic family names from triliteral roots
and nisba patterns), so full names have a realistic heavy tail.

Phoneme notation: lower-case letters are their usual sounds; ``th kh dh sh gh
ch zh`` are digraph phonemes; ``H`` ح, ``E`` ع, ``S`` ص, ``D`` ض, ``T`` ط,
``Z`` ظ, ``'`` ء; ``aa ii uu`` long vowels; ``@`` ta marbuta; ``Y`` final alef
maqsura; a doubled consonant is a geminate.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

_PHONEME = re.compile(r"aa|ii|uu|th|kh|dh|sh|gh|ch|zh|.")
VOWELS = frozenset({"a", "i", "u", "aa", "ii", "uu", "@", "Y"})
SUN = frozenset({"t", "th", "d", "dh", "r", "z", "s", "sh", "S", "D", "T", "Z", "n"})


def parse(notation: str) -> tuple[str, ...]:
    return tuple(_PHONEME.findall(notation))


# --------------------------------------------------------------------------- data

MALE = """muHammad aHmad Ealii Hasan Husayn maHmuud Eumar khaalid yuusuf ibraahiim muSTafaY
ismaaEiil Hamz@ saaliH saEiid faySal Taariq jamaal kamaal naaSir manSuur sulaymaan EiisY muusY
yaHyY zakariyyaa ilyaas idriis yaEquub isHaaq daawuud Haamid Hamiid raashid rashiid majiid waliid
khaliil Eaadil faaris samiir Taahir hishaam EiSaam Eimaad ziyaad iyaad nabiil jamiil Eammaar bilaal
anas Eabbaas yaasir Eaamir Euthmaan SalaaH fahd turkii sulTaan Saqr sayf badr EawaD ghassaan haytham
layth maazin marwaan raamii Hamdaan Sabrii fatHii shukrii Husnii luTfii ashraf akram anwar amjad
majdii raa'id muraad Eaarif Hakiim nizaar ghaalib qaasim haashim muniir wasiim nadiim saliim kariim
tawfiiq sufyaan zubayr muEaadh thaamir Haarith muthannaa haaruun ayyuub nuuH aadam yuunus luqmaan
Eaasim Eizzat talaal mushtaaq ishtiyaaq Eirfaan imraan aasif kaashif Saajid waajid zaahid shaahid
faaruuq sajjaad asad junayd Hammaad faraaz Euzayr thaaqib aHsan iHsaan mubashshir waqaar zafar
ghulaam riDwaan qamar tanwiir nuEmaan Eaatif maqsuud masEuud shariif hidaayat raHmat fiTrii"""

FEMALE = """faaTim@ Eaa'ish@ khadiij@ maryam zaynab nuur saar@ laylY hudY amiin@ aamin@ raHm@
Haliim@ salmY asmaa' ruqayy@ HafS@ sumayy@ jamiil@ naadiy@ ranaa lubnaa dunyaa yaasmiin
shaymaa' iimaan amal ibtisaam wafaa' najwY suEaad hind ghaad@ lamyaa' manaal nawaal samiir@
Safiyy@ rabiiE@ Eabiir Eafaaf nasriin khawl@ shariif@ zahraa' Hanaan Eazaa' rashiid@ kariim@
Eaziiz@ lubaab@ nadiy@ shifaa' bushraa Eulyaa sukayn@ raniim"""

PERSIAN = """parwiiz jaawiid shaahzaad farhaad jahaangiir khurshiid jamshiid rustam suhraab aftaab
mahtaab gulzaar nawiid bihzaad shahryaar daariyuush kaamraan sarwar dilaawar bahaadur"""

PERSIAN_F = """parwiin shabnam gulnaaz naahiid shahnaaz farzaan@ mahnaaz gulshan rawshan mihrunnisaa
nargis yaasaman shiiriin"""

DIVINE = """raHmaan raHiim Eaziiz kariim laTiif Hamiid majiid qaadir naaSir ghaffaar jabbaar Haliim
waaHid salaam malik baasiT razzaaq wahhaab fattaaH Haqq muHsin samad Hakiim qayyuum sattaar
muttalib Haadii"""

DIN_FIRST = "SalaaH nuur Eizz shams jamaal kamaal sayf Eimaad badr shihaab khayr"
# "X ul Y" given names (Inam-ul-Haq, Nurul Islam, Fazlur Rahman, Saiful Islam...).
UL_FIRST = """nuur sayf khayr shams inaam Ziyaa' Eayn faDl Habiib mujiib Eaziiz ikraam Eaziz amiin
anwaar riyaaD najm badr kamaal jamaal iHsaan Eimaad fakhr"""
UL_SECOND = "Haqq islaam hudY raHmaan amiin anwaar Hasan kariim Eaziiz Haadii zamaan"

NISBA = """qaHTaanii ghaamidii Eutaybii dawsarii shahrii zahraanii Harbii muTayrii shammarii Eanazii
maalikii tamiimii Eumarii qurashii haashimii Husaynii Hasanii baghdaadii maSrii shaamii Halabii
tuunisii jazaa'irii yamanii Eiraaqii khaTiib najjaar Haddaad Sabbaagh khayyaaT Tabbaakh khaalidii
rashiidii aHmadii saalim Siddiiqii anSaarii faaruuqii Eabbaasii riDwii naqwii jaEfarii zaydii
kaaZimii bukhaarii gilaanii Eawaan qurayshii kubaysii dulaymii jubuurii Eaamirii kindii"""

# Latin-only parts: (spelling alternatives...) — each tuple lists real spellings of one name.
SOUTH_ASIA_FAMILY = [
    ("Khan",),
    ("Begum",),
    ("Bibi",),
    ("Akhtar", "Akhter"),
    ("Chaudhry", "Choudhury", "Chowdhury", "Chaudhary"),
    ("Butt", "But"),
    ("Bhatti",),
    ("Mirza",),
    ("Baig", "Beg"),
    ("Rana",),
    ("Gill",),
    ("Sheikh", "Shaikh", "Shaykh"),
    ("Shah",),
    ("Jan",),
    ("Gul",),
    ("Sultana",),
    ("Khatun", "Khatoon"),
    ("Mia", "Miah", "Mian"),
    ("Sarkar", "Sircar"),
    ("Talukder", "Talukdar"),
    ("Bhuiyan", "Bhuiya", "Bhuyan"),
    ("Mondal", "Mandal"),
    ("Awan",),
    ("Malik",),
    ("Syed", "Sayed", "Sayyid"),
    ("Kazi", "Qazi"),
    ("Mollah", "Molla", "Mulla"),
    ("Sikder", "Sikdar"),
    ("Patwary", "Patwari"),
    ("Hawladar", "Howlader"),
    # Biradari, caste and clan names of Pakistan and Bangladesh.
    ("Rajput",),
    ("Jatt", "Jat"),
    ("Arain", "Araien"),
    ("Qureshi", "Qureishi"),
    ("Ansari",),
    ("Abbasi",),
    ("Kiani", "Kayani"),
    ("Niazi",),
    ("Khattak",),
    ("Yousafzai", "Yusufzai"),
    ("Afridi",),
    ("Durrani",),
    ("Lodhi", "Lodi"),
    ("Ghauri", "Ghouri"),
    ("Mughal", "Moghal"),
    ("Janjua",),
    ("Cheema",),
    ("Bajwa",),
    ("Warraich", "Waraich"),
    ("Ranjha",),
    ("Khokhar",),
    ("Dogar",),
    ("Tarar",),
    ("Gondal",),
    ("Hashmi",),
    ("Jafri", "Jafry"),
    ("Rizvi",),
    ("Naqvi",),
    ("Kazmi",),
    ("Hamdani",),
    ("Biswas",),
    ("Majumder", "Mazumdar"),
    ("Bepari", "Beparee"),
    ("Dewan",),
    ("Khandaker", "Khondoker"),
    ("Mridha",),
    ("Pramanik",),
    ("Munshi",),
    ("Shikder",),
    ("Sardar",),
    ("Pathan",),
    ("Memon",),
    ("Marwat",),
    ("Mengal",),
    ("Bugti",),
    ("Marri",),
    ("Leghari", "Laghari"),
    ("Jatoi",),
    ("Soomro", "Sumro"),
    ("Bhutto",),
]

TURKISH_GIVEN = """Mehmet Emre Murat Burak Serkan Cem Deniz Gökhan Volkan Onur Tolga Barış Elif
Özlem Gül Aylin Derya Sevgi Esra Ebru Tuncay Erdem Kaan Oğuz Cengiz Tarkan Umut Yiğit Berk
Arda Ece Buse Merve Büşra Tuğba Gizem Sibel Serap Nurcan Songül Hülya Ayşe Hatice Emine Fatma
Zeynep Meryem Recep Halil Hüseyin Ömer Süleyman Ramazan İsmail Mustafa Yusuf Osman""".split()
TURKISH_ROOT = """Yıl Kara Ak Öz Demir Kaya Ay Gün Er Bal Çelik Şahin Doğan Arslan Kurt Koç
Aydın Yıldız Tekin Taş Polat Keskin Kılıç Bulut Uçar Erdoğ Şen Tok Çakır Güler Ateş Karaca
Yavuz Bozkurt Çetin Aslan Sarı Tunç Uysal Coşkun Akın Alp Altın Atay Baş Bay Bilgi Bora Cal
Cihan Dal Dede Dinç Duman Ece Ekin Eren Esen Gök Gür Işık Ilgaz Kal Kar Kavak Kaş Kır Kor Kuş
Mert Oral Orhan Ova Ozan Pala Sağ Sal Sevin Sezgin Soy Tan Tay Tepe Toprak Tuna Turan Ulu Ün
Yalçın Yağız Yeşil Yücel Zor""".split()
TURKISH_SUFFIX = [
    "",
    "oğlu",
    "can",
    "han",
    "türk",
    "soy",
    "dağ",
    "el",
    "er",
    "kan",
    "gül",
    "men",
    "ci",
    "lı",
    "demir",
    "kaya",
    "taş",
    "ok",
    "bay",
    "sever",
]

JAVA_ONSET = """su sri wi har bu a dwi jo bam yu hen ru se nu pur ku pra wa ri e tri de rat in les
no pu rah sa ti sup sug suk sur mar par kar dar jar war sar tar ngat mu ha ba da ka la ma na pa
ra ya wid hid tug ted an ar ag go jok ek bud ir ud ut gun bam pri heru yo""".split()
JAVA_MID = "ja ya wa di to ri na ma sa ti la ra ha ta go ju wi".split()
JAVA_END_M = "to no di wan yanto anto ono man adi jo ko yo mo pri ni yat an ar as in ud iman hadi wibowo santoso nugroho".split()
JAVA_END_F = "wati yati ningsih sih ni ti yani ah ana ika ita ari wi sari tari asih rini".split()
INDO_NATIVE = """Siti Sri Dewi Putri Putra Pratama Wahyu Agus Budi Eko Dwi Tri Rizki Nur Nurul
Ayu Indah Fitri Rina Yanti Bayu Adi Andi Arif Hendra Joko Bambang Teguh Slamet Yudi""".split()

AFRICA_GIVEN = [
    ("Mamadou", "Mamadu"),
    ("Amadou", "Amadu", "Ahmadou"),
    ("Ousmane", "Usmane", "Ousman"),
    ("Abdoulaye", "Abdulaye", "Abdoulay"),
    ("Moussa", "Mousa"),
    ("Ibrahima", "Ebrahima"),
    ("Cheikh", "Sheikh", "Cheick"),
    ("Modou", "Modu"),
    ("Lamine", "Lamin"),
    ("Aliou", "Aliu", "Alieu"),
    ("Boubacar", "Bubakar", "Boubakar"),
    ("Souleymane", "Suleiman", "Souleimane"),
    ("Seydou", "Saidou", "Seidou"),
    ("Issa", "Isa"),
    ("Oumar", "Umar"),
    ("Fatoumata", "Fatumata", "Fatoumatta"),
    ("Aminata", "Aminatta"),
    ("Mariama", "Mariam"),
    ("Aissatou", "Aisatou", "Aïssatou"),
    ("Kadiatou", "Khadiatou", "Kadiatu"),
    ("Hawa", "Haoua"),
    ("Awa",),
    ("Rokhaya", "Rokhaya", "Roqaya"),
    ("Binta",),
    ("Adama",),
    ("Salif", "Salifou"),
    ("Bakary", "Bakari"),
    ("Sekou", "Sékou", "Sekouba"),
    ("Aminu",),
    ("Sani",),
    ("Bello", "Belo"),
    ("Garba",),
    ("Danjuma",),
    ("Yakubu",),
    ("Haruna", "Harouna"),
    ("Lawal", "Lawan"),
    ("Nasiru", "Nasir"),
    ("Kabiru", "Kabir"),
    ("Hadiza", "Hadizah"),
    ("Hauwa", "Hauwau"),
]
AFRICA_FAM_A = """dia ba so dio ndia fa ke tou tra cou ci sa ko de bal ma ga kan dan ji ya bel gar kon
nd mb tal sy niang gu ca dem sar kei ou ab ad ol sow dra fo""".split()
AFRICA_FAM_B = """llo ye w p ll re ita libaly sse nogo te nte be mba juma wa dou ssa ko ng ne ro gu ba
ra ta li so ki mara kite bi""".split()
SOMALI_NATIVE = [
    ("Warsame",),
    ("Guled", "Guuleed"),
    ("Hirsi", "Xirsi"),
    ("Aden", "Aadan"),
    ("Abdi", "Cabdi"),
    ("Duale", "Dualeh", "Ducaale"),
    ("Samatar",),
    ("Egal", "Cigaal"),
]

ROOT_CONS = "b t th j H kh d dh r z s sh S D T Z E gh f q k l m n h w".split()
FAMILY_PATTERNS = [
    "1a22aa3",  # fa''aal: Haddaad
    "1u2ay3ii",  # fu'ayli: Eutaybii
    "1a23aanii",  # fa'laanii: zahraanii
    "1aa2i3ii",  # faa'ilii
    "ma12uu3ii",  # maf'uulii
    "1a2ii3ii",  # fa'iilii
    "1a23ii",  # fa'lii
    "1aa2i3",  # faa'il
]


def _weighted_pool(items: list, exponent: float = 0.9) -> tuple[list, list[float]]:
    weights = [1.0 / (rank + 1) ** exponent for rank in range(len(items))]
    total = 0.0
    cum = []
    for w in weights:
        total += w
        cum.append(total)
    return items, cum


# --------------------------------------------------------------------------- styles

Options = list[tuple[str, float]]

DEFAULT: dict[str, Options] = {
    "b": [("b", 1)], "t": [("t", 1)], "T": [("t", 1)], "th": [("th", 0.8), ("s", 0.1), ("t", 0.1)],
    "j": [("j", 1)], "H": [("h", 1)], "kh": [("kh", 1)], "d": [("d", 1)],
    "D": [("d", 0.7), ("dh", 0.3)], "dh": [("dh", 0.6), ("th", 0.2), ("z", 0.2)], "r": [("r", 1)],
    "z": [("z", 1)], "s": [("s", 1)], "S": [("s", 1)], "sh": [("sh", 1)],
    "Z": [("z", 0.5), ("dh", 0.3), ("th", 0.2)], "E": [("", 0.8), ("'", 0.2)], "gh": [("gh", 1)],
    "f": [("f", 1)], "q": [("q", 0.8), ("k", 0.2)], "k": [("k", 1)], "l": [("l", 1)],
    "m": [("m", 1)], "n": [("n", 1)], "h": [("h", 1)], "w": [("w", 1)], "y": [("y", 1)],
    "'": [("", 0.7), ("'", 0.3)], "p": [("p", 1)], "g": [("g", 1)], "ch": [("ch", 1)],
    "zh": [("zh", 1)], "v": [("v", 1)],
    "a": [("a", 0.9), ("e", 0.1)], "i": [("i", 0.85), ("e", 0.15)], "u": [("u", 0.6), ("o", 0.4)],
    "aa": [("a", 0.85), ("aa", 0.15)], "ii": [("i", 0.6), ("ee", 0.4)],
    "uu": [("u", 0.5), ("oo", 0.2), ("ou", 0.3)], "@": [("a", 0.6), ("ah", 0.4)],
    "Y": [("a", 0.9), ("aa", 0.1)], "ay": [("ay", 0.5), ("ai", 0.3), ("ei", 0.2)],
    "aw": [("aw", 0.6), ("au", 0.2), ("ou", 0.2)],
}  # fmt: skip

STYLES: dict[str, dict[str, Options]] = {
    "gulf": {
        "q": [("q", 0.7), ("g", 0.15), ("k", 0.15)], "D": [("dh", 0.5), ("d", 0.5)],
        "ii": [("ee", 0.5), ("i", 0.5)], "uu": [("ou", 0.4), ("oo", 0.3), ("u", 0.3)],
        "u": [("u", 0.5), ("o", 0.5)],
    },
    "levant": {
        "th": [("th", 0.6), ("t", 0.2), ("s", 0.2)], "dh": [("th", 0.3), ("z", 0.4), ("d", 0.3)],
        "Z": [("z", 0.6), ("th", 0.2), ("d", 0.2)], "i": [("i", 0.6), ("e", 0.4)],
        "u": [("o", 0.5), ("u", 0.5)], "ii": [("i", 0.7), ("ee", 0.3)],
        "uu": [("ou", 0.6), ("u", 0.4)], "q": [("q", 0.6), ("k", 0.3), ("'", 0.1)],
    },
    "egypt": {
        "j": [("g", 0.7), ("j", 0.3)], "th": [("s", 0.5), ("th", 0.3), ("t", 0.2)],
        "dh": [("z", 0.6), ("d", 0.2), ("th", 0.2)], "Z": [("z", 0.7), ("d", 0.3)],
        "q": [("k", 0.4), ("q", 0.6)], "i": [("e", 0.5), ("i", 0.5)], "u": [("o", 0.6), ("u", 0.4)],
        "ii": [("i", 0.6), ("y", 0.2), ("ee", 0.2)], "uu": [("o", 0.3), ("ou", 0.4), ("u", 0.3)],
        "a": [("a", 0.8), ("e", 0.2)], "@": [("a", 0.7), ("ah", 0.1), ("e", 0.2)],
    },
    "maghreb": {
        "j": [("dj", 0.4), ("j", 0.6)], "sh": [("ch", 0.7), ("sh", 0.3)],
        "w": [("ou", 0.6), ("w", 0.4)], "u": [("ou", 0.7), ("u", 0.3)], "uu": [("ou", 0.9), ("u", 0.1)],
        "k": [("k", 0.7), ("c", 0.3)], "q": [("k", 0.5), ("q", 0.5)], "ii": [("i", 0.9), ("y", 0.1)],
        "a": [("a", 0.7), ("e", 0.3)], "@": [("a", 0.7), ("e", 0.3)],
    },
    "south_asia": {
        "th": [("s", 0.9), ("th", 0.1)], "dh": [("z", 0.95), ("d", 0.05)],
        "D": [("z", 0.8), ("d", 0.2)], "Z": [("z", 0.9), ("d", 0.1)], "q": [("q", 0.7), ("k", 0.3)],
        "w": [("w", 0.6), ("v", 0.4)], "ii": [("ee", 0.6), ("i", 0.4)], "uu": [("oo", 0.5), ("u", 0.5)],
        "a": [("a", 0.9), ("e", 0.1)], "@": [("a", 0.6), ("ah", 0.4)], "E": [("", 1)],
        "ay": [("ai", 0.5), ("ay", 0.3), ("ei", 0.2)],
    },
    "indonesia": {
        "th": [("ts", 0.4), ("s", 0.5), ("th", 0.1)], "sh": [("sy", 0.8), ("sh", 0.2)],
        "kh": [("kh", 0.6), ("h", 0.2), ("ch", 0.2)], "D": [("dh", 0.4), ("d", 0.6)],
        "dh": [("dz", 0.3), ("z", 0.5), ("d", 0.2)], "Z": [("z", 0.6), ("dh", 0.4)],
        "q": [("q", 0.6), ("k", 0.4)], "f": [("f", 0.9), ("p", 0.1)], "ii": [("i", 1)],
        "uu": [("u", 1)], "aa": [("a", 1)], "@": [("ah", 0.6), ("a", 0.4)],
        "E": [("", 0.9), ("'", 0.1)], "u": [("u", 0.9), ("o", 0.1)], "ay": [("ai", 1)],
        "aw": [("au", 1)],
    },
    "turkey": {
        "j": [("c", 0.9), ("j", 0.1)], "sh": [("ş", 0.6), ("s", 0.4)], "ch": [("ç", 0.6), ("c", 0.4)],
        "kh": [("h", 0.95), ("kh", 0.05)], "q": [("k", 1)], "th": [("s", 1)], "dh": [("z", 1)],
        "D": [("z", 1)], "Z": [("z", 1)], "E": [("", 1)], "gh": [("ğ", 0.5), ("g", 0.5)],
        "w": [("v", 0.95), ("w", 0.05)], "a": [("a", 0.6), ("e", 0.4)],
        "u": [("u", 0.5), ("ü", 0.2), ("o", 0.3)], "i": [("i", 0.7), ("ı", 0.2), ("e", 0.1)],
        "ii": [("i", 1)], "uu": [("u", 0.7), ("ü", 0.3)], "aa": [("a", 1)], "ay": [("ey", 1)],
        "aw": [("ev", 1)], "@": [("e", 0.6), ("a", 0.4)], "Y": [("a", 1)], "'": [("", 1)],
    },
    "west_africa": {
        "u": [("ou", 0.7), ("u", 0.3)], "j": [("dj", 0.3), ("j", 0.7)], "sh": [("ch", 0.5), ("sh", 0.5)],
        "w": [("ou", 0.5), ("w", 0.5)], "k": [("k", 0.5), ("c", 0.5)], "q": [("k", 0.8), ("q", 0.2)],
        "ii": [("i", 1)], "uu": [("ou", 0.6), ("u", 0.4)], "@": [("a", 1)],
        "th": [("s", 0.8), ("th", 0.2)], "dh": [("z", 1)], "D": [("d", 0.7), ("dh", 0.3)],
    },
    "somali": {
        "H": [("x", 0.9), ("h", 0.1)], "E": [("c", 0.9), ("", 0.1)], "aa": [("aa", 0.9), ("a", 0.1)],
        "ii": [("ii", 0.8), ("i", 0.2)], "uu": [("uu", 0.8), ("u", 0.2)],
        "u": [("u", 0.6), ("o", 0.4)], "th": [("s", 1)], "Z": [("dh", 1)], "@": [("o", 0.5), ("a", 0.5)],
    },
    "english_somali": {
        "u": [("u", 0.5), ("o", 0.5)], "ii": [("i", 1)], "uu": [("u", 0.6), ("uu", 0.2), ("ou", 0.2)],
        "th": [("s", 1)],
    },
    "scholarly": {
        "E": [("ʿ", 1)], "'": [("ʾ", 1)], "aa": [("ā", 1)], "ii": [("ī", 1)], "uu": [("ū", 1)],
        "H": [("ḥ", 1)], "S": [("ṣ", 1)], "D": [("ḍ", 1)], "T": [("ṭ", 1)], "Z": [("ẓ", 1)],
        "q": [("q", 1)], "th": [("th", 1)], "dh": [("dh", 1)], "u": [("u", 1)], "i": [("i", 1)],
        "a": [("a", 1)], "@": [("ah", 1)], "Y": [("á", 1)], "ay": [("ay", 1)], "aw": [("aw", 1)],
    },
}  # fmt: skip

# Article forms: (form, weight); "" means the article is not written.
ARTICLE: dict[str, Options] = {
    "gulf": [("Al-", 0.4), ("Al ", 0.3), ("Al", 0.2), ("", 0.1)],
    "levant": [("al-", 0.3), ("Al-", 0.3), ("Al ", 0.2), ("", 0.2)],
    "egypt": [("El-", 0.3), ("El ", 0.3), ("El", 0.2), ("", 0.2)],
    "maghreb": [("El ", 0.4), ("El-", 0.2), ("Al ", 0.2), ("", 0.2)],
    "south_asia": [("", 0.6), ("Al-", 0.2), ("Al ", 0.2)],
    "indonesia": [("", 0.5), ("Al ", 0.2), ("Al-", 0.3)],
    "turkey": [("", 1)],
    "west_africa": [("", 0.7), ("El ", 0.3)],
    "somali": [("", 1)],
    "english_somali": [("", 1)],
    "scholarly": [("al-", 1)],
}
DOUBLING = {
    "gulf": 0.8, "levant": 0.7, "egypt": 0.7, "maghreb": 0.8, "south_asia": 0.6, "indonesia": 0.5,
    "turkey": 0.3, "west_africa": 0.5, "somali": 0.7, "english_somali": 0.5, "scholarly": 1.0,
}  # fmt: skip
REGION_STYLES = {
    "arab": [
        ("gulf", 0.35),
        ("levant", 0.25),
        ("egypt", 0.2),
        ("maghreb", 0.15),
        ("scholarly", 0.05),
    ],
    "south_asia": [("south_asia", 1.0)],
    "indonesia": [("indonesia", 1.0)],
    "turkey": [("turkey", 1.0)],
    "west_africa": [("west_africa", 1.0)],
    "somalia": [("somali", 0.35), ("english_somali", 0.65)],
}
REGIONS = [
    ("arab", 0.36),
    ("south_asia", 0.25),
    ("indonesia", 0.17),
    ("turkey", 0.08),
    ("west_africa", 0.09),
    ("somalia", 0.05),
]
NATIONALITIES = {
    "arab": [
        "SAU",
        "EGY",
        "JOR",
        "SYR",
        "IRQ",
        "YEM",
        "MAR",
        "DZA",
        "TUN",
        "LBY",
        "SDN",
        "ARE",
        "KWT",
        "OMN",
        "QAT",
        "BHR",
        "LBN",
        "PSE",
    ],
    "south_asia": ["PAK", "PAK", "IND", "BGD", "BGD", "AFG"],
    "indonesia": ["IDN", "IDN", "IDN", "MYS"],
    "turkey": ["TUR"],
    "west_africa": ["NGA", "SEN", "MLI", "NER", "GIN", "GMB", "BFA", "TCD"],
    "somalia": ["SOM", "DJI", "ETH", "KEN"],
}
ALPHA3_TO_2 = {
    "SAU": "SA", "EGY": "EG", "JOR": "JO", "SYR": "SY", "IRQ": "IQ", "YEM": "YE", "MAR": "MA",
    "DZA": "DZ", "TUN": "TN", "LBY": "LY", "SDN": "SD", "ARE": "AE", "KWT": "KW", "OMN": "OM",
    "QAT": "QA", "BHR": "BH", "LBN": "LB", "PSE": "PS", "PAK": "PK", "IND": "IN", "BGD": "BD",
    "AFG": "AF", "IDN": "ID", "MYS": "MY", "TUR": "TR", "NGA": "NG", "SEN": "SN", "MLI": "ML",
    "NER": "NE", "GIN": "GN", "GMB": "GM", "BFA": "BF", "TCD": "TD", "SOM": "SO", "DJI": "DJ",
    "ETH": "ET", "KEN": "KE",
}  # fmt: skip

ARABIC = {
    "b": "ب", "t": "ت", "T": "ط", "th": "ث", "j": "ج", "H": "ح", "kh": "خ", "d": "د", "D": "ض",
    "dh": "ذ", "r": "ر", "z": "ز", "s": "س", "S": "ص", "sh": "ش", "Z": "ظ", "E": "ع", "gh": "غ",
    "f": "ف", "q": "ق", "k": "ك", "l": "ل", "m": "م", "n": "ن", "h": "ه", "w": "و", "y": "ي",
    "p": "پ", "g": "گ", "ch": "چ", "zh": "ژ", "v": "و", "aa": "ا", "ii": "ي", "uu": "و",
    "@": "ة", "Y": "ى",
}  # fmt: skip


def _cum(options: Options) -> tuple[tuple[str, ...], tuple[float, ...]]:
    total = sum(w for _, w in options)
    acc = 0.0
    cum = []
    for _, w in options:
        acc += w / total
        cum.append(acc)
    return tuple(o for o, _ in options), tuple(cum)


_TABLES: dict[str, dict[str, tuple[tuple[str, ...], tuple[float, ...]]]] = {
    style: {ph: _cum(opts) for ph, opts in {**DEFAULT, **over}.items()}
    for style, over in STYLES.items()
}
_ARTICLES = {style: _cum(opts) for style, opts in ARTICLE.items()}


def _pick(rng: random.Random, table: tuple[tuple[str, ...], tuple[float, ...]]) -> str:
    values, cum = table
    r = rng.random()
    for v, c in zip(values, cum, strict=True):
        if r <= c:
            return v
    return values[-1]


# --------------------------------------------------------------------------- parts


@dataclass(frozen=True, slots=True)
class Part:
    """One name element. kind: ar (phonemes), lat (spellings), abd, din, ul, conn."""

    kind: str
    ph: tuple[str, ...] = ()
    ph2: tuple[str, ...] = ()
    article: bool = False
    spellings: tuple[str, ...] = ()
    female: bool = False


@dataclass(slots=True)
class Person:
    region: str
    female: bool
    parts: list[Part]
    birth_date: str
    nationality: str
    style: str = ""
    arabic_ok: bool = True
    extra: dict = field(default_factory=dict)


def render_phonemes(ph: tuple[str, ...], style: str, rng: random.Random) -> str:
    table = _TABLES[style]
    double = rng.random() < DOUBLING[style]
    out: list[str] = []
    n = len(ph)
    i = 0
    while i < n:
        p = ph[i]
        nxt = ph[i + 1] if i + 1 < n else ""
        if p == "a" and nxt in ("y", "w") and (i + 2 >= n or ph[i + 2] not in VOWELS):
            out.append(_pick(rng, table["a" + nxt]))
            i += 2
            continue
        if p == nxt and p not in VOWELS:  # geminate
            s = _pick(rng, table[p])
            out.append(s + s if double and len(s) == 1 else s)
            i += 2
            continue
        out.append(_pick(rng, table[p]))
        i += 1
    word = "".join(out)
    if style == "turkey" and word:
        if word.endswith("d"):
            word = word[:-1] + "t"
        elif word.endswith("b"):
            word = word[:-1] + "p"
    return word


def _cap(word: str) -> str:
    return word[:1].upper() + word[1:] if word else word


def render_arabic_word(ph: tuple[str, ...], rng: random.Random, article: bool = False) -> str:
    out: list[str] = []
    hamza_seat = rng.random() < 0.7
    n = len(ph)
    for i, p in enumerate(ph):
        if p in ("a", "i", "u"):
            if i == 0:
                out.append(("إ" if p == "i" else "أ") if hamza_seat else "ا")
            continue
        if p == "'":
            if i == n - 1:
                out.append("ء")
            else:
                near = {ph[i - 1] if i else "", ph[i + 1] if i + 1 < n else ""}
                out.append("ئ" if near & {"i", "ii"} else "ؤ" if near & {"u", "uu"} else "أ")
            continue
        if p == "aa" and i == 0:
            out.append("آ" if hamza_seat else "ا")
            continue
        if p in ("ii", "uu") and i == 0:
            out.append(("إ" if p == "ii" else "أ") if hamza_seat else "ا")
            out.append(ARABIC[p])
            continue
        if i and p == ph[i - 1] and p not in VOWELS:
            continue  # geminate written once
        if p == "@" and rng.random() < 0.15:
            out.append("ه")
            continue
        if p == "Y" and rng.random() < 0.2:
            out.append("ي")
            continue
        out.append(ARABIC[p])
    word = "".join(out)
    return ("ال" + word) if article else word


# --------------------------------------------------------------------------- generator


class NameGenerator:
    """Deterministic generator of persons and of their rendered names."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.male = _weighted_pool([parse(x) for x in MALE.split()])
        self.female = _weighted_pool([parse(x) for x in FEMALE.split()])
        self.persian = _weighted_pool([parse(x) for x in PERSIAN.split()], 0.6)
        self.persian_f = _weighted_pool([parse(x) for x in PERSIAN_F.split()], 0.6)
        self.divine = _weighted_pool([parse(x) for x in DIVINE.split()], 0.7)
        self.din_first = [parse(x) for x in DIN_FIRST.split()]
        self.nisba = _weighted_pool([parse(x) for x in NISBA.split()], 0.7)
        self.sa_family = _weighted_pool(SOUTH_ASIA_FAMILY, 0.8)
        self.africa_given = _weighted_pool(AFRICA_GIVEN, 0.6)
        self.ul_first = UL_FIRST.split()
        self.ul_second = UL_SECOND.split()

    # -- pools
    def _zipf(self, pool: tuple[list, list[float]]):
        items, cum = pool
        r = self.rng.random() * cum[-1]
        lo, hi = 0, len(cum) - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if cum[mid] < r:
                lo = mid + 1
            else:
                hi = mid
        return items[lo]

    def _given(self, female: bool, region: str) -> Part:
        rng = self.rng
        if not female and rng.random() < 0.12:
            if rng.random() < 0.25:
                return Part("abd", ph=parse("allaah"))
            return Part("abd", ph=self._zipf(self.divine))
        if not female and rng.random() < 0.03:
            return Part("din", ph=rng.choice(self.din_first))
        if region == "south_asia" and rng.random() < 0.25:
            return Part("ar", ph=self._zipf(self.persian_f if female else self.persian))
        if region in ("south_asia", "indonesia") and not female and rng.random() < 0.1:
            return Part(
                "ul", ph=parse(rng.choice(self.ul_first)), ph2=parse(rng.choice(self.ul_second))
            )
        return Part("ar", ph=self._zipf(self.female if female else self.male), female=female)

    def _arab_family(self) -> Part:
        rng = self.rng
        if rng.random() < 0.35:
            return Part("ar", ph=self._zipf(self.nisba), article=rng.random() < 0.8)
        root = [rng.choice(ROOT_CONS) for _ in range(3)]
        pattern = rng.choice(FAMILY_PATTERNS)
        notation = "".join(root[int(c) - 1] if c.isdigit() else c for c in pattern)
        return Part("ar", ph=parse(notation), article=rng.random() < 0.75)

    def _java(self, female: bool) -> Part:
        rng = self.rng
        word = rng.choice(JAVA_ONSET)
        if rng.random() < 0.5:
            word += rng.choice(JAVA_MID)
        word += rng.choice(JAVA_END_F if female else JAVA_END_M)
        return Part("lat", spellings=(word.capitalize(),))

    def _turkish_surname(self) -> Part:
        rng = self.rng
        word = rng.choice(TURKISH_ROOT)
        if rng.random() < 0.25:  # compound surnames: Karaaslan, Akyıldız
            word += rng.choice(TURKISH_ROOT).lower()
        word += rng.choice(TURKISH_SUFFIX)
        return Part("lat", spellings=(word,))

    def _africa_family(self) -> Part:
        rng = self.rng
        word = rng.choice(AFRICA_FAM_A) + rng.choice(AFRICA_FAM_B)
        if rng.random() < 0.3:
            word += rng.choice(AFRICA_FAM_B)
        return Part("lat", spellings=(word.capitalize(),))

    def person(self) -> Person:
        rng = self.rng
        region = _pick(rng, _cum(REGIONS))
        female = rng.random() < 0.35
        parts: list[Part] = []
        arabic_ok = True
        if region == "arab":
            parts.append(self._given(female, region))
            if rng.random() < 0.12:
                parts.append(Part("conn", female=female))
            parts.append(self._given(False, region))  # father
            if rng.random() < 0.9:  # grandfather: official documents carry four names
                parts.append(self._given(False, region))
            parts.append(self._arab_family())
        elif region == "south_asia":
            if not female and rng.random() < 0.3:
                parts.append(Part("ar", ph=parse("muHammad")))
            parts.append(self._given(female, region))
            if rng.random() < 0.3:
                parts.append(self._given(female, region))
            if rng.random() < 0.95:  # the father's name, as passports and lists write it
                parts.append(self._given(False, region))
            if rng.random() < 0.45:
                parts.append(Part("lat", spellings=self._zipf(self.sa_family)))
                arabic_ok = False
            else:
                parts.append(Part("ar", ph=self._zipf(self.nisba), article=False))
        elif region == "indonesia":
            arabic_ok = False
            # Hajj and umrah passports of Indonesia carry at least three words: a
            # one-word Javanese name is completed with the father's names.
            if rng.random() < 0.55:
                parts.append(self._given(female, region))
            else:
                parts.append(Part("lat", spellings=(rng.choice(INDO_NATIVE),)))
            parts.append(self._java(female))
            parts.append(self._java(False) if rng.random() < 0.6 else self._given(False, region))
            if rng.random() < 0.35:
                parts.append(
                    self._java(False) if rng.random() < 0.5 else self._given(False, region)
                )
        elif region == "turkey":
            arabic_ok = False
            first = (
                self._given(female, region)
                if rng.random() < 0.5
                else Part("lat", spellings=(rng.choice(TURKISH_GIVEN),))
            )
            parts.append(first)
            if rng.random() < 0.45:
                parts.append(Part("lat", spellings=(rng.choice(TURKISH_GIVEN),)))
            parts.append(self._turkish_surname())
        elif region == "west_africa":
            arabic_ok = False
            parts.append(
                Part("lat", spellings=self._zipf(self.africa_given))
                if rng.random() < 0.5
                else self._given(female, region)
            )
            if rng.random() < 0.7:  # the father's name
                parts.append(self._given(False, region))
            parts.append(self._africa_family())
        else:  # somalia: given + father + grandfather, no family name
            arabic_ok = False
            parts.append(self._given(female, region))
            parts.append(self._given(False, region))
            parts.append(
                Part("lat", spellings=rng.choice(SOMALI_NATIVE))
                if rng.random() < 0.3
                else self._given(False, region)
            )
            if rng.random() < 0.5:  # great-grandfather or clan name
                parts.append(
                    Part("lat", spellings=rng.choice(SOMALI_NATIVE))
                    if rng.random() < 0.5
                    else self._given(False, region)
                )
        year = rng.randint(1940, 2006)
        birth = f"{year:04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        nationality = rng.choice(NATIONALITIES[region])
        styles = REGION_STYLES[region]
        style = _pick(rng, _cum(styles))
        return Person(region, female, parts, birth, nationality, style, arabic_ok)

    # -- rendering
    def render(
        self,
        person: Person,
        *,
        style: str | None = None,
        arabic: bool = False,
        rng: random.Random | None = None,
    ) -> list[str]:
        """Name tokens (strings, possibly with spaces/hyphens inside) of one rendering."""
        rng = rng or self.rng
        style = style or person.style
        words: list[str] = []
        for part in person.parts:
            words.append(self.render_part(part, person, style, arabic, rng))
        return [w for w in words if w]

    def render_part(
        self, part: Part, person: Person, style: str, arabic: bool, rng: random.Random
    ) -> str:
        if part.kind == "lat":
            return rng.choice(part.spellings)
        if part.kind == "conn":
            if arabic:
                return "بنت" if part.female else rng.choice(["بن", "ابن"])
            if part.female:
                return rng.choice(["bint", "binti", "Bint"])
            return rng.choice(
                ["bin", "Bin", "ibn", "b."] if style != "maghreb" else ["ben", "Ben", "bin"]
            )
        if arabic:
            if part.kind == "ar":
                return render_arabic_word(part.ph, rng, part.article)
            if part.kind == "abd":
                root = (
                    "الله" if part.ph == parse("allaah") else render_arabic_word(part.ph, rng, True)
                )
                return "عبد" + rng.choice([" ", ""]) + root
            if part.kind == "din":
                return render_arabic_word(part.ph, rng) + " الدين"
            return render_arabic_word(part.ph, rng) + " " + render_arabic_word(part.ph2, rng, True)
        if part.kind == "ar":
            word = _cap(render_phonemes(part.ph, style, rng))
            if not part.article:
                return word
            form = _pick(rng, _ARTICLES[style])
            if form and part.ph[0] in SUN and rng.random() < 0.2:
                # Assimilated article: its consonant is the word's own first one.
                lower = word.lower()
                first = lower[:2] if lower[:2] in ("th", "dh", "sh", "ts", "dz") else lower[:1]
                form = form[0] + first + form[2:]
            return form + word if form.endswith(("-", " ")) or not form else form + word.lower()
        if part.kind == "abd":
            if part.ph == parse("allaah"):
                forms = ["Abdullah", "Abdallah", "Abd Allah", "Abdulla", "Abdallah", "Abd-Allah"]
                if style == "west_africa":
                    forms = ["Abdoulaye", "Abdullahi", "Abdallah"]
                if style == "somali":
                    forms = ["Cabdullaahi", "Cabdulle"]
                return rng.choice(forms)
            root = render_phonemes(part.ph, style, rng)
            cap = _cap(root)
            sun = part.ph[0] in SUN
            forms = [
                f"Abd al-{cap}",
                f"Abdul {cap}",
                f"Abdul-{cap}",
                f"Abdul{root}",
                f"Abdel {cap}",
                f"Abdel{root}",
                f"Abd {cap}",
            ]
            if sun:
                first = render_phonemes(part.ph[:1], style, rng)
                forms += [
                    f"Abd{'u' if style != 'maghreb' else 'e'}{first}{root}",
                    f"Abd ar-{cap}" if first == "r" else f"Abd al-{cap}",
                ]
            if style in ("west_africa",):
                forms += [f"Abdoul {cap}", f"Abdou{root}"]
            if style == "somali":
                forms = [f"Cabdi{root}", f"Cabdul {cap}", f"Cabdi {cap}"]
            if style == "english_somali":
                forms += [f"Abdi{root}", f"Abdi {cap}"]
            return rng.choice(forms)
        if part.kind == "din":
            first = _cap(render_phonemes(part.ph, style, rng))
            forms = [
                f"{first} al-Din",
                f"{first}uddin",
                f"{first} Uddin",
                f"{first} ad-Din",
                f"{first} Eddine",
                f"{first.lower().capitalize()}eddine",
                f"{first} el-Din",
                f"{first}-ud-Din",
            ]
            return rng.choice(forms)
        # "ul" compound: X ul Y
        a = _cap(render_phonemes(part.ph, style, rng))
        b = _cap(render_phonemes(part.ph2, style, rng))
        forms = [f"{a}ul {b}", f"{a} ul {b}", f"{a}-ul-{b}", f"{a} al-{b}", f"{a}-al-{b}"]
        return rng.choice(forms)

    def full_name(self, person: Person, **kwargs) -> str:
        return " ".join(self.render(person, **kwargs))


# --------------------------------------------------------------------------- variants

_ARABIC_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
_LATIN_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def typo(word: str, rng: random.Random) -> str:
    """One edit (substitution, deletion, insertion or adjacent transposition) in ``word``."""
    letters = _ARABIC_LETTERS if any("\u0600" <= c <= "\u06ff" for c in word) else _LATIN_LETTERS
    positions = [i for i, c in enumerate(word) if c.isalpha()]
    if len(positions) < 2:
        return word
    i = rng.choice(positions)
    kind = rng.choice(("sub", "del", "ins", "swap"))
    if kind == "sub":
        new = rng.choice([c for c in letters if c != word[i].lower()])
        return word[:i] + (new.upper() if word[i].isupper() else new) + word[i + 1 :]
    if kind == "del":
        return word[:i] + word[i + 1 :]
    if kind == "ins":
        return word[:i] + rng.choice(letters) + word[i:]
    j = i + 1 if i + 1 < len(word) and word[i + 1].isalpha() else i - 1
    a, b = sorted((i, j))
    return word[:a] + word[b] + word[a] + word[b + 1 :]
