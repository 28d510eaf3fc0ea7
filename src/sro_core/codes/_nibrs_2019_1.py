# GENERATED FILE - DO NOT EDIT.
# Written by tools/build_codes.py from the FBI's NIBRS IEPD 2019.1 schema files
# (paths under the IEPD's base-xsd folder, with their SHA-256):
#   cjis/2.0/cjis-codes.xsd
#     87b2949218c74acd9fc9521a6b02153674d06bf3affbd22153a0aa210b760186
#   nibrs/2019/nibrs-codes.xsd
#     7c22de0c596fc1b1d97403fa07b5d7f7e2a51aea57e8f7e06c7c492d1d81dba0
#   niem/codes/fbi_ncic/3.2/fbi_ncic.xsd
#     7f12af53666aba7ea4ed3d28c5414629391773604d85da765adbeb7319c17eb2
#   niem/codes/fbi_ndex/3.1/fbi_ndex.xsd
#     1c3e18ecd742c5f8a9c499d61c74d9444ffe70c18cb3ec59459d389b69ca1d50
#   niem/codes/fbi_ucr/3.2/fbi_ucr.xsd
#     7f58447a8e0322aeead2452f606dbb8161782440a4c56904a7092776c55f2a04
# To regenerate, run from the repository root:
#   python tools/build_codes.py ../shared/nibrs-iepd-2019.1/base-xsd
"""NIBRS 2019.1 code lists: (code, description) pairs in schema order (generated)."""

from typing import Final

VERSION: Final = "2019.1"

# OffenseCodeSimpleType in nibrs/2019/nibrs-codes.xsd
OFFENSE: Final[tuple[tuple[str, str], ...]] = (
    ("09A", "Murder & Nonnegligent Manslaughter"),
    ("09B", "Negligent Manslaughter"),
    ("09C", "Justifiable Homicide"),
    ("100", "Kidnapping/Abduction"),
    ("11A", "Rape"),
    ("11B", "Sodomy"),
    ("11C", "Sexual Assault With An Object"),
    ("11D", "Fondling"),
    ("120", "Robbery"),
    ("13A", "Aggravated Assault"),
    ("13B", "Simple Assault"),
    ("13C", "Intimidation"),
    ("200", "Arson"),
    ("210", "Extortion/Blackmail"),
    ("220", "Burglary/Breaking & Entering"),
    ("23A", "Pocket-picking"),
    ("23B", "Purse-snatching"),
    ("23C", "Shoplifting"),
    ("23D", "Theft From Building"),
    ("23E", "Theft From Coin-Operated Machine or Device"),
    ("23F", "Theft From Motor Vehicle"),
    ("23G", "Theft of Motor Vehicle Parts or Accessories"),
    ("23H", "All Other Larceny"),
    ("240", "Motor Vehicle Theft"),
    ("250", "Counterfeiting/Forgery"),
    ("26A", "False Pretenses/Swindle/Confidence Game"),
    ("26B", "Credit Card/Automated Teller Machine Fraud"),
    ("26C", "Impersonation"),
    ("26D", "Welfare Fraud"),
    ("26E", "Wire Fraud"),
    ("26F", "Identity Theft"),
    ("26G", "Hacking/Computer Invasion"),
    ("270", "Embezzlement"),
    ("280", "Stolen Offenses"),
    ("290", "Destruction/Damage/Vandalism of Property"),
    ("35A", "Drug/Narcotic Violations"),
    ("35B", "Drug Equipment Violations"),
    ("36A", "Incest"),
    ("36B", "Statutory Rape"),
    ("370", "Pornography/Obscene Material"),
    ("39A", "Betting/Wagering"),
    ("39B", "Operating/Promoting/Assisting Gambling"),
    ("39C", "Gambling Equipment Violation"),
    ("39D", "Sports Tampering"),
    ("40A", "Prostitution"),
    ("40B", "Assisting or Promoting Prostitution"),
    ("40C", "Purchasing Prostitution"),
    ("510", "Bribery"),
    ("520", "Weapon Law Violations"),
    ("64A", "Human Trafficking, Commercial Sex Acts"),
    ("64B", "Human Trafficking, Involuntary Servitude"),
    ("720", "Animal Cruelty"),
    ("90A", "Bad Checks"),
    ("90B", "Curfew/Loitering/Vagrancy Violations"),
    ("90C", "Disorderly Conduct"),
    ("90D", "Driving Under the Influence"),
    ("90E", "Drunkenness"),
    ("90F", "Family Offenses, Nonviolent"),
    ("90G", "Liquor Law Violations"),
    ("90H", "Peeping Tom"),
    ("90I", "Runaway"),
    ("90J", "Trespass of Real"),
    ("90Z", "All Other Offenses"),
)

# LocationCategoryCodeSimpleType in nibrs/2019/nibrs-codes.xsd
LOCATION: Final[tuple[tuple[str, str], ...]] = (
    ("01", "air/ bus/ train terminal"),
    ("02", "bank/ savings and loan"),
    ("03", "bar/ nightclub"),
    ("04", "church/ synagogue/ temple/ mosque"),
    ("05", "commercial/ office building"),
    ("06", "construction site"),
    ("07", "convenience store"),
    ("08", "department/ discount/ store"),
    ("09", "drug store/ doctor's office/ hospital"),
    ("10", "field/ woods"),
    ("11", "government/ public building"),
    ("12", "grocery/ supermarket"),
    ("13", "highway/ road/ alley/ street/ sidewalk"),
    ("14", "hotel/ motel/ etc."),
    ("15", "jail/ prison/ penetentiary/ corrections facility"),
    ("16", "lake/ waterway/ beach"),
    ("17", "liquor store"),
    ("18", "parking/ drop lot/ garage"),
    ("19", "rental storage facility"),
    ("20", "residence/ home"),
    ("21", "restaurant"),
    ("22", "school/ college"),
    ("23", "service/ gas station"),
    ("24", "specialty store"),
    ("25", "other/ unknown"),
    ("37", "Abandoned/ Condemned Structure"),
    ("38", "Amusement Park"),
    ("39", "Arena/ Stadium/ Fairgrounds/Coliseum"),
    ("40", "ATM Separate from Bank"),
    ("41", "Auto Dealership New/Used"),
    ("42", "Camp/ Campground"),
    ("44", "Daycare Facility"),
    ("45", "Dock/ Wharf/ Freight/Modal Terminal"),
    ("46", "Farm Facility"),
    ("47", "Gambling Facility/ Casino/ Race Track"),
    ("48", "Industrial Site"),
    ("49", "Military Installation"),
    ("50", "Park/ Playground"),
    ("51", "Rest Area"),
    ("52", "School - College/ University"),
    ("53", "School - Elementary/ Secondary"),
    ("54", "Shelter - Mission/ Homeless"),
    ("55", "Shopping Mall"),
    ("56", "Tribal Lands"),
    ("57", "Community Center"),
    ("58", "Cyberspace"),
)

# CriminalActivityCategoryCodeSimpleType in nibrs/2019/nibrs-codes.xsd
CRIMINAL_ACTIVITY: Final[tuple[tuple[str, str], ...]] = (
    (
        "A",
        (
            "Simple/Gross Neglect (unintentionally, intentionally, or knowingly failing to provide "
            "food, water, shelter, veterinary care, hoarding, etc.)"
        ),
    ),
    ("B", "Buying/Receiving"),
    ("C", "Cultivating/Manufacturing/Publishing (i.e., production of any type)"),
    ("D", "Distributing/Selling"),
    ("E", "Exploiting Children"),
    ("F", "Organized Abuse (Dog Fighting and Cock Fighting)"),
    ("G", "Other Gang"),
    (
        "I",
        "Intentional Abuse and Torture (tormenting, mutilating, maiming,poisoning, or abandonment)",
    ),
    ("J", "Juvenile Gang"),
    ("N", "None/Unknown (Mutually Exclusive)"),
    ("O", "Operating/Promoting/Assisting"),
    ("P", "Possessing/Concealing"),
    ("S", "Animal Sexual Abuse (Bestiality)"),
    ("T", "Transporting/Transmitting/Importing"),
    ("U", "Using/Consuming"),
)

# BiasMotivationCodeSimpleType in niem/codes/fbi_ndex/3.1/fbi_ndex.xsd
BIAS_MOTIVATION: Final[tuple[tuple[str, str], ...]] = (
    (
        "ANTIAMERICAN INDIAN_ ALASKAN NATIVE",
        "Anti-American Indian or Alaskan Native_race ethnicity bias",
    ),
    ("ANTIARAB", "Anti-Arab_race ethnicity bias"),
    ("ANTIASIAN", "Anti-Asian_race ethnicity bias"),
    ("ANTIATHEIST_AGNOSTIC", "Anti-Atheist or Agnostic_religious bias"),
    ("ANTIBISEXUAL", "Anti-Bisexual"),
    ("ANTIBLACK_AFRICAN AMERICAN", "Anti-Black or African American_race ethnicity bias"),
    ("ANTIBUDDHIST", "Anti-Buddhist_religious bias"),
    ("ANTICATHOLIC", "Anti-Catholic religion_religious bias"),
    ("ANTIEASTERNORTHODOX", "Anti-Eastern Orthodox (Russian, Greek, Other)_religious bias"),
    ("ANTIFEMALE", "Anti-Female_gender bias"),
    ("ANTIFEMALE HOMOSEXUAL", "Anti-Female Homosexual (Lesbian) _sexual orientation bias"),
    ("ANTIGENDER_NONCONFORMING", "Anti-Gender Non-Conforming"),
    ("ANTIHETEROSEXUAL", "Anti-Heterosexual _sexual orientation bias"),
    ("ANTIHINDU", "Anti-Hindu_religious bias"),
    ("ANTIHISPANIC_LATINO", "Anti-Hispanic or Latino_race ethnicity bias"),
    (
        "ANTIHOMOSEXUAL",
        (
            "Anti-Homosexual, e.g., Lesbian, Gay, Bisexual, and transgender (mixed group), _sexual "
            "orientation bias"
        ),
    ),
    ("ANTIISLAMIC", "Anti-Islamic, includes muslim_religious bias"),
    ("ANTIJEHOVAHWITNESS", "Anti-Jehovah's Witness_religious bias"),
    ("ANTIJEWISH", "Anti-Jewish_religious bias"),
    ("ANTIMALE", "Anti-Male_gender bias"),
    ("ANTIMALE HOMOSEXUAL", "Anti-Male Homosexual (Gay) _sexual orientation bias"),
    ("ANTIMENTAL DISABILITY", "Anti-Mental Disability_disability bias"),
    ("ANTIMORMON", "Anti-Mormon_religious bias"),
    (
        "ANTIMULTIRACIAL GROUP",
        (
            "Anti-Multi-Racial Group, e.g., Arab and Asian and American Indian and White and "
            "etc._race ethnicity bias"
        ),
    ),
    (
        "ANTIMULTIRELIGIOUS GROUP",
        "Anti-Multi-Religious Group, e.g., Catholic and Mormon and Islamic and etc._religious bias",
    ),
    (
        "ANTINATIVEHAWAIIAN_OTHERPACIFICISLANDER",
        "Anti-Native Hawaiian or Other Pacific Islander_race ethnicity bias",
    ),
    ("ANTIOTHER CHRISTIAN", "Anti-Other Christian_religious bias"),
    (
        "ANTIOTHER ETHNICITY_NATIONAL ORIGIN",
        "Anti-Other Race, Ethnicity, Ancestry, or National Origin_race ethnicity bias",
    ),
    ("ANTIOTHER RELIGION", "Anti-Other Religion_religious bias"),
    ("ANTIPHYSICAL DISABILITY", "Anti-Physical Disability_disability bias"),
    ("ANTIPROTESTANT", "Anti-Protestant_religious bias"),
    ("ANTISIKH", "Anti-Sikh_religious bias"),
    ("ANTITRANSGENDER", "Anti-Transgender_gender identity"),
    ("ANTIWHITE", "Anti-White_race ethnicity bias"),
    ("NONE", "None (no bias)"),
    ("UNKNOWN", "Unknown (offender's motivation not known)"),
)

# ForceCategoryCodeSimpleType in niem/codes/fbi_ucr/3.2/fbi_ucr.xsd
FORCE: Final[tuple[tuple[str, str], ...]] = (
    ("11", "Firearm (type not stated)"),
    ("11A", "Automatic Firearm (type not stated)"),
    ("12", "Handgun"),
    ("12A", "Automatic Handgun"),
    ("13", "Rifle"),
    ("13A", "Automatic Rifle"),
    ("14", "Shotgun"),
    ("14A", "Automatic Shotgun"),
    ("15", "Other Firearm"),
    ("15A", "Other Automatic Firearm"),
    ("20", "Knife/Cutting Instrument"),
    ("30", "Blunt Object"),
    ("35", "Motor Vehicle"),
    ("40", "Personal Weapons"),
    ("50", "Poison"),
    ("60", "Explosives"),
    ("65", "Fire/ Incendiary Device"),
    ("70", "Drugs/ Narcotics/ Sleeping Pills"),
    ("85", "Asphyxiation"),
    ("90", "Other"),
    ("95", "Unknown"),
    ("99", "None"),
)

# IncidentFactorCodeSimpleType in niem/codes/fbi_ucr/3.2/fbi_ucr.xsd
OFFENDER_SUSPECTED_OF_USING: Final[tuple[tuple[str, str], ...]] = (
    ("A", "Alcohol"),
    ("C", "Computer Equipment"),
    ("D", "Drugs/ Narcotics"),
    ("N", "Not Applicable"),
)

# VictimCategoryCodeSimpleType in niem/codes/fbi_ucr/3.2/fbi_ucr.xsd
VICTIM_TYPE: Final[tuple[tuple[str, str], ...]] = (
    ("B", "Business"),
    ("F", "Financial Institution"),
    ("G", "Government"),
    ("I", "Individual"),
    ("L", "Law Enforcement Officer"),
    ("O", "Other"),
    ("R", "Religious Organization"),
    ("S", "Society/ Public"),
    ("U", "Unknown"),
)

# InjuryCategoryCodeSimpleType in niem/codes/fbi_ucr/3.2/fbi_ucr.xsd
INJURY: Final[tuple[tuple[str, str], ...]] = (
    ("B", "apparent broken bones"),
    ("I", "possible internal injury"),
    ("L", "severe laceration"),
    ("M", "apparent minor injury"),
    ("N", "none"),
    ("O", "other major injury"),
    ("T", "loss of teeth"),
    ("U", "unconsciousness"),
)

# VictimToSubjectRelationshipCodeSimpleType in nibrs/2019/nibrs-codes.xsd
RELATIONSHIP: Final[tuple[tuple[str, str], ...]] = (
    ("Acquaintance", "Acquaintance"),
    ("Babysittee", "Babysittee"),
    ("Boyfriend_Girlfriend", "Boyfriend/Girlfriend"),
    ("Child of Boyfriend_Girlfriend", "Child of Boyfriend_Girlfriend"),
    ("Employee", "Employee"),
    ("Employer", "Employer"),
    ("Ex_Relationship", "Ex-Relationship (Ex-Boyfriend/Ex-Girlfriend)"),
    ("Ex_Spouse", "Ex_Spouse"),
    ("Family Member", "Family Member"),
    ("Family Member_Child", "Child"),
    ("Family Member_Grandchild", "Grandchild"),
    ("Family Member_Grandparent", "Grandparent"),
    ("Family Member_In-Law", "In-Law"),
    ("Family Member_Parent", "Parent"),
    ("Family Member_Sibling", "Sibling"),
    ("Family Member_Spouse", "Family Member_Spouse"),
    ("Family Member_Spouse_Common Law", "Spouse_Common Law"),
    ("Family Member_Stepchild", "Stepchild"),
    ("Family Member_Stepparent", "Stepparent"),
    ("Family Member_Stepsibling", "Stepsibling"),
    ("Friend", "Friend"),
    ("Neighbor", "Neighbor"),
    ("NonFamily_Otherwise Known", "NonFamily_Otherwise Known"),
    ("Relationship Unknown", "Relationship Unknown"),
    ("Stranger", "Stranger"),
    ("Victim Was Offender", "Victim Was Offender"),
)

# AggravatedAssaultHomicideFactorsCodeSimpleType in niem/codes/fbi_ucr/3.2/fbi_ucr.xsd
AGGRAVATED_ASSAULT_CIRCUMSTANCE: Final[tuple[tuple[str, str], ...]] = (
    ("01", "Argument"),
    ("02", "Assault on Law Enforcement Officer(s)"),
    ("03", "Drug Dealing"),
    ("04", "Gangland (Organized Crime Involvement)"),
    ("05", "Juvenile Gang"),
    ("06", "Lovers' Quarrel"),
    ("07", "Mercy Killing (Not applicable to Aggravated Assault)"),
    ("08", "Other Felony Involved"),
    ("09", "Other Circumstances"),
    ("10", "Unknown Circumstances"),
    ("20", "Criminal Killed by Private Citizen"),
    ("21", "Criminal Killed by Police Officer"),
    ("30", "Child Playing With Weapon"),
    ("31", "Gun-Cleaning Accident"),
    ("32", "Hunting Accident"),
    ("33", "Other Negligent Weapon Handling"),
    ("34", "Other Negligent Killings"),
)

# JustifiableHomicideFactorsCodeSimpleType in niem/codes/fbi_ucr/3.2/fbi_ucr.xsd
JUSTIFIABLE_HOMICIDE_CIRCUMSTANCE: Final[tuple[tuple[str, str], ...]] = (
    ("A", "Criminal Attacked Police Officer and That Officer Killed Criminal"),
    ("B", "Criminal Attacked Police Officer and Criminal Killed by Another Police Officer"),
    ("C", "Criminal Attacked a Civilian"),
    ("D", "Criminal Attempted Flight From a Crime"),
    ("E", "Criminal Killed in Commission of a Crime"),
    ("F", "Criminal Resisted Arrest"),
    ("G", "Unable to Determine/Not Enough Information"),
)

# ArrestCategoryCodeSimpleType in niem/codes/fbi_ucr/3.2/fbi_ucr.xsd
ARREST_TYPE: Final[tuple[tuple[str, str], ...]] = (
    ("O", "On-View Arrest"),
    ("S", "Summoned/ Cited"),
    ("T", "Taken Into Custody"),
)

# ArresteeWeaponCodeSimpleType in niem/codes/fbi_ucr/3.2/fbi_ucr.xsd
ARRESTEE_WEAPON: Final[tuple[tuple[str, str], ...]] = (
    ("01", "Unarmed"),
    ("11", "Firearm (type not stated)"),
    ("11A", "Firearm (type not stated) - Automatic"),
    ("12", "Handgun"),
    ("12A", "Handgun - Automatic"),
    ("13", "Rifle"),
    ("13A", "Rifle - Automatic"),
    ("14", "Shotgun"),
    ("14A", "Shotgun - Automatic"),
    ("15", "Other Firearm"),
    ("15A", "Other Firearm - Automatic"),
    ("16", "Lethal Cutting Instrument"),
    ("17", "Club/ Blackjack/ Brass Knuckles"),
)

# JuvenileDispositionCodeSimpleType in niem/codes/fbi_ndex/3.1/fbi_ndex.xsd
JUVENILE_DISPOSITION: Final[tuple[tuple[str, str], ...]] = (
    ("H", "Handled Within Department"),
    ("R", "Referred to Other Authorities"),
)

# MultipleArresteeSegmentsCodeSimpleType in niem/codes/fbi_ucr/3.2/fbi_ucr.xsd
MULTIPLE_ARRESTEE: Final[tuple[tuple[str, str], ...]] = (
    ("C", "Count Arrestee"),
    ("M", "Multiple"),
    ("N", "Not Applicable"),
)

# ItemStatusCodeSimpleType in cjis/2.0/cjis-codes.xsd
PROPERTY_LOSS: Final[tuple[tuple[str, str], ...]] = (
    ("BURNED", "Burned"),
    ("COUNTERFEITED", "Counterfeited, includes forged"),
    ("DESTROYED_DAMAGED_VANDALIZED", "Destroyed_Damaged_Vandalized"),
    ("NONE", "None"),
    ("RECOVERED", "Recovered (To impound property previously stolen)"),
    ("SEIZED", "Seized (To impound property not previously stolen)"),
    ("STOLEN", "Stolen"),
    ("UNKNOWN", "Unknown"),
)

# PropertyCategoryCodeSimpleType in niem/codes/fbi_ucr/3.2/fbi_ucr.xsd
PROPERTY_DESCRIPTION: Final[tuple[tuple[str, str], ...]] = (
    ("01", "aircraft"),
    ("02", "alcohol"),
    ("03", "automobile"),
    ("04", "bicycles"),
    ("05", "buses"),
    ("06", "clothes/ furs"),
    ("07", "computer hardware/ software"),
    ("08", "consumable goods"),
    ("09", "credit/ debit cards"),
    ("10", "drugs/ narcotics"),
    ("11", "drug/ narcotic equipment"),
    ("12", "farm equipment"),
    ("13", "firearms"),
    ("14", "gambling equipment"),
    ("15", "heavy construction/ industrial equipment"),
    ("16", "household goods"),
    ("17", "jewelry/ precious metals/ gems"),
    ("18", "livestock"),
    ("19", "merchandise"),
    ("20", "money"),
    ("21", "negotiable instruments"),
    ("22", "nonnegotiable instruments"),
    ("23", "office-type equipment"),
    ("24", "other motor vehicles"),
    ("25", "purses/ handbags/ wallets"),
    ("26", "radios/ tvs/ vcrs/ dvd players"),
    ("27", "recordings - audio/ visual"),
    ("28", "recreational vehicles"),
    ("29", "structures - single occupancy dwellings"),
    ("30", "structures - other dwellings"),
    ("31", "structures - other commercial/ business"),
    ("32", "structures - industrial/ manufacturing"),
    ("33", "structures - public/ community"),
    ("34", "structures - storage"),
    ("35", "structures - other"),
    ("36", "tools"),
    ("37", "trucks"),
    ("38", "vehicle parts/ accessories"),
    ("39", "watercraft"),
    ("41", "aircraft parts/ accessories"),
    ("42", "artistic supplies/ accessories"),
    ("43", "building materials"),
    ("44", "Camping/ Hunting/ Fishing Equipment/ Supplies"),
    ("45", "Chemicals"),
    ("46", "Collections/ Collectibles"),
    ("47", "Crops"),
    ("48", "Documents/ Personal or Business"),
    ("49", "Explosives"),
    ("59", "Firearm Accessories"),
    ("64", "Fuel"),
    ("65", "Identity Documents"),
    ("66", "Identity - Intangible"),
    ("67", "Law Enforcement Equipment"),
    ("68", "Lawn/ Yard/ Garden Equipment"),
    ("69", "Logging Equipment"),
    ("70", "Medical/ Medical Lab Equipment"),
    ("71", "Metals, Non-Precious"),
    ("72", "Musical Instruments"),
    ("73", "Pets"),
    ("74", "Photographic/ Optical Equipment"),
    ("75", "Portable Electronic Communications"),
    ("76", "Recreational/ Sports Equipment"),
    ("77", "Other"),
    ("78", "Trailers"),
    ("79", "Watercraft Equipment/Parts/Accessories"),
    ("80", "Weapons - Other"),
    ("88", "Pending Inventory"),
)

# DrugCategoryCodeSimpleType in niem/codes/fbi_ucr/3.2/fbi_ucr.xsd
DRUG_TYPE: Final[tuple[tuple[str, str], ...]] = (
    ("A", "crack cocaine"),
    ("B", "cocaine"),
    ("C", "hashish"),
    ("D", "heroin"),
    ("E", "marijuana"),
    ("F", "morphine"),
    ("G", "opium"),
    ("H", "other narcotics"),
    ("I", "LSD"),
    ("J", "PCP"),
    ("K", "other hallucingens"),
    ("L", "amphetamines/ methamphetamines"),
    ("M", "other stimulants"),
    ("N", "barbiturates"),
    ("O", "other depressants"),
    ("P", "other drugs"),
    ("U", "unknown drug type"),
    ("X", "over 3 drug types"),
)

# DrugMeasurementCodeSimpleType in niem/codes/fbi_ucr/3.2/fbi_ucr.xsd
DRUG_UNIT: Final[tuple[tuple[str, str], ...]] = (
    ("DU", "Dosage Units/ Items"),
    ("FO", "Fluid Ounce"),
    ("GL", "Gallon"),
    ("GM", "Gram"),
    ("KG", "Kilogram"),
    ("LB", "Pound"),
    ("LT", "Liter"),
    ("ML", "Milliliter"),
    ("NP", "Number of Plants"),
    ("OZ", "Ounce"),
    ("XX", "Not Reported"),
)

# SEXCodeSimpleType in niem/codes/fbi_ncic/3.2/fbi_ncic.xsd
SEX: Final[tuple[tuple[str, str], ...]] = (
    ("F", "Female"),
    ("M", "Male"),
    ("U", "Unknown - For Unidentified Only"),
)

# RACCodeSimpleType in niem/codes/fbi_ndex/3.1/fbi_ndex.xsd
RACE: Final[tuple[tuple[str, str], ...]] = (
    (
        "A",
        (
            "ASIAN: A person having origins in any of the original peoples of the Far East, "
            "Southeast Asia, or the Indian subcontinent including, for example, Cambodia, China, "
            "India, Japan, Korea, Malaysia, Pakistan, the Philippine Islands, Thailand, and "
            "Vietnam."
        ),
    ),
    ("B", "BLACK: A person having origins in any of the black racial groups of Africa."),
    (
        "I",
        (
            "AMERICAN INDIAN or ALASKAN NATIVE: A person having origins in any of the original "
            "peoples of the Americas and maintaining cultural identification through tribal "
            "affiliations or community recognition."
        ),
    ),
    (
        "P",
        (
            "NATIVE HAWAIIAN or OTHER PACIFIC ISLANDER: A person having origins in any of the "
            'original peoples of Hawaii, Guam, Samoa, or other Pacific Islands. The term "Native '
            'Hawaiian" does not include individuals who are native to the State of Hawaii by '
            "virtue of being born there. However, the following Pacific Islander groups are "
            "included: Carolinian, Fijian, Kosraean, Melanesian, Micronesian, Northern Mariana "
            "Islander, Palauan, Papua New Guinean, Ponapean (Pohnpelan), Polynesian, Solomon "
            "Islander, Tahitian, Tarawa Islander, Tokelauan, Tongan, Trukese (Chuukese), and "
            "Yapese."
        ),
    ),
    ("U", "UNKNOWN"),
    (
        "W",
        (
            "WHITE: A person having origins in any of the original peoples of Europe, North "
            "Africa, or Middle East."
        ),
    ),
)

# EthnicityCodeSimpleType in niem/codes/fbi_ucr/3.2/fbi_ucr.xsd
ETHNICITY: Final[tuple[tuple[str, str], ...]] = (
    ("H", "Hispanic or Latino"),
    ("N", "Not Hispanic or Latino"),
    ("U", "Unknown"),
)

# ResidentCodeSimpleType in niem/codes/fbi_ucr/3.2/fbi_ucr.xsd
RESIDENT_STATUS: Final[tuple[tuple[str, str], ...]] = (
    ("N", "Nonresident"),
    ("R", "Resident"),
    ("U", "Unknown"),
)

# IncidentExceptionalClearanceCodeSimpleType in niem/codes/fbi_ucr/3.2/fbi_ucr.xsd
EXCEPTIONAL_CLEARANCE: Final[tuple[tuple[str, str], ...]] = (
    ("A", "Death of Offender"),
    ("B", "Prosecution Declined (by the prosecutor for other than lack of probable cause)"),
    ("C", "In Custody of Other Jurisdiction"),
    ("D", "Victim Refused to Cooperate (in the prosecution)"),
    (
        "E",
        (
            "Juvenile/No Custody (the handling of a juvenile without taking him/her into custody, "
            "but rather by oral or written notice given to the parents or legal guardian in a case "
            "involving a minor offense, such as a petty larceny)"
        ),
    ),
    ("N", "Not Applicable (not cleared exceptionally)"),
)

# MethodOfEntryCodeSimpleType in niem/codes/fbi_ucr/3.2/fbi_ucr.xsd
METHOD_OF_ENTRY: Final[tuple[tuple[str, str], ...]] = (
    ("F", "Force"),
    ("N", "No Force"),
)

# ReportActionCategoryCodeSimpleType in nibrs/2019/nibrs-codes.xsd
REPORT_ACTION: Final[tuple[tuple[str, str], ...]] = (
    ("A", "Add Report"),
    ("I", "Incident Report"),
    ("D", "Delete"),
    ("R", "Replace"),
)

# NIBRSReportCategoryCodeSimpleType in nibrs/2019/nibrs-codes.xsd
REPORT_CATEGORY: Final[tuple[tuple[str, str], ...]] = (
    ("GROUP A INCIDENT REPORT", "Group A Incident Report"),
    ("GROUP B ARREST REPORT", "Group B Arrest Report"),
    ("ZERO REPORT", "Zero Report"),
)

# LEOKAActivityCategoryCodeSimpleType in niem/codes/fbi_ucr/3.2/fbi_ucr.xsd
LEOKA_ACTIVITY: Final[tuple[tuple[str, str], ...]] = (
    ("01", "Responding to Disturbance Call (Family Quarrels, Person with Firearm, Etc.)"),
    ("02", "Burglaries in Progress or Pursuing Burglary Suspects"),
    ("03", "Robberies in Progress or Pursuing Robbery Suspects"),
    ("04", "Attempting Other Arrests"),
    ("05", "Civil Disorder (Riot, Mass Disobedience)"),
    ("06", "Handling, Transporting, Custody of Prisoners"),
    ("07", "Investigating Suspicious Persons or Circumstances"),
    ("08", "Ambush-No Warning"),
    ("09", "Handling Persons with Mental Illness"),
    ("10", "Traffic Pursuits and Stops"),
    ("11", "All Other"),
)

# LEOKAOfficerAssignmentCategoryCodeSimpleType in niem/codes/fbi_ucr/3.2/fbi_ucr.xsd
LEOKA_ASSIGNMENT: Final[tuple[tuple[str, str], ...]] = (
    ("F", "Two-Officer Vehicle - uniformed law enforcement officers"),
    ("G", "One-Officer Vehicle (Alone) - uniformed law enforcement officers"),
    ("H", "One-Officer Vehicle (Assisted) - uniformed law enforcement officers"),
    ("I", "Detective or Special Assignment (Alone) - non-uniformed officers"),
    ("J", "Detective or Special Assignment (Assisted) - non-uniformed officers"),
    (
        "K",
        (
            "Other (Alone) - law enforcement officers serving in other capacities (foot patrol, "
            "off duty, etc.)"
        ),
    ),
    (
        "L",
        (
            "Other (Assisted) - law enforcement officers serving in other capacities (foot patrol, "
            "off duty, etc.)"
        ),
    ),
)

# (table name, schema file#simple type, codes) for every table, in this order.
TABLES: Final[tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...]] = (
    ("nibrs.offense", "nibrs/2019/nibrs-codes.xsd#OffenseCodeSimpleType", OFFENSE),
    ("nibrs.location", "nibrs/2019/nibrs-codes.xsd#LocationCategoryCodeSimpleType", LOCATION),
    (
        "nibrs.criminal_activity",
        "nibrs/2019/nibrs-codes.xsd#CriminalActivityCategoryCodeSimpleType",
        CRIMINAL_ACTIVITY,
    ),
    (
        "nibrs.bias_motivation",
        "niem/codes/fbi_ndex/3.1/fbi_ndex.xsd#BiasMotivationCodeSimpleType",
        BIAS_MOTIVATION,
    ),
    ("nibrs.force", "niem/codes/fbi_ucr/3.2/fbi_ucr.xsd#ForceCategoryCodeSimpleType", FORCE),
    (
        "nibrs.offender_suspected_of_using",
        "niem/codes/fbi_ucr/3.2/fbi_ucr.xsd#IncidentFactorCodeSimpleType",
        OFFENDER_SUSPECTED_OF_USING,
    ),
    (
        "nibrs.victim_type",
        "niem/codes/fbi_ucr/3.2/fbi_ucr.xsd#VictimCategoryCodeSimpleType",
        VICTIM_TYPE,
    ),
    ("nibrs.injury", "niem/codes/fbi_ucr/3.2/fbi_ucr.xsd#InjuryCategoryCodeSimpleType", INJURY),
    (
        "nibrs.relationship",
        "nibrs/2019/nibrs-codes.xsd#VictimToSubjectRelationshipCodeSimpleType",
        RELATIONSHIP,
    ),
    (
        "nibrs.aggravated_assault_circumstance",
        "niem/codes/fbi_ucr/3.2/fbi_ucr.xsd#AggravatedAssaultHomicideFactorsCodeSimpleType",
        AGGRAVATED_ASSAULT_CIRCUMSTANCE,
    ),
    (
        "nibrs.justifiable_homicide_circumstance",
        "niem/codes/fbi_ucr/3.2/fbi_ucr.xsd#JustifiableHomicideFactorsCodeSimpleType",
        JUSTIFIABLE_HOMICIDE_CIRCUMSTANCE,
    ),
    (
        "nibrs.arrest_type",
        "niem/codes/fbi_ucr/3.2/fbi_ucr.xsd#ArrestCategoryCodeSimpleType",
        ARREST_TYPE,
    ),
    (
        "nibrs.arrestee_weapon",
        "niem/codes/fbi_ucr/3.2/fbi_ucr.xsd#ArresteeWeaponCodeSimpleType",
        ARRESTEE_WEAPON,
    ),
    (
        "nibrs.juvenile_disposition",
        "niem/codes/fbi_ndex/3.1/fbi_ndex.xsd#JuvenileDispositionCodeSimpleType",
        JUVENILE_DISPOSITION,
    ),
    (
        "nibrs.multiple_arrestee",
        "niem/codes/fbi_ucr/3.2/fbi_ucr.xsd#MultipleArresteeSegmentsCodeSimpleType",
        MULTIPLE_ARRESTEE,
    ),
    ("nibrs.property_loss", "cjis/2.0/cjis-codes.xsd#ItemStatusCodeSimpleType", PROPERTY_LOSS),
    (
        "nibrs.property_description",
        "niem/codes/fbi_ucr/3.2/fbi_ucr.xsd#PropertyCategoryCodeSimpleType",
        PROPERTY_DESCRIPTION,
    ),
    ("nibrs.drug_type", "niem/codes/fbi_ucr/3.2/fbi_ucr.xsd#DrugCategoryCodeSimpleType", DRUG_TYPE),
    (
        "nibrs.drug_unit",
        "niem/codes/fbi_ucr/3.2/fbi_ucr.xsd#DrugMeasurementCodeSimpleType",
        DRUG_UNIT,
    ),
    ("nibrs.sex", "niem/codes/fbi_ncic/3.2/fbi_ncic.xsd#SEXCodeSimpleType", SEX),
    ("nibrs.race", "niem/codes/fbi_ndex/3.1/fbi_ndex.xsd#RACCodeSimpleType", RACE),
    ("nibrs.ethnicity", "niem/codes/fbi_ucr/3.2/fbi_ucr.xsd#EthnicityCodeSimpleType", ETHNICITY),
    (
        "nibrs.resident_status",
        "niem/codes/fbi_ucr/3.2/fbi_ucr.xsd#ResidentCodeSimpleType",
        RESIDENT_STATUS,
    ),
    (
        "nibrs.exceptional_clearance",
        "niem/codes/fbi_ucr/3.2/fbi_ucr.xsd#IncidentExceptionalClearanceCodeSimpleType",
        EXCEPTIONAL_CLEARANCE,
    ),
    (
        "nibrs.method_of_entry",
        "niem/codes/fbi_ucr/3.2/fbi_ucr.xsd#MethodOfEntryCodeSimpleType",
        METHOD_OF_ENTRY,
    ),
    (
        "nibrs.report_action",
        "nibrs/2019/nibrs-codes.xsd#ReportActionCategoryCodeSimpleType",
        REPORT_ACTION,
    ),
    (
        "nibrs.report_category",
        "nibrs/2019/nibrs-codes.xsd#NIBRSReportCategoryCodeSimpleType",
        REPORT_CATEGORY,
    ),
    (
        "nibrs.leoka_activity",
        "niem/codes/fbi_ucr/3.2/fbi_ucr.xsd#LEOKAActivityCategoryCodeSimpleType",
        LEOKA_ACTIVITY,
    ),
    (
        "nibrs.leoka_assignment",
        "niem/codes/fbi_ucr/3.2/fbi_ucr.xsd#LEOKAOfficerAssignmentCategoryCodeSimpleType",
        LEOKA_ASSIGNMENT,
    ),
)
